import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/identity.js';

// Issue 11 finding 10: anyone who knew an email could lock the account for an hour with wrong
// guesses, the owner included. An address where the account recently signed in is now exempt
// from the per-account ceiling (not from its own per-address delays); other addresses stay locked.

const ACCOUNT_MAX = 5;

let t: TestApp;
const attempt = (email: string, password: string, ip: string) =>
  request(t.app.getHttpServer()).post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ email, password });

beforeAll(async () => {
  t = await createTestApp({
    env: {
      ...FAST_AUTH_ENV,
      TRUST_PROXY: 'true',
      AUTH_LOGIN_FREE_ATTEMPTS: '3',
      AUTH_LOGIN_MAX_DELAY_SECONDS: '600',
      AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR: String(ACCOUNT_MAX),
    },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('an attacker cannot lock the owner out of their account', () => {
  it('after the account ceiling, the owner still signs in from an address that signed in before; others stay locked', async () => {
    const owner = await createUser(t);
    const ownerAddress = '198.51.100.20';
    expect((await attempt(owner.email, owner.password, ownerAddress)).status).toBe(200);

    // The attacker spreads wrong guesses over addresses until the account is locked.
    for (let i = 0; i < ACCOUNT_MAX; i++) {
      expect((await attempt(owner.email, 'Wrong-password-1', `203.0.113.${i + 1}`)).status).toBe(401);
    }
    const attacker = await attempt(owner.email, owner.password, '203.0.113.99');
    expect(attacker.status).toBe(429);
    expect(attacker.body.code).toBe('account_locked');

    const ownerAgain = await attempt(owner.email, owner.password, ownerAddress);
    expect(ownerAgain.status).toBe(200);
    expect(ownerAgain.body.accessToken).toEqual(expect.any(String));

    const unknown = await attempt(owner.email, owner.password, '192.0.2.44');
    expect(unknown.status).toBe(429);
    expect(unknown.body.code).toBe('account_locked');
  });

  it('the known address still gets its own per-address delays', async () => {
    const owner = await createUser(t);
    const ownerAddress = '198.51.100.21';
    expect((await attempt(owner.email, owner.password, ownerAddress)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await attempt(owner.email, 'Wrong-password-1', ownerAddress)).status).toBe(401);
    const held = await attempt(owner.email, owner.password, ownerAddress);
    expect(held.status).toBe(429);
    expect(held.body.code).toBe('account_locked');
  });
});
