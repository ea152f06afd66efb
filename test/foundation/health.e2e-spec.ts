import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { startPrivateRedis } from '../support/redis.js';

describe('health', () => {
  let t: TestApp;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    t = await createTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  it('is live', async () => {
    const res = await request(t.app.getHttpServer()).get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready while PostgreSQL and Redis answer, and 503 naming Redis once it is gone', async () => {
    const up = await request(t.app.getHttpServer()).get('/health/ready');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up' } });

    await redis.stop();

    const down = await request(t.app.getHttpServer()).get('/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.body).toMatchObject({ code: 'not_ready', checks: { database: 'up', redis: 'down' } });
    expect(down.body.detail).toBe('Not ready: redis is unreachable.');
  });
});
