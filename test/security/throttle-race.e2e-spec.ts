import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import argon2 from 'argon2';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, totpCode, type TestUser } from '../support/identity.js';

// Issue 11 finding 3: the login and TOTP throttles read their counters before the slow password
// hash and wrote them after, so parallel guesses were all evaluated: 400 from 400 addresses (the
// right one signed in past the account ceiling), 17 of 60 from one address against 5 free
// attempts, 84 TOTP codes in one burst. Attempts are now reserved atomically before verification.

const FREE_ATTEMPTS = 5;
const ACCOUNT_MAX = 8;

let t: TestApp;
const attempt = (body: Record<string, string>, ip: string) =>
  request(t.app.getHttpServer()).post('/api/v1/auth/login').set('x-forwarded-for', ip).send(body);

beforeAll(async () => {
  t = await createTestApp({
    env: {
      ...FAST_AUTH_ENV,
      TRUST_PROXY: 'true',
      AUTH_LOGIN_FREE_ATTEMPTS: String(FREE_ATTEMPTS),
      AUTH_LOGIN_MAX_DELAY_SECONDS: '600',
      AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR: String(ACCOUNT_MAX),
      AUTH_IP_MAX_FAILURES_PER_HOUR: '10000',
    },
  });
});
afterAll(async () => {
  await t?.close();
});

/** A user whose password hash has production cost, so each guess takes as long as it would in production. */
async function userWithProductionHash(options: { mfa?: boolean } = {}): Promise<TestUser> {
  const user = await createUser(t, options);
  const hash = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2 });
  await t.env.db.query(`UPDATE user_account SET password_hash = $2 WHERE id = $1`, [user.id, hash]);
  return user;
}

/**
 * Sends `wrong` in parallel, then `late` once the throttle has refused one of them (so the allowance
 * is spent), while the rest are in flight.
 */
async function burst(wrong: (() => request.Test)[], late: () => PromiseLike<request.Response>) {
  const pending = wrong.map(async (send) => send());
  const refused = pending.map((answer) =>
    answer.then((res) => (res.status === 429 ? res : new Promise<never>(() => {}))),
  );
  await Promise.race([...refused, Promise.all(pending)]);
  const lateAnswer = await late();
  return { answers: await Promise.all(pending), late: lateAnswer };
}

describe('login and TOTP throttles hold under parallel bursts', () => {
  it('guesses from many addresses: at most the account ceiling is evaluated, the right password placed late is refused', async () => {
    const user = await userWithProductionHash();
    const { answers, late } = await burst(
      Array.from(
        { length: 40 },
        (_, i) => () => attempt({ email: user.email, password: `Wrong-password-${i}` }, `198.51.100.${i + 1}`),
      ),
      () => attempt({ email: user.email, password: user.password }, '198.51.100.200'),
    );
    const evaluated = answers.filter((res) => res.status !== 429);
    expect(evaluated.length).toBeLessThanOrEqual(ACCOUNT_MAX);
    for (const res of evaluated) expect(res.status).toBe(401);
    expect(late.status).toBe(429);
    expect(late.body.code).toBe('account_locked');
  });

  it('guesses from one address: at most the free attempts are evaluated', async () => {
    const user = await userWithProductionHash();
    const { answers, late } = await burst(
      Array.from(
        { length: 60 },
        (_, i) => () => attempt({ email: user.email, password: `Wrong-${i}-xx` }, '203.0.113.9'),
      ),
      () => attempt({ email: user.email, password: user.password }, '203.0.113.9'),
    );
    expect(answers.filter((res) => res.status !== 429).length).toBeLessThanOrEqual(FREE_ATTEMPTS);
    expect(late.status).toBe(429);
  });

  it('one-time code guesses, from one address and from many: no more codes evaluated than allowed', async () => {
    const user = await createUser(t, { mfa: true });
    const code = await totpCode(user.totpSecret!);
    const wrongCode = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const oneAddress = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        attempt({ email: user.email, password: user.password, totp: wrongCode(i) }, '192.0.2.77'),
      ),
    );
    const fromOne = oneAddress.filter((res) => res.status !== 429).length;
    expect(fromOne).toBeLessThanOrEqual(FREE_ATTEMPTS);

    const { answers, late } = await burst(
      Array.from(
        { length: 40 },
        (_, i) => () =>
          attempt({ email: user.email, password: user.password, totp: wrongCode(100 + i) }, `192.0.2.${i + 1}`),
      ),
      async () =>
        attempt({ email: user.email, password: user.password, totp: await totpCode(user.totpSecret!) }, '192.0.2.250'),
    );
    const fromMany = answers.filter((res) => res.status !== 429).length;
    // Every code evaluated counts against the user's hourly ceiling, whichever address sent it.
    expect(fromOne + fromMany).toBeLessThanOrEqual(ACCOUNT_MAX);
    expect(late.status).toBe(429);
  });
});
