import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, createUserAndLogin, strongPassword } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { fuse, orgBase, setupFusionModels, type FusionModels } from '../jobs/fusion-support.js';

const ACCOUNT_MAX = 5;
const RESET_PER_HOUR = 1;
/** One address may ask for ten times the per-account reset mails. */
const RESET_PER_ADDRESS = RESET_PER_HOUR * 10;

/** RateLimit-Policy / RateLimit headers (IETF draft) on every throttled route, the 429 included. */
describe('RateLimit headers on throttled routes', () => {
  let t: TestApp;

  const api = () => request(t.app.getHttpServer());
  const remaining = (res: request.Response, policy: string) => {
    const match = new RegExp(`^"${policy}";r=(\\d+);t=(\\d+)$`).exec(String(res.headers.ratelimit));
    expect({ header: res.headers.ratelimit, matched: !!match }).toEqual({
      header: res.headers.ratelimit,
      matched: true,
    });
    expect(Number(match![2])).toBeGreaterThan(0);
    return Number(match![1]);
  };

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR: String(ACCOUNT_MAX),
        AUTH_LOGIN_FREE_ATTEMPTS: '50',
        PASSWORD_RESET_MAX_PER_HOUR: String(RESET_PER_HOUR),
      },
    });
  });
  afterAll(() => t.close());

  it('counts sign-in failures down to the lock-out, in parallel too, and announces it on the 429', async () => {
    const user = await createUser(t);
    const ok = await api().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(ok.status).toBe(200);
    expect(ok.headers['ratelimit-policy']).toBe(`"sign-in";q=${ACCOUNT_MAX};w=3600`);
    // A right password takes nothing.
    expect(remaining(ok, 'sign-in')).toBe(ACCOUNT_MAX);

    // Someone who has not signed in from here: the account's ceiling applies in full.
    const target = await createUser(t);
    const wrong = () => api().post('/api/v1/auth/login').send({ email: target.email, password: 'Wrong-password-123' });
    const failures = await Promise.all(Array.from({ length: ACCOUNT_MAX }, wrong));
    expect(failures.map((f) => f.status)).toEqual(Array(ACCOUNT_MAX).fill(401));
    // Each failure was counted once, atomically: every answer saw a different number left.
    expect(failures.map((f) => remaining(f, 'sign-in')).sort()).toEqual(
      Array.from({ length: ACCOUNT_MAX }, (_, i) => i),
    );

    const locked = await wrong();
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    expect(locked.headers['ratelimit-policy']).toBe(`"sign-in";q=${ACCOUNT_MAX};w=3600`);
    expect(remaining(locked, 'sign-in')).toBe(0);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Unknown emails are counted exactly like known ones: the headers reveal nothing.
    const unknown = await api()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@example.invalid', password: 'Wrong-password-123' });
    expect(unknown.status).toBe(401);
    expect(remaining(unknown, 'sign-in')).toBe(ACCOUNT_MAX - 1);
  });

  it('announces the second factor’s allowance when a code is wrong', async () => {
    const user = await createUserAndLogin(t, { mfa: true });
    const res = await api()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password, totp: '000000' });
    expect(res.status).toBe(401);
    expect(res.headers['ratelimit-policy']).toBe(`"second-factor";q=${ACCOUNT_MAX};w=3600`);
    expect(remaining(res, 'second-factor')).toBe(ACCOUNT_MAX - 1);
  });

  it('announces emailed-token guesses on invitation registration', async () => {
    const res = await api()
      .post('/api/v1/invitations/register')
      .send({ token: 'not-a-real-invitation-token', password: strongPassword(), displayName: 'Guess' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['ratelimit-policy']).toBe(`"emailed-token";q=${ACCOUNT_MAX};w=3600`);
    expect(remaining(res, 'emailed-token')).toBe(ACCOUNT_MAX - 1);
  });

  it('counts password reset requests per address, in parallel, then refuses with the headers', async () => {
    const ask = () => api().post('/api/v1/auth/password/forgot').send({ email: 'someone@example.com' });
    const answers = await Promise.all(Array.from({ length: RESET_PER_ADDRESS }, ask));
    expect(answers.map((a) => a.status)).toEqual(Array(RESET_PER_ADDRESS).fill(202));
    expect(answers[0]!.headers['ratelimit-policy']).toBe(`"password-reset";q=${RESET_PER_ADDRESS};w=3600`);
    expect(answers.map((a) => remaining(a, 'password-reset')).sort((x, y) => x - y)).toEqual(
      Array.from({ length: RESET_PER_ADDRESS }, (_, i) => i),
    );
    const refused = await ask();
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('too_many_attempts');
    expect(remaining(refused, 'password-reset')).toBe(0);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  describe('fusion submissions', () => {
    let tenant: Tenant;
    let models: FusionModels;

    beforeAll(async () => {
      tenant = await createTenant(t);
      models = await setupFusionModels(t, tenant);
      const quota = await api()
        .patch(orgBase(tenant))
        .set(tenant.admin.auth)
        .send({ dailyInferenceQuota: 10, memberDailyInferenceQuota: 2 });
      expect(quota.status).toBe(200);
    }, 120_000);

    it('announce the daily quota that runs out first, and refuse past it with the headers', async () => {
      const answers = await Promise.all([1, 2, 3].map(() => fuse(t, tenant, 'developer', models.swapperId)));
      const accepted = answers.filter((a) => a.status === 202);
      const refused = answers.filter((a) => a.status === 429);
      // Exactly the member's two, whatever the order they were counted in.
      expect([accepted.length, refused.length]).toEqual([2, 1]);
      for (const a of answers) expect(a.headers['ratelimit-policy']).toBe('"fusion-daily";q=2;w=86400');
      expect(accepted.map((a) => remaining(a, 'fusion-daily')).sort()).toEqual([0, 1]);
      expect(refused[0]!.body.code).toBe('quota_exceeded');
      expect(remaining(refused[0]!, 'fusion-daily')).toBe(0);
      expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);

      // Another member still has their own two, within the organization's ten (8 left after this one).
      const tester = await fuse(t, tenant, 'tester', models.swapperId);
      expect(tester.status).toBe(202);
      expect(remaining(tester, 'fusion-daily')).toBe(1);
    });
  });
});
