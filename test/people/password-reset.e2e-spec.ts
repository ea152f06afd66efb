import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, createTestEnvironment, type TestApp, type TestEnvironment } from '../support/app.js';
import { authHeader, createUserAndLogin, login, strongPassword, totpCode } from '../support/identity.js';
import { startTestMailbox, type TestMailbox } from '../support/mail.js';
import { awayFromTotpStepEdge } from '../support/people.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Forgotten passwords through a real SMTP server: the same answer for every email, a single-use
 * link that expires, every session signed out; and accounts a platform admin creates, whose owner
 * chooses the password from the mailed link.
 */
describe('password reset and account set-up by mail', () => {
  let env: TestEnvironment;
  let mailbox: TestMailbox;
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const forgot = (email: string, from?: string) => {
    const req = http().post('/api/v1/auth/password/forgot');
    if (from) req.set('x-forwarded-for', from);
    return req.send({ email });
  };
  const reset = (token: string, password: string) =>
    http().post('/api/v1/auth/password/reset').send({ token, password });
  const resetMailTo = async (email: string) =>
    (await mailbox.waitFor((m) => m.to.includes(email.toLowerCase()) && m.subject.startsWith('Reset')))[0];

  beforeAll(async () => {
    mailbox = await startTestMailbox();
    env = await createTestEnvironment();
    t = await createTestApp({
      environment: env,
      env: { SMTP_URL: mailbox.url, PUBLIC_URL: 'https://fg.studio.example/', TRUST_PROXY: 'true' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await env?.close();
    await mailbox?.close();
  });

  it('reset through the mailed link: new password works, old one and every session stop, a notice follows', async () => {
    const user = await createUserAndLogin(t);
    const laptop = await login(t, user.email, user.password);
    const answer = await forgot(user.email.toUpperCase());
    expect(answer.status).toBe(202);
    const mail = await resetMailTo(user.email);
    expect(mail.link).toMatch(/^https:\/\/fg\.studio\.example\/password\/reset#token=/);
    expect(mail.text).toMatch(/expires at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);

    const newPassword = strongPassword();
    const done = await reset(mail.token!, newPassword);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ purpose: 'reset', revokedSessions: 2 });

    for (const tokens of [user.tokens, laptop]) {
      expect((await http().get('/api/v1/auth/me').set(authHeader(tokens))).status).toBe(401);
      expect((await http().post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
    }
    const old = await http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(old.body.code).toBe('credentials_invalid');
    await login(t, user.email, newPassword);
    const [notice] = await mailbox.waitFor(
      (m) => m.to.includes(user.email) && m.subject.includes('password was changed'),
    );
    expect(notice.text).toContain('reset with an emailed link');

    const again = await reset(mail.token!, strongPassword());
    expect(again.status).toBe(410);
    expect(again.body.code).toBe('password_token_used');
    await login(t, user.email, newPassword);
  });

  it('unknown emails get the same answer, in about the same time, and no mail', async () => {
    const user = await createUserAndLogin(t);
    const known = await forgot(user.email, '203.0.113.10');
    const unknownEmail = `nobody-${randomUUID()}@example.test`;
    const unknown = await forgot(unknownEmail, '203.0.113.10');
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);

    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 7; i++) {
      for (const kind of ['known', 'unknown'] as const) {
        const started = performance.now();
        await forgot(kind === 'known' ? user.email : `nobody-${randomUUID()}@example.test`, `203.0.113.${20 + i}`);
        timings[kind].push(performance.now() - started);
        // Let the work done after the answer finish, so it does not slow the next measurement.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // Nothing is looked up before the answer, so an account's existence does not show in the time.
    expect(Math.abs(median(timings.known) - median(timings.unknown))).toBeLessThan(25);

    await resetMailTo(user.email);
    await mailbox.settle(500);
    expect(mailbox.messages.filter((m) => m.to.some((to) => to.startsWith('nobody-')))).toEqual([]);
    // An account gets at most PASSWORD_RESET_MAX_PER_HOUR (3) reset mails an hour, however often it is asked.
    expect(mailbox.to(user.email).filter((m) => m.subject.startsWith('Reset'))).toHaveLength(3);
  });

  it('every bad input has its code and the link still works afterwards', async () => {
    const user = await createUserAndLogin(t);
    await forgot(user.email, '203.0.113.40').expect(202);
    const { token } = await resetMailTo(user.email);

    const cases: [Record<string, unknown>, number, string][] = [
      [{ token: `${token!.slice(0, -4)}AAAA`, password: strongPassword() }, 400, 'password_token_invalid'],
      [{ token, password: 'short' }, 400, 'password_weak'],
      [{ token, password: 'password1234' }, 400, 'password_weak'],
      [{ token }, 400, 'validation_failed'],
      [{ token: 'x', password: strongPassword() }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await http().post('/api/v1/auth/password/reset').send(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
    }
    const badEmail = await http().post('/api/v1/auth/password/forgot').send({ email: 'not-an-email' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.code).toBe('validation_failed');
    // Nothing was lost: the old password still works, and so does the link.
    await login(t, user.email, user.password);
    const newPassword = strongPassword();
    expect((await reset(token!, newPassword)).status).toBe(200);
    await login(t, user.email, newPassword);
  });

  it('an expired link answers password_token_expired and changes nothing', async () => {
    const user = await createUserAndLogin(t);
    await forgot(user.email, '203.0.113.41').expect(202);
    const { token } = await resetMailTo(user.email);
    // PASSWORD_RESET_TTL_MINUTES later.
    await t.app
      .get(DataSource)
      .query(
        `UPDATE password_token SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND used_at IS NULL`,
        [user.id],
      );
    const res = await reset(token!, strongPassword());
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('password_token_expired');
    expect((await http().get('/api/v1/auth/me').set(authHeader(user.tokens))).status).toBe(200);
    await login(t, user.email, user.password);
  });

  it('only the latest link works, and parallel uses of one link change the password once', async () => {
    const user = await createUserAndLogin(t);
    await forgot(user.email, '203.0.113.42').expect(202);
    const first = await resetMailTo(user.email);
    mailbox.messages.splice(mailbox.messages.indexOf(first), 1);
    await forgot(user.email, '203.0.113.42').expect(202);
    const second = await resetMailTo(user.email);
    expect((await reset(first.token!, strongPassword())).body.code).toBe('password_token_invalid');

    const passwords = Array.from({ length: 5 }, strongPassword);
    // Each from its own address, so the per-address guess throttle stays out of the race.
    const attempts = await Promise.all(
      passwords.map((password, i) =>
        http()
          .post('/api/v1/auth/password/reset')
          .set('x-forwarded-for', `198.51.100.${100 + i}`)
          .send({ token: second.token, password }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([200, 410, 410, 410, 410]);
    const winner = passwords[attempts.findIndex((r) => r.status === 200)];
    await login(t, user.email, winner);
    for (const p of passwords.filter((p) => p !== winner)) {
      expect((await http().post('/api/v1/auth/login').send({ email: user.email, password: p })).status).toBe(401);
    }
  });

  it('a reset keeps two-factor on: the next sign-in still needs a code', async () => {
    const user = await createUserAndLogin(t, { mfa: true });
    await forgot(user.email, '203.0.113.43').expect(202);
    const { token } = await resetMailTo(user.email);
    const newPassword = strongPassword();
    await reset(token!, newPassword).expect(200);
    const noCode = await http().post('/api/v1/auth/login').send({ email: user.email, password: newPassword });
    expect(noCode.body.code).toBe('mfa_required');
    await awayFromTotpStepEdge();
    await login(t, user.email, newPassword, await totpCode(user.totpSecret!, 1));
  });

  it('one address asking too often is told to wait; unknown link guesses are throttled per address', async () => {
    const from = '203.0.113.99';
    const answers: number[] = [];
    for (let i = 0; i < 32; i++) answers.push((await forgot(`spray-${i}@example.test`, from)).status);
    expect(answers.slice(0, 30).every((s) => s === 202)).toBe(true);
    const refused = await forgot('spray-last@example.test', from);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('too_many_attempts');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await forgot(`other-${randomUUID()}@example.test`, '203.0.113.98')).status).toBe(202);

    const guess = () =>
      http()
        .post('/api/v1/auth/password/reset')
        .set('x-forwarded-for', '203.0.113.77')
        .send({ token: randomUUID() + randomUUID(), password: strongPassword() });
    const burst = await Promise.all(Array.from({ length: 12 }, guess));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(6);
    expect(statuses).toContain(429);
  });

  describe('accounts created by a platform admin', () => {
    it('the owner gets a set-up link by mail and chooses the password; the admin never sees it', async () => {
      const operator = await createUserAndLogin(t, { platformAdmin: true, mfa: true, displayName: 'Olga Operator' });
      const email = `new-${randomUUID().slice(0, 8)}@example.test`;
      const created = await http()
        .post('/api/v1/users')
        .set(authHeader(operator.tokens))
        .send({ email, displayName: 'Nina New' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email, displayName: 'Nina New', isPlatformAdmin: false });
      expect(created.body.setup).toEqual({ delivery: 'email', expiresAt: expect.any(String) });

      const [mail] = await mailbox.waitFor((m) => m.to.includes(email));
      expect(mail.subject).toBe('Your fusiongate account is ready');
      expect(mail.text).toContain('Olga Operator created a fusiongate account');
      expect(mail.link).toMatch(/^https:\/\/fg\.studio\.example\/account\/setup#token=/);
      // Before the link is used the account has no password at all.
      const early = await http().post('/api/v1/auth/login').send({ email, password: strongPassword() });
      expect(early.body.code).toBe('credentials_invalid');

      const password = strongPassword();
      const set = await reset(mail.token!, password);
      expect(set.body).toEqual({ purpose: 'setup', revokedSessions: 0 });
      const tokens = await login(t, email, password);
      const me = await http().get('/api/v1/auth/me').set(authHeader(tokens));
      expect(me.body).toMatchObject({ email, displayName: 'Nina New' });
      expect((await reset(mail.token!, strongPassword())).body.code).toBe('password_token_used');

      const taken = await http()
        .post('/api/v1/users')
        .set(authHeader(operator.tokens))
        .send({ email: email.toUpperCase() });
      expect(taken.status).toBe(409);
      expect(taken.body.code).toBe('email_taken');
    });

    it('only platform admins create accounts, and bad input is refused', async () => {
      const member = await createUserAndLogin(t);
      const refused = await http()
        .post('/api/v1/users')
        .set(authHeader(member.tokens))
        .send({ email: `x-${randomUUID()}@example.test` });
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('platform_admin_required');
      const operator = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
      for (const body of [
        { email: 'nope' },
        { email: 'a@example.test', displayName: 'a\u200Bb' },
        { email: 'b@example.test', role: 'x' },
      ]) {
        const res = await http().post('/api/v1/users').set(authHeader(operator.tokens)).send(body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
      }
      const [{ n }] = (await t.app
        .get(DataSource)
        .query(`SELECT count(*) AS n FROM user_account WHERE email IN ('a@example.test', 'b@example.test')`)) as {
        n: string;
      }[];
      expect(Number(n)).toBe(0);
    });

    it('without mail, the set-up token goes back to the admin once', async () => {
      const plain = await createTestApp({ environment: env });
      try {
        const operator = await createUserAndLogin(plain, { platformAdmin: true, mfa: true });
        const email = `nomail-${randomUUID().slice(0, 8)}@example.test`;
        const created = await request(plain.app.getHttpServer())
          .post('/api/v1/users')
          .set(authHeader(operator.tokens))
          .send({ email });
        expect(created.body.setup).toMatchObject({ delivery: 'token', token: expect.any(String) });
        const password = strongPassword();
        await request(plain.app.getHttpServer())
          .post('/api/v1/auth/password/reset')
          .send({ token: created.body.setup.token, password })
          .expect(200);
        await login(plain, email, password);
      } finally {
        await plain.close();
      }
    });
  });
});
