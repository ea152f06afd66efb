import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/identity.js';

let t: TestApp;

beforeAll(async () => {
  // TRUST_PROXY stays at its default (false): X-Forwarded-For is the client's word, not the source.
  t = await createTestApp({
    env: { ...FAST_AUTH_ENV, AUTH_LOGIN_FREE_ATTEMPTS: '3', AUTH_LOGIN_MAX_DELAY_SECONDS: '60' },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('login throttling cannot be sidestepped', () => {
  it('counts forged X-Forwarded-For values and letter-case variants of the email as one source and one account', async () => {
    const user = await createUser(t);
    const variants = [user.email.toUpperCase(), user.email, user.email.replace(/^./, (c) => c.toUpperCase())];
    for (const [i, email] of variants.entries()) {
      const res = await request(t.app.getHttpServer())
        .post('/api/v1/auth/login')
        .set('x-forwarded-for', `203.0.113.${i + 1}`)
        .send({ email, password: 'Wrong-password-1' });
      expect(res.status).toBe(401);
    }
    const held = await request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', '198.51.100.7')
      .send({ email: user.email.toUpperCase(), password: user.password });
    expect(held.status).toBe(429);
    expect(held.body.code).toBe('account_locked');
  });
});
