import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { launchChromium, servePage } from '../support/chromium.js';
import { createTenant, type Tenant } from '../support/tenant.js';

interface BrowserAnswer {
  ok: boolean;
  status?: number;
  body?: unknown;
  headers?: Record<string, string | null>;
  error?: string;
}

/** `fetch` run inside the page, so Chromium enforces CORS exactly as for a frontend app. */
function browserFetch(
  page: Page,
  url: string,
  init: { method: string; token: string; body?: unknown; read?: string[] },
): Promise<BrowserAnswer> {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${init.token}` };
        if (init.body !== undefined) headers['content-type'] = 'application/json';
        const res = await fetch(url, {
          method: init.method,
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
        const text = await res.text();
        const read: Record<string, string | null> = {};
        for (const name of init.read ?? []) read[name] = res.headers.get(name);
        return { ok: true, status: res.status, body: text ? JSON.parse(text) : null, headers: read };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    },
    { url, init },
  );
}

/** A frontend on another origin calls the API from a real Chromium. */
describe('CORS from a browser app on another origin', () => {
  let t: TestApp;
  let tenant: Tenant;
  let api: string;
  let browser: Browser;
  let allowed: Awaited<ReturnType<typeof servePage>>;
  let other: Awaited<ReturnType<typeof servePage>>;

  beforeAll(async () => {
    [allowed, other] = await Promise.all([servePage(), servePage()]);
    t = await createTestApp({ env: { CORS_ORIGINS: allowed.origin } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    api = `http://127.0.0.1:${port}/api/v1`;
    tenant = await createTenant(t);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([allowed?.close(), other?.close()]);
    await t?.close();
  });

  async function pageOn(origin: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(origin);
    return page;
  }

  it('lets an allowed origin create, PATCH, PUT and DELETE with a bearer token and read the exposed headers', async () => {
    const page = await pageOn(allowed.origin);
    const token = tenant.admin.tokens.accessToken;
    const projects = `${api}/orgs/${tenant.orgId}/projects`;

    const created = await browserFetch(page, projects, {
      method: 'POST',
      token,
      body: { name: 'Browser app', slug: 'browser-app' },
      read: ['x-request-id', 'location'],
    });
    expect(created).toMatchObject({ ok: true, status: 201, body: { slug: 'browser-app' } });
    expect(created.headers!['x-request-id']).toMatch(/.+/);
    const projectId = (created.body as { id: string }).id;
    expect(created.headers!.location).toBe(`/api/v1/orgs/${tenant.orgId}/projects/${projectId}`);

    const renamed = await browserFetch(page, `${projects}/${projectId}`, {
      method: 'PATCH',
      token,
      body: { name: 'Renamed in the browser' },
      read: ['x-request-id', 'etag'],
    });
    expect(renamed).toMatchObject({ ok: true, status: 200, body: { name: 'Renamed in the browser' } });
    expect(renamed.headers!['x-request-id']).toMatch(/.+/);
    expect(renamed.headers!.etag).toMatch(/^"[\w-]+"$/);

    const member = await browserFetch(page, `${projects}/${projectId}/members/${tenant.developer.id}`, {
      method: 'PUT',
      token,
      body: { role: 'developer' },
    });
    expect(member).toMatchObject({ ok: true, status: 200, body: { userId: tenant.developer.id } });

    const removed = await browserFetch(page, `${projects}/${projectId}`, { method: 'DELETE', token });
    expect(removed).toMatchObject({ ok: true, status: 204 });
    const gone = await request(t.app.getHttpServer())
      .get(`/api/v1/orgs/${tenant.orgId}/projects/${projectId}`)
      .set(tenant.admin.auth);
    expect(gone.status).toBe(404);
    await page.close();
  });

  it('answers the preflight with every method and the exposed headers', async () => {
    const res = await fetch(`${api}/orgs/${tenant.orgId}`, {
      method: 'OPTIONS',
      headers: {
        origin: allowed.origin,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,content-type,if-match',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed.origin);
    const methods = res.headers.get('access-control-allow-methods')!.split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']));
    expect(res.headers.get('access-control-allow-headers')).toMatch(/if-match/);
    const simple = await fetch(`${api}/orgs`, { headers: { origin: allowed.origin } });
    const exposed = simple.headers.get('access-control-expose-headers')!.split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining([
        'etag',
        'location',
        'x-content-sha256',
        'retry-after',
        'ratelimit',
        'ratelimit-policy',
        'x-request-id',
        'idempotent-replayed',
      ]),
    );
  });

  it('refuses an origin that is not allowed: the write never reaches the API', async () => {
    const seed = await request(t.app.getHttpServer())
      .post(`/api/v1/orgs/${tenant.orgId}/projects`)
      .set(tenant.admin.auth)
      .send({ name: 'Kept', slug: 'kept' });
    expect(seed.status).toBe(201);
    const page = await pageOn(other.origin);
    const answer = await browserFetch(page, `${api}/orgs/${tenant.orgId}/projects/${seed.body.id}`, {
      method: 'PATCH',
      token: tenant.admin.tokens.accessToken,
      body: { name: 'Hijacked' },
    });
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/Failed to fetch/);
    const after = await request(t.app.getHttpServer())
      .get(`/api/v1/orgs/${tenant.orgId}/projects/${seed.body.id}`)
      .set(tenant.admin.auth);
    expect(after.body.name).toBe('Kept');
    await page.close();
  });
});
