import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin, login, totpCode, type Tokens } from '../support/identity.js';
import { createTenant } from '../support/tenant.js';

/**
 * Platform administration over HTTP, as a platform admin who signed in with TOTP meets it (a TOTP
 * sign-in is a fresh second factor, so these flows keep working under step-up).
 */
describe('platform administration of accounts', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof createUserAndLogin>>;
  let adminAuth: { authorization: string };
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
    adminAuth = authHeader(admin.tokens);
  });
  afterAll(() => t.close());

  /** The platform admins other than `keep` stop being admins (through the API). */
  async function onlyAdmins(...keep: string[]): Promise<void> {
    const { rows } = await t.env.db.query(
      `SELECT id FROM user_account WHERE is_platform_admin AND status = 'active' AND NOT (id = ANY($1::uuid[]))`,
      [keep],
    );
    for (const { id } of rows as { id: string }[]) {
      const res = await http().patch(`/api/v1/users/${id}`).set(adminAuth).send({ isPlatformAdmin: false });
      expect(res.status).toBe(200);
    }
  }

  async function activeAdmins(): Promise<string[]> {
    const { rows } = await t.env.db.query(
      `SELECT id FROM user_account WHERE is_platform_admin AND status = 'active' AND expires_at IS NULL`,
    );
    return (rows as { id: string }[]).map((r) => r.id).sort();
  }

  describe('who may use it', () => {
    it('answers 403 to members and API keys whatever the id, 401 without credentials: nothing is revealed', async () => {
      const tenant = await createTenant(t);
      const key = await http()
        .post(`/api/v1/orgs/${tenant.orgId}/api-keys`)
        .set(tenant.admin.auth)
        .send({ name: 'ci', permissions: ['model:read'] });
      expect(key.status).toBe(201);
      const existing = tenant.developer.id;
      const unknown = randomUUID();
      const attempts = [
        ['get', '/api/v1/users'],
        ['get', `/api/v1/users/${existing}`],
        ['get', `/api/v1/users/${unknown}`],
        ['get', '/api/v1/users/not-a-uuid'],
        ['patch', `/api/v1/users/${existing}`],
        ['patch', `/api/v1/users/${unknown}`],
        ['delete', `/api/v1/users/${existing}`],
        ['delete', `/api/v1/users/${unknown}`],
        ['post', `/api/v1/users/${existing}/sessions/revoke`],
        ['post', `/api/v1/users/${unknown}/mfa/reset`],
      ] as const;
      for (const [method, path] of attempts) {
        // An organization admin is not a platform admin.
        const member = await http()[method](path).set(tenant.admin.auth).send({ status: 'disabled' });
        expect({ path, status: member.status, code: member.body.code }).toEqual({
          path,
          status: 403,
          code: 'platform_admin_required',
        });
        expect(member.body.detail).toBe('Only platform administrators may do this.');
        const viaKey = await http()
          [method](path)
          .set('x-api-key', key.body.secret as string);
        expect({ path, status: viaKey.status, code: viaKey.body.code }).toEqual({
          path,
          status: 403,
          code: 'api_key_not_allowed',
        });
        const anonymous = await http()[method](path);
        expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      }
      // Nothing changed for the member the attempts named.
      expect((await http().get('/api/v1/auth/me').set(tenant.developer.auth)).status).toBe(200);
    });
  });

  describe('disable, enable, expiry', () => {
    it('disabling ends the user’s access at their next request; enabling lets them sign in again', async () => {
      const user = await createUserAndLogin(t);
      const auth = authHeader(user.tokens);
      expect((await http().get('/api/v1/auth/me').set(auth)).status).toBe(200);

      const disabled = await http()
        .patch(`/api/v1/users/${user.id}`)
        .set(adminAuth)
        .send({ status: 'disabled', disabledReason: 'left the studio' });
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({
        id: user.id,
        email: user.email,
        status: 'disabled',
        disabledReason: 'left the studio',
        usable: false,
      });

      const next = await http().get('/api/v1/auth/me').set(auth);
      expect(next.status).toBe(401);
      const refresh = await http().post('/api/v1/auth/refresh').send({ refreshToken: user.tokens.refreshToken });
      expect(refresh.status).toBe(401);
      const relogin = await http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
      expect(relogin.status).toBe(401);
      expect(relogin.body.code).toBe('account_disabled');

      const enabled = await http().patch(`/api/v1/users/${user.id}`).set(adminAuth).send({ status: 'active' });
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null, usable: true });
      const fresh = await login(t, user.email, user.password);
      expect((await http().get('/api/v1/auth/me').set(authHeader(fresh))).status).toBe(200);

      const { rows } = await t.env.db.query(
        `SELECT action, actor_id, resource_id FROM audit_event WHERE resource_id = $1 AND action IN ('user.disabled', 'user.enabled') ORDER BY pos`,
        [user.id],
      );
      expect(rows).toEqual([
        { action: 'user.disabled', actor_id: admin.id, resource_id: user.id },
        { action: 'user.enabled', actor_id: admin.id, resource_id: user.id },
      ]);
    });

    it('an expiry in the past stops the account at once; a future one shows, and clearing it restores', async () => {
      const user = await createUserAndLogin(t);
      const auth = authHeader(user.tokens);
      const future = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const later = await http().patch(`/api/v1/users/${user.id}`).set(adminAuth).send({ expiresAt: future });
      expect(later.status).toBe(200);
      expect(later.body).toMatchObject({ expiresAt: future, usable: true });
      expect((await http().get('/api/v1/auth/me').set(auth)).status).toBe(200);

      const past = new Date(Date.now() - 60_000).toISOString();
      const expired = await http().patch(`/api/v1/users/${user.id}`).set(adminAuth).send({ expiresAt: past });
      expect(expired.status).toBe(200);
      expect(expired.body).toMatchObject({ status: 'active', expiresAt: past, usable: false });
      const next = await http().get('/api/v1/auth/me').set(auth);
      expect(next.status).toBe(401);
      expect(next.body.code).toBe('account_disabled');
      const relogin = await http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
      expect(relogin.body.code).toBe('account_disabled');

      const cleared = await http().patch(`/api/v1/users/${user.id}`).set(adminAuth).send({ expiresAt: null });
      expect(cleared.body).toMatchObject({ expiresAt: null, usable: true });
      expect((await http().get('/api/v1/auth/me').set(auth)).status).toBe(200);
    });

    it('refuses bad input with a field error and changes nothing', async () => {
      const user = await createUser(t);
      for (const body of [
        { expiresAt: 'tomorrow' },
        { status: 'erased' },
        { status: 'suspended' },
        { isPlatformAdmin: 'yes' },
        { email: 'new@example.test' },
        { disabledReason: 'x'.repeat(501) },
      ]) {
        const res = await http().patch(`/api/v1/users/${user.id}`).set(adminAuth).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({
          body,
          status: 400,
          code: 'validation_failed',
        });
      }
      const unknown = await http().patch(`/api/v1/users/${randomUUID()}`).set(adminAuth).send({ status: 'disabled' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('user_not_found');
      const malformed = await http().get('/api/v1/users/not-a-uuid').set(adminAuth);
      expect(malformed.body.code).toBe('user_not_found');
      const after = await http().get(`/api/v1/users/${user.id}`).set(adminAuth);
      expect(after.body).toMatchObject({
        status: 'active',
        expiresAt: null,
        isPlatformAdmin: false,
        email: user.email,
      });
    });
  });

  describe('the last platform administrator', () => {
    it('cannot be demoted, disabled, given an expiry or erased', async () => {
      await onlyAdmins(admin.id);
      for (const body of [
        { isPlatformAdmin: false },
        { status: 'disabled' },
        { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      ]) {
        const res = await http().patch(`/api/v1/users/${admin.id}`).set(adminAuth).send(body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({
          body,
          status: 409,
          code: 'last_platform_admin',
        });
      }
      const erase = await http().delete(`/api/v1/users/${admin.id}`).set(adminAuth);
      expect(erase.status).toBe(409);
      expect(erase.body.code).toBe('last_platform_admin');
      expect(await activeAdmins()).toEqual([admin.id]);
    });

    it('stays when two removals race, whatever the mix of changes', async () => {
      // The operator's own expiry keeps them out of the count, so both requests always pass the
      // guard and only the rule decides.
      const operator = await createUserAndLogin(t, {
        platformAdmin: true,
        mfa: true,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      const op = authHeader(operator.tokens);
      const patch = (id: string, body: object) => () => http().patch(`/api/v1/users/${id}`).set(op).send(body);
      const erase = (id: string) => () => http().delete(`/api/v1/users/${id}`).set(op);
      const rounds: ((x: string, y: string) => (() => request.Test)[])[] = [
        (x, y) => [patch(x, { isPlatformAdmin: false }), patch(y, { isPlatformAdmin: false })],
        (x, y) => [patch(x, { status: 'disabled' }), patch(y, { isPlatformAdmin: false })],
        (x, y) => [erase(x), patch(y, { expiresAt: new Date(Date.now() + 3_600_000).toISOString() })],
        (x, y) => [erase(x), erase(y)],
      ];
      for (const [i, round] of rounds.entries()) {
        const x = (await createUser(t, { platformAdmin: true })).id;
        const y = (await createUser(t, { platformAdmin: true })).id;
        // Only x and y are administrators without an expiry.
        const { rows } = await t.env.db.query(
          `SELECT id FROM user_account WHERE is_platform_admin AND status = 'active' AND expires_at IS NULL AND NOT (id = ANY($1::uuid[]))`,
          [[x, y]],
        );
        for (const { id } of rows as { id: string }[]) await patch(id, { isPlatformAdmin: false })().expect(200);
        expect(await activeAdmins()).toEqual([x, y].sort());

        const results = await Promise.all(round(x, y).map((send) => send()));
        const statuses = results.map((r) => r.status).sort();
        expect({ round: i, statuses }).toEqual({ round: i, statuses: [200, 409] });
        expect(results.find((r) => r.status === 409)!.body.code).toBe('last_platform_admin');
        expect(await activeAdmins()).toHaveLength(1);
      }
      // Back to the suite's administrator.
      await patch(admin.id, { isPlatformAdmin: true })().expect(200);
      expect((await http().get('/api/v1/users').set(adminAuth)).status).toBe(200);
    });
  });

  describe('list, search and pagination', () => {
    it('finds accounts by part of the email or name in any case, by status, and pages without repeats', async () => {
      const tag = randomUUID().slice(0, 8);
      const made: Awaited<ReturnType<typeof createUser>>[] = [];
      for (let i = 0; i < 5; i++) {
        made.push(
          await createUser(t, { email: `page-${tag}-${i}@example.test`, displayName: `Pagination Person ${tag} ${i}` }),
        );
      }
      await login(t, made[0].email, made[0].password);

      const seen: { id: string; lastLoginAt: string | null; email: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await http()
          .get('/api/v1/users')
          .query({ search: `PAGINATION person ${tag}`, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(adminAuth);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.map((u) => u.id).sort()).toEqual(made.map((u) => u.id).sort());
      // Newest first.
      expect(seen.map((u) => u.email)).toEqual(made.map((u) => u.email).reverse());
      expect(seen.find((u) => u.id === made[0].id)!.lastLoginAt).toEqual(expect.any(String));
      expect(seen.find((u) => u.id === made[1].id)!.lastLoginAt).toBeNull();

      const byEmail = await http()
        .get('/api/v1/users')
        .query({ search: `PAGE-${tag}-3@` })
        .set(adminAuth);
      expect(byEmail.body.items.map((u: { id: string }) => u.id)).toEqual([made[3].id]);

      await http().patch(`/api/v1/users/${made[2].id}`).set(adminAuth).send({ status: 'disabled' }).expect(200);
      const disabled = await http().get('/api/v1/users').query({ search: tag, status: 'disabled' }).set(adminAuth);
      expect(disabled.body.items.map((u: { id: string }) => u.id)).toEqual([made[2].id]);
      const active = await http().get('/api/v1/users').query({ search: tag, status: 'active' }).set(adminAuth);
      expect(active.body.items).toHaveLength(4);

      // Wildcards are literal.
      const percent = await http()
        .get('/api/v1/users')
        .query({ search: `${tag}%` })
        .set(adminAuth);
      expect(percent.body.items).toEqual([]);
      const forged = await http().get('/api/v1/users').query({ cursor: 'eyJ0IjoxfQ' }).set(adminAuth);
      expect(forged.status).toBe(400);
      expect(forged.body.code).toBe('cursor_invalid');
      const badStatus = await http().get('/api/v1/users').query({ status: 'gone' }).set(adminAuth);
      expect(badStatus.body.code).toBe('validation_failed');
    });
  });

  describe('sessions and MFA', () => {
    it('revoking sessions ends every session of the user at their next request', async () => {
      const user = await createUserAndLogin(t);
      const other = await login(t, user.email, user.password);
      const res = await http().post(`/api/v1/users/${user.id}/sessions/revoke`).set(adminAuth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ revokedSessions: 2 });
      for (const tokens of [user.tokens, other]) {
        expect((await http().get('/api/v1/auth/me').set(authHeader(tokens))).status).toBe(401);
        expect((await http().post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(
          401,
        );
      }
      // Signing in again works: the account itself is untouched.
      await login(t, user.email, user.password);
    });

    it('resets a lost authenticator: sessions end, MFA and recovery codes are gone, the reset is audited for the notice', async () => {
      const user = await createUserAndLogin(t);
      // Enrolled through the API, which hands out recovery codes.
      const setupFirst = await http().post('/api/v1/auth/mfa/setup').set(authHeader(user.tokens)).expect(200);
      const enabled = await http()
        .post('/api/v1/auth/mfa/enable')
        .set(authHeader(user.tokens))
        .send({ code: await totpCode(setupFirst.body.secret) })
        .expect(200);
      const recoveryCodes = enabled.body.recoveryCodes as string[];
      expect(recoveryCodes).toHaveLength(10);

      const reset = await http().post(`/api/v1/users/${user.id}/mfa/reset`).set(adminAuth);
      expect(reset.status).toBe(200);
      expect(reset.body).toEqual({ revokedSessions: 1 });
      expect((await http().get('/api/v1/auth/me').set(authHeader(user.tokens))).status).toBe(401);
      const { rows: codes } = await t.env.db.query(
        `SELECT count(*)::int AS n FROM mfa_recovery_code WHERE user_id = $1`,
        [user.id],
      );
      expect(codes[0].n).toBe(0);

      const shown = await http().get(`/api/v1/users/${user.id}`).set(adminAuth);
      expect(shown.body.mfaEnabled).toBe(false);
      // The password alone signs in now; the user enrols again.
      const tokens: Tokens = await login(t, user.email, user.password);
      const setup = await http().post('/api/v1/auth/mfa/setup').set(authHeader(tokens));
      expect(setup.status).toBe(200);

      const { rows } = await t.env.db.query(
        `SELECT organization_id, actor_id, resource_type, resource_id, details FROM audit_event WHERE action = 'auth.mfa.reset'`,
      );
      expect(rows).toEqual([
        {
          organization_id: null,
          actor_id: admin.id,
          resource_type: 'user',
          resource_id: user.id,
          details: { revokedSessions: 1 },
        },
      ]);
      const again = await http().post(`/api/v1/users/${user.id}/mfa/reset`).set(adminAuth);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('mfa_not_enabled');
    });
  });
});
