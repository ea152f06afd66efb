import request from 'supertest';
import { AuditService } from '#libs/audit';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin, login, totpCode, type Tokens } from '../support/identity.js';
import { listRoutes } from '../support/routes.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { FAST_AUTH_ENV } from './support.js';

/** A short window (6 s) so the suite can watch a step-up go stale in real time. */
const STEP_UP_SECONDS = 6;
const STALE_WAIT_MS = STEP_UP_SECONDS * 1000 + 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sensitive actions of the issue: model export, model/version delete, policy and role changes, API key creation, MFA disable. */
const SENSITIVE_ROUTES = [
  'POST /auth/mfa/disable',
  'DELETE /orgs/:orgId/models/:modelId',
  'DELETE /orgs/:orgId/models/:modelId/versions/:version',
  'GET /orgs/:orgId/models/:modelId/versions/:version/artifact',
  'POST /orgs/:orgId/policies',
  'PATCH /orgs/:orgId/policies/:policyId',
  'DELETE /orgs/:orgId/policies/:policyId',
  'POST /orgs/:orgId/roles',
  'PATCH /orgs/:orgId/roles/:roleId',
  'DELETE /orgs/:orgId/roles/:roleId',
  'PATCH /orgs/:orgId/members/:userId',
  'POST /orgs/:orgId/api-keys',
  'POST /users',
  'PATCH /users/:userId',
  'POST /users/:userId/mfa/reset',
  'DELETE /users/:userId',
].sort();

