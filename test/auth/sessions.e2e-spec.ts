import request from 'supertest';
import { UserService } from '#libs/auth';
import { RequestContext } from '#libs/common';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login, strongPassword } from '../support/identity.js';
import { FAST_AUTH_ENV } from './support.js';

describe('sessions: refresh, logout, password change, disabled and expired accounts', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const refresh = (refreshToken: string) => http().post('/api/v1/auth/refresh').send({ refreshToken });
  const me = (token: string) => http().get('/api/v1/auth/me').set(authHeader(token));

  beforeAll(async () => {
    t = await createTestApp({ env: FAST_AUTH_ENV });
  });
  afterAll(() => t.close());

  it('rotates the refresh token on every use', async () => {
    const user = await createUser(t);
    const first = await login(t, user.email, user.password);
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.body.accessToken)).status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    const { rows } = await t.env.db.query(`SELECT token_hash FROM refresh_token`);
    expect(rows.map((r) => r.token_hash)).not.toContain(third.body.refreshToken);
  });

  it('revokes the whole family when a rotated refresh token is used again', async () => {
    const user = await createUser(t);
    const first = await login(t, user.email, user.password);
    const second = (await refresh(first.refreshToken)).body;
    // Past the grace period in which a racing client would still get the same successor.
    await t.env.db.query(
      `UPDATE refresh_token SET rotated_at = rotated_at - interval '1 hour' WHERE rotated_at IS NOT NULL AND session_id IN (SELECT id FROM auth_session WHERE user_id = $1)`,
      [user.id],
    );
    const replay = await refresh(first.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('token_invalid');
    // The legitimate holder's newer tokens die with the family.
    expect((await refresh(second.refreshToken)).status).toBe(401);
    const after = await me(second.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('token_invalid');
  });

  it('refuses unknown refresh tokens', async () => {
    const res = await refresh('not-a-real-refresh-token');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_invalid');
  });

  it('ends a session at its absolute lifetime however often it is refreshed', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    await t.env.db.query(`UPDATE auth_session SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      user.id,
    ]);
    await t.env.db.query(
      `UPDATE refresh_token SET expires_at = now() + interval '1 day' WHERE session_id IN (SELECT id FROM auth_session WHERE user_id = $1)`,
      [user.id],
    );
    const res = await refresh(tokens.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_invalid');
  });

  it('logout revokes the session: refresh fails at once, the access token on its next use', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const out = await http().post('/api/v1/auth/logout').set(authHeader(tokens));
    expect(out.status).toBe(204);
    expect((await refresh(tokens.refreshToken)).status).toBe(401);
    const res = await me(tokens.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_invalid');
  });

  it('password change needs the current password and signs out every other session', async () => {
    const user = await createUser(t);
    const here = await login(t, user.email, user.password);
    const elsewhere = await login(t, user.email, user.password);
    const next = strongPassword();

    const wrong = await http()
      .post('/api/v1/auth/password')
      .set(authHeader(here))
      .send({ currentPassword: 'Wrong-password-123', newPassword: next });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('credentials_invalid');

    const weak = await http()
      .post('/api/v1/auth/password')
      .set(authHeader(here))
      .send({ currentPassword: user.password, newPassword: 'Password1234!' });
    expect(weak.status).toBe(400);
    expect(weak.body.code).toBe('password_weak');

    const ok = await http()
      .post('/api/v1/auth/password')
      .set(authHeader(here))
      .send({ currentPassword: user.password, newPassword: next });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ revokedSessions: 1 });
    expect((await me(here.accessToken)).status).toBe(200);
    expect((await me(elsewhere.accessToken)).status).toBe(401);
    expect((await refresh(elsewhere.refreshToken)).status).toBe(401);
    await expect(login(t, user.email, user.password)).rejects.toThrow(/401/);
    await expect(login(t, user.email, next)).resolves.toHaveProperty('accessToken');
  });

  it('a password change that fails half-way changes nothing: the old password and every session stay', async () => {
    const user = await createUser(t);
    const here = await login(t, user.email, user.password);
    const elsewhere = await login(t, user.email, user.password);
    const passwordChangedEvents = async () =>
      (await t.env.db.query(`SELECT count(*)::int AS n FROM audit_event WHERE action = 'auth.password.changed'`))
        .rows[0].n as number;
    const eventsBefore = await passwordChangedEvents();
    // The database refuses to end this user's sessions, after the password row was already updated.
    await t.env.db.query(`
      CREATE FUNCTION refuse_session_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'sessions of this account cannot be revoked'; END $$`);
    await t.env.db.query(
      `CREATE TRIGGER refuse_session_revocation BEFORE UPDATE OF revoked_at ON auth_session
         FOR EACH ROW WHEN (NEW.user_id = '${user.id}'::uuid AND NEW.revoked_at IS NOT NULL)
         EXECUTE FUNCTION refuse_session_revocation()`,
    );
    try {
      const failed = await http()
        .post('/api/v1/auth/password')
        .set(authHeader(here))
        .send({ currentPassword: user.password, newPassword: strongPassword() });
      expect(failed.status).toBe(500);
      expect(failed.headers['content-type']).toMatch(/application\/problem\+json/);
    } finally {
      await t.env.db.query(`DROP TRIGGER refuse_session_revocation ON auth_session`);
      await t.env.db.query(`DROP FUNCTION refuse_session_revocation()`);
    }
    expect((await me(elsewhere.accessToken)).status).toBe(200);
    expect((await refresh(elsewhere.refreshToken)).status).toBe(200);
    await expect(login(t, user.email, user.password)).resolves.toHaveProperty('accessToken');
    expect(await passwordChangedEvents()).toBe(eventsBefore);
  });

  it('a disabled user fails on the next request, and cannot sign in or refresh', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    expect((await me(tokens.accessToken)).status).toBe(200);
    await t.app.get(UserService).setStatus(RequestContext.system('test'), user.id, 'disabled');

    const res = await me(tokens.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('account_disabled');
    expect((await refresh(tokens.refreshToken)).body.code).toBe('account_disabled');
    const again = await http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('account_disabled');
  });

  it('an account past its expiry fails on the next request and cannot sign in', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    await t.app.get(UserService).setExpiry(RequestContext.system('test'), user.id, new Date(Date.now() - 1000));
    const res = await me(tokens.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('account_disabled');
    const again = await http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(again.body.code).toBe('account_disabled');
  });
});
