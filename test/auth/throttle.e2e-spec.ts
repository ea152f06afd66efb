import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, login, totpCode } from '../support/identity.js';
import { FAST_AUTH_ENV } from './support.js';

describe('brute-force throttling', () => {
  let t: TestApp;
  const attempt = (email: string, password: string, ip: string, totp?: string) =>
    request(t.app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', ip)
      .send({ email, password, ...(totp ? { totp } : {}) });

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        ...FAST_AUTH_ENV,
        TRUST_PROXY: 'true',
        AUTH_LOGIN_FREE_ATTEMPTS: '3',
        AUTH_LOGIN_MAX_DELAY_SECONDS: '1',
        AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR: '8',
        AUTH_IP_MAX_FAILURES_PER_HOUR: '12',
      },
    });
  });
  afterAll(() => t.close());

  it('delays an account from a source after repeated failures, even for the right password, then lets it go', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) expect((await attempt(user.email, 'Wrong-password-1', '10.0.0.1')).status).toBe(401);
    const locked = await attempt(user.email, user.password, '10.0.0.1');
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The owner elsewhere is not held back by the attacker's delays.
    expect((await attempt(user.email, user.password, '10.0.0.2')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await attempt(user.email, user.password, '10.0.0.1')).status).toBe(200);
  });

  it('caps failures per account per hour across sources, and treats unknown emails alike', async () => {
    const user = await createUser(t);
    for (const email of [user.email, 'ghost@example.test']) {
      for (let i = 0; i < 8; i++) {
        const res = await attempt(email, 'Wrong-password-1', `10.1.${i}.1`);
        expect(res.status).toBe(401);
      }
      const capped = await attempt(email, 'Wrong-password-1', '10.2.0.1');
      expect(capped.status).toBe(429);
      expect(capped.body.code).toBe('account_locked');
      expect(Number(capped.headers['retry-after'])).toBeLessThanOrEqual(3600);
    }
  });

  it('caps failures per source address across accounts', async () => {
    for (let i = 0; i < 12; i++) await attempt(`spray-${i}@example.test`, 'Wrong-password-1', '10.9.9.9');
    const res = await attempt('spray-last@example.test', 'Wrong-password-1', '10.9.9.9');
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('too_many_attempts');
  });

  it('throttles one-time code guesses too', async () => {
    const user = await createUser(t, { mfa: true });
    for (let i = 0; i < 3; i++) {
      const res = await attempt(user.email, user.password, '10.3.0.1', '000000');
      expect(res.status).toBe(401);
    }
    const locked = await attempt(user.email, user.password, '10.3.0.1', await totpCode(user.totpSecret!));
    expect(locked.status).toBe(429);
    await new Promise((r) => setTimeout(r, 1100));
    await expect(login(t, user.email, user.password, await totpCode(user.totpSecret!))).resolves.toHaveProperty(
      'accessToken',
    );
  });
});
