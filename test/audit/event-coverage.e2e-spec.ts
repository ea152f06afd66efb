import request from 'supertest';
import { AuditService } from '#libs/audit';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, totpCode, type TestUser } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

interface AuditItem {
  seq: number;
  action: string;
  outcome: string;
  actor: { type: string; id: string; userId: string | null };
  resourceType: string | null;
  resourceId: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

interface PlatformRow {
  action: string;
  outcome: string;
  actor_type: string;
  resource_id: string | null;
  details: Record<string, unknown>;
  /** Personal values (the email typed) kept beside the hashed content. */
  personal: { path: string[]; value: unknown }[] | null;
}

/**
 * Every kind of event the audit trail promises, produced over HTTP as a user would, then read
 * back through `GET /orgs/:orgId/audit` (or the platform chain): who, what, which resource, the
 * outcome and the changed fields, and never a secret.
 */
describe('audit event coverage', () => {
  let t: TestApp;
  let tenant: Tenant;
  let org: string;
  const http = () => request(t.app.getHttpServer());
  const api = (path: string) => `/api/v1/orgs/${org}${path}`;
  /** Secrets that passed through the API during the suite; none may appear in any audit row. */
  const secrets: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_ARGON2_MEMORY_KIB: '1024', AUTH_ARGON2_TIME_COST: '1', AUTH_LOGIN_FREE_ATTEMPTS: '1' },
    });
    tenant = await createTenant(t);
    org = tenant.orgId;
    for (const m of [tenant.admin, tenant.developer, tenant.tester, tenant.guest]) {
      secrets.push(m.password, m.tokens.accessToken, m.tokens.refreshToken);
    }
  });
  afterAll(() => t.close());

  /** Events of the tenant's chain matching `query`, newest first, read as its admin would. */
  const events = async (query: Record<string, string>): Promise<AuditItem[]> => {
    await t.app.get(AuditService).flush();
    const res = await http().get(api('/audit')).query(query).set(tenant.admin.auth);
    expect(res.status).toBe(200);
    return res.body.items as AuditItem[];
  };
  const one = async (query: Record<string, string>): Promise<AuditItem> => {
    const items = await events(query);
    expect(items).toHaveLength(1);
    return items[0];
  };
  const platformEvents = async (resourceId: string): Promise<PlatformRow[]> =>
    (
      await t.env.db.query<PlatformRow>(
        `SELECT e.action, e.outcome, e.actor_type, e.resource_id, e.details, p.data AS personal
           FROM audit_event e LEFT JOIN audit_event_personal p ON p.event_id = e.id
          WHERE e.organization_id IS NULL AND e.resource_id = $1 ORDER BY e.pos`,
        [resourceId],
      )
    ).rows;

  it('records a lockout, a failed second factor and a login to a disabled account', async () => {
    const locked = await createUser(t);
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await http().post('/api/v1/auth/login').send({ email: locked.email, password: 'Wrong-password-1' });
      attempts.push(res.status);
    }
    expect(attempts).toEqual([401, 429, 429]);
    const throttled = await t.env.db.query<PlatformRow>(
      `SELECT e.action, e.outcome, e.details, p.data AS personal
         FROM audit_event e LEFT JOIN audit_event_personal p ON p.event_id = e.id
        WHERE e.organization_id IS NULL AND e.action = 'auth.login.throttled' ORDER BY e.pos`,
    );
    // The email typed is personal data: kept beside the hashed content, where erasure reaches it.
    const typed = [{ path: ['email'], value: locked.email }];
    expect(throttled.rows).toEqual([
      { action: 'auth.login.throttled', outcome: 'denied', details: {}, personal: typed },
      { action: 'auth.login.throttled', outcome: 'denied', details: {}, personal: typed },
    ]);

    const mfaUser = await createUser(t, { mfa: true });
    secrets.push(mfaUser.password, mfaUser.totpSecret!);
    // Ten minutes ahead: far outside the accepted window.
    const wrong = await totpCode(mfaUser.totpSecret!, 20);
    await http()
      .post('/api/v1/auth/login')
      .send({ email: mfaUser.email, password: mfaUser.password, totp: wrong })
      .expect(401);

    const expired = await createUser(t, { expiresAt: new Date(Date.now() - 60_000) });
    secrets.push(expired.password);
    const refused = await http().post('/api/v1/auth/login').send({ email: expired.email, password: expired.password });
    expect(refused.body.code).toBe('account_disabled');

    expect((await platformEvents(mfaUser.id)).slice(-1)).toEqual([
      {
        action: 'auth.mfa.failed',
        outcome: 'failed',
        actor_type: 'anonymous',
        resource_id: mfaUser.id,
        details: {},
        personal: null,
      },
    ]);
    expect((await platformEvents(expired.id)).slice(-1)).toEqual([
      {
        action: 'auth.login.failed',
        outcome: 'failed',
        actor_type: 'anonymous',
        resource_id: expired.id,
        details: { reason: 'account_disabled' },
        personal: [{ path: ['email'], value: expired.email }],
      },
    ]);
  });

  it('records API key creation, one coalesced use per key and address, actions by the key, and revocation', async () => {
    const created = await http()
      .post(api('/api-keys'))
      .set(tenant.admin.auth)
      .send({ name: 'render-farm', permissions: ['project:manage', 'model:read'] });
    expect(created.status).toBe(201);
    const keyId = created.body.id as string;
    const secret = created.body.secret as string;
    secrets.push(secret);

    const key = { 'x-api-key': secret };
    await http().get(api('/projects')).set(key).expect(200);
    await http().get(api('/projects')).set(key).expect(200);
    const project = await http().post(api('/projects')).set(key).send({ name: 'Keyed', slug: 'keyed' }).expect(201);
    await http().get(api('/audit')).set(key).expect(403);

    expect(await one({ action: 'apikey.created', resourceId: keyId })).toMatchObject({
      outcome: 'allowed',
      actor: { type: 'user', id: tenant.admin.id },
      resourceType: 'api_key',
      details: {
        name: 'render-farm',
        prefix: created.body.prefix,
        permissions: ['model:read', 'project:manage'],
        projectId: null,
        expiresAt: null,
      },
    });
    // Four requests from one address within the window: one use event, naming the first request.
    const used = await one({ action: 'apikey.used', resourceId: keyId });
    expect(used).toMatchObject({
      outcome: 'allowed',
      actor: { type: 'api_key', id: keyId, userId: tenant.admin.id },
      resourceType: 'api_key',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      requestId: expect.any(String),
      details: { route: 'GET /api/v1/orgs/:orgId/projects', coalesceSeconds: 60 },
    });
    // What the key did, and what it was refused, carry the key as the actor.
    expect(await one({ action: 'project.created', resourceId: project.body.id })).toMatchObject({
      actor: { type: 'api_key', id: keyId },
    });
    const denied = await events({ action: 'authz.denied', actorId: keyId });
    expect(denied[0]).toMatchObject({ outcome: 'denied', details: { code: 'audit:read' } });

    await http()
      .delete(api(`/api-keys/${keyId}`))
      .set(tenant.admin.auth)
      .expect(204);
    await http().get(api('/projects')).set(key).expect(401);
    const revoked = await one({ action: 'apikey.revoked', resourceId: keyId });
    expect(revoked).toMatchObject({
      actor: { type: 'user', id: tenant.admin.id },
      resourceType: 'api_key',
      details: { name: 'render-farm', before: { revokedAt: null }, after: { revokedAt: expect.any(String) } },
    });
  });

  it('records membership changes with the role before and after', async () => {
    const user: TestUser = await createUser(t);
    secrets.push(user.password);
    await http().post(api('/members')).set(tenant.admin.auth).send({ email: user.email, role: 'guest' }).expect(201);
    await http()
      .patch(api(`/members/${user.id}`))
      .set(tenant.admin.auth)
      .send({ role: 'tester' })
      .expect(200);
    await http()
      .delete(api(`/members/${user.id}`))
      .set(tenant.admin.auth)
      .expect(204);

    const items = await events({ action: 'member.*', resourceId: user.id });
    expect(items.map((e) => [e.action, e.details])).toEqual([
      ['member.removed', { role: 'tester' }],
      ['member.updated', { before: { role: 'guest' }, after: { role: 'tester' } }],
      ['member.added', { role: 'guest' }],
    ]);
    for (const e of items)
      expect(e).toMatchObject({ actor: { type: 'user', id: tenant.admin.id }, outcome: 'allowed' });
  });

  it('records role, project and organization changes with before and after', async () => {
    const role = await http()
      .post(api('/roles'))
      .set(tenant.admin.auth)
      .send({ name: 'reviewer', permissions: ['model:read'] })
      .expect(201);
    await http()
      .patch(api(`/roles/${role.body.id}`))
      .set(tenant.admin.auth)
      .send({ permissions: ['model:read', 'model:test'] })
      .expect(200);
    await http()
      .delete(api(`/roles/${role.body.id}`))
      .set(tenant.admin.auth)
      .expect(204);
    const roleEvents = await events({ action: 'role.*', resourceId: role.body.id });
    expect(roleEvents.map((e) => e.action)).toEqual(['role.deleted', 'role.updated', 'role.created']);
    expect(roleEvents[1].details).toEqual({
      before: { name: 'reviewer', description: '', permissions: ['model:read'] },
      after: { name: 'reviewer', description: '', permissions: ['model:read', 'model:test'] },
    });
    expect(roleEvents[2].details).toEqual({ name: 'reviewer', permissions: ['model:read'] });

    const project = await http()
      .post(api('/projects'))
      .set(tenant.admin.auth)
      .send({ name: 'Film', slug: 'film' })
      .expect(201);
    const projectId = project.body.id as string;
    await http()
      .patch(api(`/projects/${projectId}`))
      .set(tenant.admin.auth)
      .send({ name: 'Feature film' })
      .expect(200);
    await http()
      .put(api(`/projects/${projectId}/members/${tenant.tester.id}`))
      .set(tenant.admin.auth)
      .send({ role: 'tester' })
      .expect(200);
    await http()
      .put(api(`/projects/${projectId}/members/${tenant.tester.id}`))
      .set(tenant.admin.auth)
      .send({ role: 'developer' })
      .expect(200);
    await http()
      .delete(api(`/projects/${projectId}/members/${tenant.tester.id}`))
      .set(tenant.admin.auth)
      .expect(204);
    await http()
      .delete(api(`/projects/${projectId}`))
      .set(tenant.admin.auth)
      .expect(204);
    const projectEvents = await events({ action: 'project.*', resourceId: projectId });
    expect(projectEvents.map((e) => [e.action, e.details])).toEqual([
      ['project.deleted', { name: 'Feature film' }],
      ['project.member_removed', { userId: tenant.tester.id }],
      [
        'project.member_set',
        { userId: tenant.tester.id, role: 'developer', before: { role: 'tester' }, after: { role: 'developer' } },
      ],
      [
        'project.member_set',
        { userId: tenant.tester.id, role: 'tester', before: { role: null }, after: { role: 'tester' } },
      ],
      ['project.updated', { before: { name: 'Film' }, after: { name: 'Feature film' } }],
      ['project.created', { name: 'Film', slug: 'film' }],
    ]);

    await http().patch(`/api/v1/orgs/${org}`).set(tenant.admin.auth).send({ auditRetentionDays: 400 }).expect(200);
    const [orgUpdate] = await events({ action: 'organization.updated', resourceId: org });
    expect(orgUpdate).toMatchObject({
      actor: { id: tenant.admin.id },
      resourceType: 'organization',
      details: { before: { auditRetentionDays: 365 }, after: { auditRetentionDays: 400 } },
    });
  });

  it('records grant and ABAC policy changes, and model create, edit and delete', async () => {
    const model = await http()
      .post(api('/models'))
      .set(tenant.admin.auth)
      .send({ name: 'Swapper', slug: 'swapper', kind: 'face_swapper', family: 'inswapper' })
      .expect(201);
    const modelId = model.body.id as string;
    const grant = await http()
      .post(api(`/models/${modelId}/grants`))
      .set(tenant.admin.auth)
      .send({ principalType: 'user', principalId: tenant.guest.id, permissions: ['view', 'infer'] })
      .expect(201);
    await http()
      .delete(api(`/models/${modelId}/grants/${grant.body.id}`))
      .set(tenant.admin.auth)
      .expect(204);
    await http()
      .patch(api(`/models/${modelId}`))
      .set(tenant.admin.auth)
      .send({ description: 'v2' })
      .expect(200);

    const modelEvents = await events({ resourceType: 'model', resourceId: modelId });
    expect(modelEvents.map((e) => e.action)).toEqual([
      'model.updated',
      'grant.deleted',
      'grant.created',
      'model.created',
    ]);
    expect(modelEvents[0].details).toEqual({ before: { description: '' }, after: { description: 'v2' } });
    expect(modelEvents[2].details).toMatchObject({
      grantId: grant.body.id,
      principalType: 'user',
      principalId: tenant.guest.id,
      actions: ['view', 'infer'],
    });
    expect(modelEvents[1].details).toMatchObject({ grantId: grant.body.id, actions: ['view', 'infer'] });

    const policy = await http()
      .post(api('/policies'))
      .set(tenant.admin.auth)
      .send({ name: 'no exports', effect: 'deny', actions: ['model:export'], principals: { all: true } })
      .expect(201);
    await http()
      .patch(api(`/policies/${policy.body.id}`))
      .set(tenant.admin.auth)
      .send({ enabled: false, name: 'no exports (paused)' })
      .expect(200);
    await http()
      .delete(api(`/policies/${policy.body.id}`))
      .set(tenant.admin.auth)
      .expect(204);
    const policyEvents = await events({ action: 'policy.*', resourceId: policy.body.id });
    expect(policyEvents.map((e) => e.action)).toEqual(['policy.deleted', 'policy.updated', 'policy.created']);
    expect(policyEvents[2].details).toMatchObject({ name: 'no exports', effect: 'deny', actions: ['model:export'] });
    expect(policyEvents[1].details).toEqual({
      effect: 'deny',
      enabled: true,
      before: { name: 'no exports', enabled: true },
      after: { name: 'no exports (paused)', enabled: false },
    });

    await http()
      .delete(api(`/models/${modelId}`))
      .set(tenant.admin.auth)
      .expect(204);
    expect(await one({ action: 'model.deleted', resourceId: modelId })).toMatchObject({
      actor: { id: tenant.admin.id },
      details: { slug: 'swapper' },
    });
  });

  it('records a 404 that hides a denial in the probed organization, and a 403 with the missing permission', async () => {
    const other = await createTenant(t);
    const probe = await http().get(`/api/v1/orgs/${other.orgId}/models`).set(tenant.developer.auth).expect(404);
    const refused = await http().post(api('/roles')).set(tenant.developer.auth).send({ name: 'x', permissions: [] });
    expect(refused.status).toBe(403);
    await t.app.get(AuditService).flush();
    const rows = await t.env.db.query(
      `SELECT organization_id, action, outcome, actor_id, details->>'code' AS code FROM audit_event
        WHERE request_id = ANY($1) ORDER BY organization_id`,
      [[probe.headers['x-request-id'], refused.headers['x-request-id']]],
    );
    expect(rows.rows).toEqual(
      expect.arrayContaining([
        {
          organization_id: other.orgId,
          action: 'authz.denied',
          outcome: 'denied',
          actor_id: tenant.developer.id,
          code: 'organization_not_found',
        },
        {
          organization_id: org,
          action: 'authz.denied',
          outcome: 'denied',
          actor_id: tenant.developer.id,
          code: 'role:manage',
        },
      ]),
    );
    expect(rows.rows).toHaveLength(2);
  });

  it('leaves no event when an organization-level change rolls back', async () => {
    // Fails at COMMIT, after the role row and its audit event were written in the transaction.
    await t.env.db.query(`
      CREATE FUNCTION refuse_doomed_role() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.name = 'doomed' THEN RAISE EXCEPTION 'doomed role refused'; END IF; RETURN NEW; END $$;
      CREATE CONSTRAINT TRIGGER refuse_doomed_role AFTER INSERT ON role DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION refuse_doomed_role();`);
    const before = await events({ action: 'role.created' });
    const res = await http().post(api('/roles')).set(tenant.admin.auth).send({ name: 'doomed', permissions: [] });
    expect(res.status).toBe(500);
    const roles = await t.env.db.query(`SELECT id FROM role WHERE organization_id = $1 AND name = 'doomed'`, [org]);
    expect(roles.rows).toEqual([]);
    expect(await events({ action: 'role.created' })).toEqual(before);
    const verify = await http().get(api('/audit/verify')).set(tenant.admin.auth).expect(200);
    expect(verify.body).toMatchObject({ ok: true, firstBrokenSeq: null });
    expect(verify.body.checkedEvents).toBe(verify.body.lastSeq);
  });

  it('stores no password, token, API key secret or TOTP secret in any event', async () => {
    await t.app.get(AuditService).flush();
    const all = JSON.stringify((await t.env.db.query(`SELECT * FROM audit_event`)).rows);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(all).not.toContain(secret);
    // The API key's secret part alone, too (the prefix is public and recorded).
    for (const secret of secrets.filter((s) => s.startsWith('fgk_'))) {
      expect(all).not.toContain(secret.split('_').slice(2).join('_'));
    }
  });
});
