import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';

// Issue 11 finding 1: a 600–800 KB body of nested objects/arrays (under the 1 MiB limit) held the
// event loop for seconds and ended in a 500 (class-transformer recursion); 30 of them starved
// /health/live. Now the nesting is refused by a byte scan before parsing, and public routes read
// small bodies only.

let t: TestApp;
const http = () => request(t.app.getHttpServer());

/** `{"email":…,"password":[{"a":[{"a":…1…}]}]}`, nested `depth` times. */
function nestedBody(depth: number): string {
  return `{"email":"x@example.test","password":${'[{"a":'.repeat(depth)}1${'}]'.repeat(depth)}}`;
}

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
});
afterAll(async () => {
  await t?.close();
});

describe('deeply nested JSON is refused cheaply, without authentication', () => {
  it('parallel 700 KB nested bodies answer 400 body_too_deep while /health/live keeps answering', async () => {
    const body = nestedBody(88_000);
    expect(body.length).toBeGreaterThan(600_000);
    expect(body.length).toBeLessThan(1024 * 1024);
    const attacks = Array.from({ length: 30 }, () =>
      http().post('/api/v1/orgs').set('content-type', 'application/json').send(body),
    );
    const health = http().get('/health/live');
    const [live, ...answers] = await Promise.all([health, ...attacks]);
    expect(live.status).toBe(200);
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.code).toBe('body_too_deep');
    }
  });

  it('login refuses a small but deep body with 400 body_too_deep, not a 500', async () => {
    const body = nestedBody(2_000);
    expect(body.length).toBeLessThan(16 * 1024);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        http().post('/api/v1/auth/login').set('content-type', 'application/json').send(body),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('body_too_deep');
    }
  });

  it('public routes (login, refresh) and invitation acceptance refuse bodies over the small public limit with 413', async () => {
    const big = JSON.stringify({ email: 'x@example.test', password: 'p'.repeat(100_000) });
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/invitations/accept']) {
      const res = await http().post(path).set('content-type', 'application/json').send(big);
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
    }
  });

  it('ordinary nesting still reaches validation (field errors, no 500)', async () => {
    const res = await http().post('/api/v1/auth/login').set('content-type', 'application/json').send(nestedBody(10));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});
