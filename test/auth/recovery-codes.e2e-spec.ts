import { decodeJwt } from 'jose';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login, totpCode, type TestUser, type Tokens } from '../support/identity.js';
import { FAST_AUTH_ENV } from './support.js';

describe('MFA recovery codes', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const signIn = (user: TestUser, second: Record<string, string>) =>
    http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password, ...second });

  beforeAll(async () => {
    t = await createTestApp({ env: FAST_AUTH_ENV });
  });
  afterAll(() => t.close());

  /** A user who enrols in MFA through the API; answers the secret and the codes shown once. */
  async function enrol(): Promise<{ user: TestUser; tokens: Tokens; secret: string; codes: string[] }> {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const setup = await http().post('/api/v1/auth/mfa/setup').set(authHeader(tokens)).expect(200);
    const enabled = await http()
      .post('/api/v1/auth/mfa/enable')
      .set(authHeader(tokens))
      .send({ code: await totpCode(setup.body.secret, -1) });
    expect(enabled.status).toBe(200);
    return { user, tokens, secret: setup.body.secret as string, codes: enabled.body.recoveryCodes as string[] };
  }

  it('hands out ten distinct codes once, when MFA is turned on, and stores only their hashes', async () => {
    const { user, tokens, codes } = await enrol();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);

    const { rows } = await t.env.db.query(`SELECT * FROM mfa_recovery_code WHERE user_id = $1`, [user.id]);
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace(/-/g, ''));
    }
    // Never shown again: the account only says how many are left.
    const me = await http().get('/api/v1/auth/me').set(authHeader(tokens));
    expect(me.body).toMatchObject({ mfaEnabled: true, recoveryCodesRemaining: 10 });
    expect(JSON.stringify(me.body)).not.toContain(codes[0]);
  });

  it('signs in with a recovery code in place of the TOTP code, once', async () => {
    const { user, codes } = await enrol();
    const first = await signIn(user, { recoveryCode: codes[3] });
    expect(first.status).toBe(200);
    expect(first.body.recoveryCodesRemaining).toBe(9);
    expect(decodeJwt(first.body.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const me = await http().get('/api/v1/auth/me').set(authHeader(first.body.accessToken));
    expect(me.body).toMatchObject({ mfa: true, recoveryCodesRemaining: 9 });

    const reuse = await signIn(user, { recoveryCode: codes[3] });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('credentials_invalid');
    expect(reuse.body).not.toHaveProperty('accessToken');

    // Typed by hand: upper case, without dashes, still the same code.
    const typed = await signIn(user, { recoveryCode: codes[4].toUpperCase().replace(/-/g, '') });
    expect(typed.status).toBe(200);
    expect(typed.body.recoveryCodesRemaining).toBe(8);

    const wrongPassword = await http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'Not-the-password-1', recoveryCode: codes[5] });
    expect(wrongPassword.status).toBe(401);
    // A wrong password never spends a code.
    expect((await signIn(user, { recoveryCode: codes[5] })).status).toBe(200);

    const { rows } = await t.env.db.query(
      `SELECT outcome, details FROM audit_event WHERE resource_id = $1 AND action = 'auth.mfa.recovery_code_used' ORDER BY pos`,
      [user.id],
    );
    expect(rows.map((r) => r.details.remaining)).toEqual([9, 8, 7]);
  });

  it('lets exactly one of many parallel sign-ins with the same code through', async () => {
    const { user, codes } = await enrol();
    // Five: within the free attempts of the account's code throttle, so every one is evaluated.
    const results = await Promise.all(Array.from({ length: 5 }, () => signIn(user, { recoveryCode: codes[0] })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401]);
    const { rows } = await t.env.db.query(
      `SELECT count(*)::int AS used FROM mfa_recovery_code WHERE user_id = $1 AND used_at IS NOT NULL`,
      [user.id],
    );
    expect(rows[0].used).toBe(1);
  });

  it('refuses bad input with its problem code and spends nothing', async () => {
    const { user, codes } = await enrol();
    const both = await signIn(user, { recoveryCode: codes[0], totp: '123456' });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('second_factor_ambiguous');
    const malformed = await signIn(user, { recoveryCode: 'not a code' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
    const unknown = await signIn(user, { recoveryCode: 'aaaa-bbbb-cccc-dddd' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('credentials_invalid');
    const none = await signIn(user, {});
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('mfa_required');
    expect((await signIn(user, { recoveryCode: codes[0] })).body.recoveryCodesRemaining).toBe(9);
  });

  it("another account's code is worthless", async () => {
    const a = await enrol();
    const b = await enrol();
    const res = await signIn(b.user, { recoveryCode: a.codes[0] });
    expect(res.status).toBe(401);
    expect((await signIn(a.user, { recoveryCode: a.codes[0] })).status).toBe(200);
  });

  it('regenerates the codes with a current TOTP code; the old ones stop working', async () => {
    const { user, tokens, secret, codes } = await enrol();
    const auth = authHeader(tokens);
    const wrong = await http().post('/api/v1/auth/mfa/recovery-codes').set(auth).send({ code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('credentials_invalid');
    // A recovery code cannot mint new recovery codes: only the authenticator can.
    const withRecovery = await http().post('/api/v1/auth/mfa/recovery-codes').set(auth).send({ code: codes[1] });
    expect(withRecovery.status).toBe(400);

    const fresh = await http()
      .post('/api/v1/auth/mfa/recovery-codes')
      .set(auth)
      .send({ code: await totpCode(secret) });
    expect(fresh.status).toBe(200);
    const next = fresh.body.recoveryCodes as string[];
    expect(next).toHaveLength(10);
    expect(next.filter((c) => codes.includes(c))).toEqual([]);

    const old = await signIn(user, { recoveryCode: codes[1] });
    expect(old.status).toBe(401);
    const ok = await signIn(user, { recoveryCode: next[0] });
    expect(ok.status).toBe(200);
    expect(ok.body.recoveryCodesRemaining).toBe(9);
    const { rows } = await t.env.db.query(
      `SELECT action FROM audit_event WHERE resource_id = $1 AND action LIKE 'auth.mfa.%' ORDER BY pos`,
      [user.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'auth.mfa.enabled',
      'auth.mfa.failed',
      'auth.mfa.recovery_codes_generated',
      'auth.mfa.failed',
      'auth.mfa.recovery_code_used',
    ]);
  });

  it('turns MFA off with a recovery code; the codes go with it and a new enrolment brings new ones', async () => {
    const { user, codes } = await enrol();
    // Lost the phone: sign in with one code (fresh for sensitive actions), turn MFA off with another.
    const session = await signIn(user, { recoveryCode: codes[0] });
    expect(session.status).toBe(200);
    const auth = authHeader(session.body.accessToken);
    await http().post('/api/v1/auth/mfa/disable').set(auth).send({ code: codes[1] }).expect(204);
    const { rows } = await t.env.db.query(`SELECT count(*)::int AS n FROM mfa_recovery_code WHERE user_id = $1`, [
      user.id,
    ]);
    expect(rows[0].n).toBe(0);
    const me = await http().get('/api/v1/auth/me').set(auth);
    expect(me.body.mfaEnabled).toBe(false);
    expect(me.body).not.toHaveProperty('recoveryCodesRemaining');

    // No MFA: a leftover code is no second factor (and sign-in needs none).
    const regen = await http().post('/api/v1/auth/mfa/recovery-codes').set(auth).send({ code: '123456' });
    expect(regen.status).toBe(409);
    expect(regen.body.code).toBe('mfa_not_enabled');

    const setup = await http().post('/api/v1/auth/mfa/setup').set(auth).expect(200);
    const again = await http()
      .post('/api/v1/auth/mfa/enable')
      .set(auth)
      .send({ code: await totpCode(setup.body.secret, -1) })
      .expect(200);
    expect((await signIn(user, { recoveryCode: codes[2] })).status).toBe(401);
    expect((await signIn(user, { recoveryCode: again.body.recoveryCodes[0] })).status).toBe(200);
  });
});
