import { Body, Controller, Get, Module, Post, type DynamicModule } from '@nestjs/common';
import { IsEmail, IsInt, Max, Min } from 'class-validator';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module.js';
import { Public } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';

class SampleDto {
  @IsEmail()
  email: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count: number;
}

@Controller('samples')
class SampleController {
  @Public()
  @Post()
  create(@Body() body: SampleDto) {
    return { email: body.email, count: body.count, countType: typeof body.count };
  }

  @Get('unguarded')
  unguarded() {
    return { leaked: true };
  }

  @Public()
  @Get('boom')
  boom() {
    throw new Error('database password is hunter2');
  }
}

@Module({ controllers: [SampleController] })
class SampleModule {}

const withSamples = (config: AppConfig): DynamicModule => ({
  module: class SampleRoot {},
  imports: [AppModule.forRoot(config), SampleModule],
});

describe('HTTP edge', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ rootModule: withSamples });
  });
  afterAll(() => t.close());

  it('answers unknown routes with problem+json', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/no-such-thing?x=1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:fusiongate:problem:route_not_found',
      title: 'Not Found',
      status: 404,
      code: 'route_not_found',
      detail: 'No route matches GET /api/v1/no-such-thing.',
    });
  });

  it('names each invalid field, and refuses unknown fields', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/samples')
      .send({ email: 'not-an-email', count: 99, organizationId: 'someone-else' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['count', 'email', 'organizationId']);
    expect(res.body.errors).toContainEqual({
      field: 'organizationId',
      message: 'property organizationId should not exist',
    });
  });

  it('transforms valid bodies to typed DTOs', async () => {
    const res = await request(t.app.getHttpServer()).post('/api/v1/samples').send({ email: 'a@b.io', count: 3 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ email: 'a@b.io', count: 3, countType: 'number' });
  });

  it('answers malformed JSON with problem+json', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/samples')
      .set('content-type', 'application/json')
      .send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('body_invalid');
  });

  it('refuses bodies over the size limit with 413', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/samples')
      .send({ email: 'a@b.io', count: 1, padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('hides internal error details and gives the request id to quote', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/samples/boom').set('x-request-id', 'trace-500');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
    expect(res.body.requestId).toBe('trace-500');
  });

  it('echoes a caller request id, and replaces an unsafe one', async () => {
    const given = await request(t.app.getHttpServer()).get('/health/live').set('x-request-id', 'frontend-42.a');
    expect(given.headers['x-request-id']).toBe('frontend-42.a');
    const unsafe = await request(t.app.getHttpServer()).get('/health/live').set('x-request-id', 'bad id\twith spaces');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const none = await request(t.app.getHttpServer()).get('/health/live');
    expect(none.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends an API answer the headers of a resource that is not a page, and Swagger UI a page's", async () => {
    const server = t.app.getHttpServer();
    const res = await request(server).get('/health/live');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    // Headers that only govern documents are not sent with JSON.
    for (const name of ['referrer-policy', 'x-dns-prefetch-control', 'origin-agent-cluster', 'x-download-options']) {
      expect([name, res.headers[name]]).toEqual([name, undefined]);
    }
    const page = await request(server).get('/docs');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('sends the same security headers on problems and unknown routes as on a probe', async () => {
    const server = t.app.getHttpServer();
    const names = [
      'content-security-policy',
      'cross-origin-resource-policy',
      'x-content-type-options',
      'x-frame-options',
    ];
    const probe = await request(server).get('/health/live');
    for (const res of [
      await request(server).get('/api/v1/auth/me'),
      await request(server).get('/api/v1/samples/boom'),
      await request(server).get('/no-such-route'),
    ]) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      for (const name of names) expect([name, res.headers[name]]).toEqual([name, probe.headers[name]]);
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    }
  });

  it('refuses a route that declares neither a policy nor @Public()', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/v1/samples/unguarded');
    expect(res.status).toBe(401);
    expect(res.body).not.toHaveProperty('leaked');
  });

  it('serves Swagger UI and an OpenAPI document with both security schemes', async () => {
    const ui = await request(t.app.getHttpServer()).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const spec = await request(t.app.getHttpServer()).get('/docs-json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.body.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    expect(spec.body.paths).toHaveProperty(['/health/ready']);
  });

  it('keeps Prometheus metrics off the public port unless METRICS_TOKEN is set', async () => {
    const res = await request(t.app.getHttpServer()).get('/metrics');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route_not_found');
  });

  it('lists routes with their access metadata', () => {
    const routes = listRoutes(t.app);
    expect(routes).toContainEqual(expect.objectContaining({ method: 'GET', path: '/health/ready', isPublic: true }));
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'GET', path: '/samples/unguarded', isPublic: false }),
    );
  });
});