describe('step-up for sensitive actions', () => {
  let t: TestApp;
  let tenant: Tenant;
  const http = () => request(t.app.getHttpServer());
  const api = (path: string) => `/api/v1/orgs/${tenant.orgId}${path}`;
  const stepUp = (auth: { authorization: string }, body: Record<string, string>) =>
    http().post('/api/v1/auth/step-up').set(auth).send(body);

  beforeAll(async () => {
    t = await createTestApp({ env: { ...FAST_AUTH_ENV, AUTH_STEP_UP_MINUTES: String(STEP_UP_SECONDS / 60) } });
    tenant = await createTenant(t);
  });
  afterAll(() => t.close());

  /** A model with draft versions 1 and 2 whose licence allows export, uploaded by the admin. */
  async function modelWithTwoVersions(): Promise<string> {
    const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
    const created = await http()
      .post(api('/models'))
      .set(tenant.admin.auth)
      .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper', redistributionAllowed: true });
    expect(created.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const up = await http()
        .post(api(`/models/${created.body.id}/versions`))
        .set(tenant.admin.auth)
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from(buildInswapperModel()));
      expect(up.status).toBe(201);
    }
    return created.body.id as string;
  }

  it('marks exactly the sensitive routes with @StepUp()', () => {
    const marked = listRoutes(t.app)
      .filter((r) => r.stepUp)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(marked).toEqual(SENSITIVE_ROUTES);
  });

  it('refuses every sensitive route to a stale session (401 step_up_required, nothing changes), then allows it after a step-up', async () => {
    const modelId = await modelWithTwoVersions();
    // An account with MFA enrolled through the API, to turn it off later.
    const owner = await createUser(t);
    const ownerTokens = await login(t, owner.email, owner.password);
    const setup = await http().post('/api/v1/auth/mfa/setup').set(authHeader(ownerTokens)).expect(200);
    const enabled = await http()
      .post('/api/v1/auth/mfa/enable')
      .set(authHeader(ownerTokens))
      .send({ code: await totpCode(setup.body.secret, -1) })
      .expect(200);
    const recoveryCodes = enabled.body.recoveryCodes as string[];

    expect((await stepUp(tenant.admin.auth, { password: tenant.admin.password })).status).toBe(200);
    const role = await http()
      .post(api('/roles'))
      .set(tenant.admin.auth)
      .send({ name: 'lookdev', permissions: ['model:read'] });
    expect(role.status).toBe(201);
    const policy = await http()
      .post(api('/policies'))
      .set(tenant.admin.auth)
      .send({ name: 'readers', effect: 'allow', actions: ['model:read'], principals: { all: true } });
    expect(policy.status).toBe(201);

    await sleep(STALE_WAIT_MS);
    const me = await http().get('/api/v1/auth/me').set(tenant.admin.auth);
    expect(me.body.stepUpExpiresAt).toBeNull();

    // Platform administration: the tenant's admin is a platform admin too (promoted by one who
    // just signed in, so fresh), acting on three accounts.
    const operator = await createUserAndLogin(t, { platformAdmin: true });
    await http()
      .patch(`/api/v1/users/${tenant.admin.id}`)
      .set(authHeader(operator.tokens))
      .send({ isPlatformAdmin: true })
      .expect(200);
    const [changed, lostDevice, erased] = [
      await createUser(t),
      await createUser(t, { mfa: true }),
      await createUser(t),
    ];
    const createdEmail = `created-${Math.random().toString(36).slice(2, 10)}@example.test`;

    type Call = { name: string; send: (auth: { authorization: string }) => request.Test; ok: number };
    const calls: Call[] = [
      {
        name: 'export',
        send: (auth) =>
          http()
            .get(api(`/models/${modelId}/versions/1/artifact`))
            .set(auth),
        ok: 200,
      },
      {
        name: 'version delete',
        send: (auth) =>
          http()
            .delete(api(`/models/${modelId}/versions/2`))
            .set(auth),
        ok: 204,
      },
      {
        name: 'policy create',
        send: (auth) =>
          http()
            .post(api('/policies'))
            .set(auth)
            .send({ name: 'more readers', effect: 'allow', actions: ['model:read'], principals: { all: true } }),
        ok: 201,
      },
      {
        name: 'policy update',
        send: (auth) =>
          http()
            .patch(api(`/policies/${policy.body.id}`))
            .set(auth)
            .send({ enabled: false }),
        ok: 200,
      },
      {
        name: 'policy delete',
        send: (auth) =>
          http()
            .delete(api(`/policies/${policy.body.id}`))
            .set(auth),
        ok: 204,
      },
      {
        name: 'role create',
        send: (auth) =>
          http()
            .post(api('/roles'))
            .set(auth)
            .send({ name: 'comp', permissions: ['model:read'] }),
        ok: 201,
      },
      {
        name: 'role update',
        send: (auth) =>
          http()
            .patch(api(`/roles/${role.body.id}`))
            .set(auth)
            .send({ permissions: ['model:read', 'job:read'] }),
        ok: 200,
      },
      {
        name: 'role delete',
        send: (auth) =>
          http()
            .delete(api(`/roles/${role.body.id}`))
            .set(auth),
        ok: 204,
      },
      {
        name: 'member role change',
        send: (auth) =>
          http()
            .patch(api(`/members/${tenant.developer.id}`))
            .set(auth)
            .send({ role: 'tester' }),
        ok: 200,
      },
      {
        name: 'API key creation',
        send: (auth) =>
          http()
            .post(api('/api-keys'))
            .set(auth)
            .send({ name: 'ci', permissions: ['model:read'] }),
        ok: 201,
      },
      {
        name: 'account creation',
        send: (auth) => http().post('/api/v1/users').set(auth).send({ email: createdEmail }),
        ok: 201,
      },
      {
        name: 'account change',
        send: (auth) => http().patch(`/api/v1/users/${changed.id}`).set(auth).send({ status: 'disabled' }),
        ok: 200,
      },
      {
        name: 'MFA reset',
        send: (auth) => http().post(`/api/v1/users/${lostDevice.id}/mfa/reset`).set(auth),
        ok: 200,
      },
      {
        name: 'erasure',
        send: (auth) => http().delete(`/api/v1/users/${erased.id}`).set(auth),
        ok: 200,
      },
      {
        name: 'model delete',
        send: (auth) =>
          http()
            .delete(api(`/models/${modelId}`))
            .set(auth),
        ok: 204,
      },
    ];

    const refusals: string[] = [];
    for (const call of calls) {
      const res = await call.send(tenant.admin.auth);
      if (res.status !== 401 || res.body.code !== 'step_up_required') refusals.push(`${call.name} → ${res.status}`);
    }
    const disableStale = await http()
      .post('/api/v1/auth/mfa/disable')
      .set(authHeader(ownerTokens))
      .send({ code: recoveryCodes[0] });
    if (disableStale.status !== 401 || disableStale.body.code !== 'step_up_required')
      refusals.push(`mfa disable → ${disableStale.status}`);
    expect(refusals).toEqual([]);

    // Nothing happened: the refused requests changed no state.
    expect(
      (
        await http()
          .get(api(`/models/${modelId}/versions`))
          .set(tenant.admin.auth)
      ).body.items,
    ).toHaveLength(2);
    const roles = (await http().get(api('/roles')).set(tenant.admin.auth)).body.items as { name: string }[];
    expect(roles.map((r) => r.name)).toContain('lookdev');
    expect(roles.map((r) => r.name)).not.toContain('comp');
    const policies = (await http().get(api('/policies')).set(tenant.admin.auth)).body.items as { enabled: boolean }[];
    expect(policies).toEqual([expect.objectContaining({ id: policy.body.id, enabled: true })]);
    expect((await http().get(api('/api-keys')).set(tenant.admin.auth)).body.items).toHaveLength(0);
    const members = (await http().get(api('/members')).set(tenant.admin.auth)).body.items as {
      userId: string;
      role: { name: string };
    }[];
    expect(members.find((m) => m.userId === tenant.developer.id)?.role.name).toBe('developer');
    expect((await http().get('/api/v1/auth/me').set(authHeader(ownerTokens))).body.mfaEnabled).toBe(true);
    const account = async (id: string) =>
      (await http().get(`/api/v1/users/${id}`).set(authHeader(operator.tokens))).body;
    expect(await account(changed.id)).toMatchObject({ status: 'active' });
    expect(await account(lostDevice.id)).toMatchObject({ mfaEnabled: true });
    expect(await account(erased.id)).toMatchObject({ status: 'active', email: erased.email });
    const search = await http()
      .get(`/api/v1/users?search=${encodeURIComponent(createdEmail)}`)
      .set(authHeader(operator.tokens));
    expect(search.body.items).toEqual([]);

    // Each action goes through right after the session steps up again.
    const outcomes: string[] = [];
    for (const call of calls) {
      expect((await stepUp(tenant.admin.auth, { password: tenant.admin.password })).status).toBe(200);
      const res = await call.send(tenant.admin.auth);
      if (res.status !== call.ok) outcomes.push(`${call.name} → ${res.status} ${res.body.code}`);
    }
    expect(outcomes).toEqual([]);
    const ownerStepUp = await stepUp(authHeader(ownerTokens), { code: await totpCode(setup.body.secret) });
    expect(ownerStepUp.status).toBe(200);
    expect(ownerStepUp.body.factor).toBe('totp');
    // The recovery code the refused request carried was not spent: it turns MFA off now.
    await http()
      .post('/api/v1/auth/mfa/disable')
      .set(authHeader(ownerTokens))
      .send({ code: recoveryCodes[0] })
      .expect(204);
    expect((await http().get('/api/v1/auth/me').set(authHeader(ownerTokens))).body.mfaEnabled).toBe(false);

    await t.app.get(AuditService).flush();
    const audit = await http()
      .get(api('/audit'))
      .query({ action: 'authz.denied', actorId: tenant.admin.id })
      .set(tenant.admin.auth);
    const stepUpDenials = (audit.body.items as { details: { code: string }; resourceId: string }[]).filter(
      (e) => e.details.code === 'step_up_required',
    );
    // Platform administration is refused on the platform chain, the rest in the organization's.
    const platformCalls = ['account creation', 'account change', 'MFA reset', 'erasure'];
    expect(stepUpDenials).toHaveLength(calls.length - platformCalls.length);
    const { rows: platformDenials } = await t.env.db.query(
      `SELECT resource_id FROM audit_event WHERE organization_id IS NULL AND action = 'authz.denied'
          AND actor_id = $1 AND details->>'code' = 'step_up_required' ORDER BY pos`,
      [tenant.admin.id],
    );
    expect(platformDenials).toEqual([
      { resource_id: 'POST /api/v1/users' },
      { resource_id: 'PATCH /api/v1/users/:userId' },
      { resource_id: 'POST /api/v1/users/:userId/mfa/reset' },
      { resource_id: 'DELETE /api/v1/users/:userId' },
    ]);
    expect(stepUpDenials.map((e) => e.resourceId)).toContain(
      'GET /api/v1/orgs/:orgId/models/:modelId/versions/:version/artifact',
    );
  });

  it('counts a TOTP sign-in as fresh; with MFA on, steps up with a TOTP or recovery code, never the password', async () => {
    const user = await createUser(t, { mfa: true });
    await http().post(api('/members')).set(tenant.admin.auth).send({ email: user.email, role: 'admin' }).expect(201);
    // The previous step's code, so the current one is still unused for the step-up below.
    const signInCode = await totpCode(user.totpSecret!, -1);
    const tokens = await login(t, user.email, user.password, signInCode);
    const auth = authHeader(tokens);
    const keyAfterLogin = await http()
      .post(api('/api-keys'))
      .set(auth)
      .send({ name: 'fresh', permissions: ['model:read'] });
    expect(keyAfterLogin.status).toBe(201);

    await sleep(STALE_WAIT_MS);
    const stale = await http()
      .post(api('/api-keys'))
      .set(auth)
      .send({ name: 'stale', permissions: ['model:read'] });
    expect(stale.status).toBe(401);
    expect(stale.body.code).toBe('step_up_required');

    const withPassword = await stepUp(auth, { password: user.password });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.code).toBe('step_up_code_required');
    const wrong = await stepUp(auth, { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('credentials_invalid');
    const malformed = await stepUp(auth, { code: 'let-me-in' });
    expect(malformed.status).toBe(400);
    expect(
      (
        await http()
          .post(api('/api-keys'))
          .set(auth)
          .send({ name: 'x', permissions: ['model:read'] })
      ).status,
    ).toBe(401);

    // The TOTP code of the sign-in cannot be replayed for a step-up; the next one works.
    const replay = await stepUp(auth, { code: signInCode });
    expect(replay.status).toBe(401);
    const ok = await stepUp(auth, { code: await totpCode(user.totpSecret!) });
    expect(ok.status).toBe(200);
    expect(ok.body.factor).toBe('totp');
    const until = Date.parse(ok.body.stepUpExpiresAt);
    expect(until - Date.now()).toBeGreaterThan(0);
    expect(until - Date.now()).toBeLessThanOrEqual(STEP_UP_SECONDS * 1000 + 1000);
    expect(
      (
        await http()
          .post(api('/api-keys'))
          .set(auth)
          .send({ name: 'after', permissions: ['model:read'] })
      ).status,
    ).toBe(201);
  });

  it('steps up with a recovery code, which is spent by it', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const auth = authHeader(tokens);
    const setup = await http().post('/api/v1/auth/mfa/setup').set(auth).expect(200);
    const enabled = await http()
      .post('/api/v1/auth/mfa/enable')
      .set(auth)
      .send({ code: await totpCode(setup.body.secret, -1) })
      .expect(200);
    const [code] = enabled.body.recoveryCodes as string[];
    const first = await stepUp(auth, { code });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ factor: 'recovery_code', recoveryCodesRemaining: 9 });
    const again = await stepUp(auth, { code });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('credentials_invalid');
  });

  it('without MFA, steps up with the password; a wrong one is refused and counted like a sign-in failure', async () => {
    const tokens = await login(t, tenant.guest.email, tenant.guest.password);
    const auth = authHeader(tokens);
    const withCode = await stepUp(auth, { code: '123456' });
    expect(withCode.status).toBe(400);
    expect(withCode.body.code).toBe('step_up_password_required');
    const wrong = await stepUp(auth, { password: 'Not-the-password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('credentials_invalid');
    const { rows } = await t.env.db.query(
      `SELECT outcome FROM audit_event WHERE action = 'auth.step_up.failed' AND resource_id = $1`,
      [tenant.guest.id],
    );
    expect(rows).toEqual([{ outcome: 'failed' }]);
    const right = await stepUp(auth, { password: tenant.guest.password });
    expect(right.status).toBe(200);
    expect(right.body.factor).toBe('password');
  });

  it('asks the route permission first: a guest is refused 403, another tenant 404, before any step-up', async () => {
    const modelId = await modelWithTwoVersions();
    await sleep(STALE_WAIT_MS);
    const guest = await http()
      .delete(api(`/models/${modelId}`))
      .set(tenant.guest.auth);
    expect(guest.status).toBe(403);
    expect(guest.body.code).toBe('model:delete');
    const other = await createTenant(t);
    const stranger = await http()
      .delete(api(`/models/${modelId}`))
      .set(other.admin.auth);
    expect(stranger.status).toBe(404);
  });

  it('keeps freshness per session, server-side: stepping up one session does not freshen another', async () => {
    const user = await createUser(t);
    await http().post(api('/members')).set(tenant.admin.auth).send({ email: user.email, role: 'admin' }).expect(201);
    const a: Tokens = await login(t, user.email, user.password);
    const b: Tokens = await login(t, user.email, user.password);
    await sleep(STALE_WAIT_MS);
    expect((await stepUp(authHeader(b), { password: user.password })).status).toBe(200);
    const fromA = await http()
      .post(api('/api-keys'))
      .set(authHeader(a))
      .send({ name: 'a', permissions: ['model:read'] });
    expect(fromA.status).toBe(401);
    expect(fromA.body.code).toBe('step_up_required');
    const fromB = await http()
      .post(api('/api-keys'))
      .set(authHeader(b))
      .send({ name: 'b', permissions: ['model:read'] });
    expect(fromB.status).toBe(201);
    // A refreshed token is the same session: still fresh in b, still stale in a.
    const refreshedA = await http().post('/api/v1/auth/refresh').send({ refreshToken: a.refreshToken }).expect(200);
    const again = await http()
      .post(api('/api-keys'))
      .set(authHeader(refreshedA.body.accessToken))
      .send({ name: 'a2', permissions: ['model:read'] });
    expect(again.status).toBe(401);
  });

  it('turning MFA on keeps the enrolling session fresh and makes the others prove the new factor', async () => {
    const user = await createUser(t);
    const a = await login(t, user.email, user.password);
    const b = await login(t, user.email, user.password);
    const meOf = async (tokens: Tokens) => (await http().get('/api/v1/auth/me').set(authHeader(tokens))).body;
    expect((await meOf(b)).stepUpExpiresAt).not.toBeNull();
    const setup = await http().post('/api/v1/auth/mfa/setup').set(authHeader(a)).expect(200);
    await http()
      .post('/api/v1/auth/mfa/enable')
      .set(authHeader(a))
      .send({ code: await totpCode(setup.body.secret, -1) })
      .expect(200);
    expect((await meOf(a)).stepUpExpiresAt).not.toBeNull();
    expect((await meOf(b)).stepUpExpiresAt).toBeNull();
    const password = await stepUp(authHeader(b), { password: user.password });
    expect(password.body.code).toBe('step_up_code_required');
    expect((await stepUp(authHeader(b), { code: await totpCode(setup.body.secret) })).status).toBe(200);
  });

  it('refuses API keys on sensitive routes (403 step_up_unavailable): a key cannot step up', async () => {
    expect((await stepUp(tenant.admin.auth, { password: tenant.admin.password })).status).toBe(200);
    const modelId = await modelWithTwoVersions();
    const created = await http()
      .post(api('/api-keys'))
      .set(tenant.admin.auth)
      .send({ name: 'pipeline', permissions: ['model:read', 'model:export', 'apikey:manage'] });
    expect(created.status).toBe(201);
    const key = { 'x-api-key': created.body.secret as string };
    expect(
      (
        await http()
          .get(api(`/models/${modelId}/versions/1`))
          .set(key)
      ).status,
    ).toBe(200);
    const exported = await http()
      .get(api(`/models/${modelId}/versions/1/artifact`))
      .set(key);
    expect(exported.status).toBe(403);
    expect(exported.body.code).toBe('step_up_unavailable');
    const minted = await http()
      .post(api('/api-keys'))
      .set(key)
      .send({ name: 'child', permissions: ['model:read'] });
    expect(minted.status).toBe(403);
    expect(minted.body.code).toBe('step_up_unavailable');
    const selfStepUp = await http().post('/api/v1/auth/step-up').set(key).send({ password: 'anything-at-all' });
    expect(selfStepUp.status).toBe(403);
    expect(selfStepUp.body.code).toBe('api_key_not_allowed');
    const keys = (await http().get(api('/api-keys')).set(key)).body.items as { name: string }[];
    expect(keys.map((k) => k.name)).toContain('pipeline');
    expect(keys.map((k) => k.name)).not.toContain('child');
  });
});
