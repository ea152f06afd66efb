import { createHash, randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CheckpointService } from '#libs/audit';
import { appendToChain } from '#libs/audit';
import { RequestContext } from '#libs/common';
import { OrganizationService } from '#libs/organizations';
import { auditVerifyCommand } from '../../src/cli/commands/audit.command.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin, login, type Tokens } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

/**
 * Erasure (GDPR art. 17) as a platform admin performs it: the person's email and name are gone
 * from every text and JSON column of every table, the account can never act again, and every audit
 * chain still verifies, with the erased person's events naming only their pseudonymous id.
 */
describe('erasing a person', () => {
  let t: TestApp;
  let adminAuth: { authorization: string };
  let studio: Tenant;
  let other: Tenant;
  const tag = randomUUID().slice(0, 8);
  const email = `Ingrid.Falk.${tag}@studio.example`;
  const displayName = `Ingrid Falk ${tag}`;
  let victim: Awaited<ReturnType<typeof createUser>>;
  let tokens: Tokens;
  let apiKey: string;
  let soleOrgId: string;
  const http = () => request(t.app.getHttpServer());

  /** Every text, varchar, char, json, jsonb (and text array) column of every table holding `needle`. */
  async function columnsHolding(needle: string): Promise<string[]> {
    const { rows: columns } = await t.env.db.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'
          AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
               OR c.udt_name IN ('_text', '_varchar', '_bpchar', '_json', '_jsonb'))`,
    );
    expect(columns.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const { table_name, column_name } of columns as { table_name: string; column_name: string }[]) {
      const { rows } = await t.env.db.query(
        `SELECT count(*)::int AS n FROM "${table_name}" WHERE strpos(lower("${column_name}"::text), lower($1)) > 0`,
        [needle],
      );
      if (rows[0].n > 0) found.push(`${table_name}.${column_name}`);
    }
    return found;
  }

  /** `npm run cli -- audit:verify --json` over every chain, in-process: exit status and reports. */
  async function verifyAll(): Promise<{
    exitCode: number;
    reports: { organizationId: string | null; ok: boolean; problem: string | null }[];
  }> {
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const before = process.exitCode;
    process.exitCode = 0;
    try {
      await auditVerifyCommand({ json: true }, t.config);
      return { exitCode: Number(process.exitCode ?? 0), reports: JSON.parse(printed.join('')) };
    } finally {
      write.mockRestore();
      process.exitCode = before;
    }
  }

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
    adminAuth = authHeader(admin.tokens);
    studio = await createTenant(t);
    other = await createTenant(t);

    // Invited to another studio before having an account: the invitation names the email.
    const invite = await http()
      .post(`/api/v1/orgs/${other.orgId}/members`)
      .set(other.admin.auth)
      .send({ email, role: 'tester' });
    expect(invite.body.status).toBe('invited');

    victim = await createUser(t, { email, displayName });
    await http()
      .post(`/api/v1/orgs/${studio.orgId}/members`)
      .set(studio.admin.auth)
      .send({ email, role: 'admin' })
      .expect(201);
    const wrong = await http()
      .post('/api/v1/auth/login')
      .send({ email: email.toUpperCase(), password: 'not-it-at-all' });
    expect(wrong.status).toBe(401);
    tokens = await login(t, email, victim.password);
    const auth = authHeader(tokens);

    const project = await http()
      .post(`/api/v1/orgs/${studio.orgId}/projects`)
      .set(studio.admin.auth)
      .send({ name: 'Tidewater', slug: `tidewater-${tag}` });
    expect(project.status).toBe(201);
    await http()
      .put(`/api/v1/orgs/${studio.orgId}/projects/${project.body.id}/members/${victim.id}`)
      .set(studio.admin.auth)
      .send({ role: 'developer' })
      .expect(200);
    const key = await http()
      .post(`/api/v1/orgs/${studio.orgId}/api-keys`)
      .set(auth)
      .send({ name: 'render farm', permissions: ['model:read'] });
    expect(key.status).toBe(201);
    apiKey = key.body.secret;
    await http().get(`/api/v1/orgs/${studio.orgId}/models`).set('x-api-key', apiKey).expect(200);

    // An organization where they are the only admin.
    const creator = new RequestContext({
      requestId: `fixture-${tag}`,
      actor: { type: 'user', id: victim.id, userId: victim.id },
    });
    const organizations = t.app.get(OrganizationService);
    soleOrgId = (await organizations.create(creator, { name: `Solo ${tag}`, slug: `solo-${tag}` })).id;
    await organizations.update(creator.forOrganization(soleOrgId), { mfaRequiredRoles: [] });

    // Events written before personal data left the hashed content: the label and email inside it.
    const dataSource = t.app.get(DataSource);
    await dataSource.transaction(async (manager) => {
      for (const organizationId of [null, studio.orgId]) {
        await appendToChain(manager, organizationId, [
          {
            organizationId,
            occurredAt: new Date(Date.now() - 86_400_000),
            actorType: 'user',
            actorId: victim.id,
            actorUserId: victim.id,
            actorLabel: email,
            action: 'model.read',
            resourceType: 'user',
            resourceId: victim.id,
            outcome: 'allowed',
            ip: '198.51.100.4',
            userAgent: 'legacy',
            requestId: `legacy-${tag}`,
            details: { email, greeting: `Welcome ${email}!`, displayName, unrelated: 'kept' },
          },
        ]);
      }
    });
    await t.app.get(CheckpointService).checkpointAll('on_demand');
  });
  afterAll(() => t.close());

  it('finds the person everywhere before (the scan can fail), and every chain verifies', async () => {
    expect((await columnsHolding(email)).sort()).toEqual(
      expect.arrayContaining([
        'audit_actor.label',
        'audit_event.actor_label',
        'audit_event.details',
        'audit_event_personal.data',
        'invitation.email',
        'user_account.email',
      ]),
    );
    expect(await columnsHolding(displayName)).toEqual(expect.arrayContaining(['user_account.display_name']));
    expect((await throttleKeys()).some((k) => k.includes(':known:'))).toBe(true);
    const verified = await verifyAll();
    expect(verified.exitCode).toBe(0);
  });

  /** Redis keys of sign-in throttling that name this person (hashed email, as the service keys them). */
  async function throttleKeys(): Promise<string[]> {
    const hashed = createHash('sha256').update(email.toLowerCase()).digest('base64url').slice(0, 22);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await t.env.redis.client.scan(
        cursor,
        'MATCH',
        `${t.env.redis.prefix}:auth:thr:login:*${hashed}*`,
        'COUNT',
        1000,
      );
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  it('refuses while they are the last admin of an organization, and changes nothing', async () => {
    const res = await http().delete(`/api/v1/users/${victim.id}`).set(adminAuth);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('last_admin');
    expect((await http().get('/api/v1/auth/me').set(authHeader(tokens))).status).toBe(200);
    expect(await columnsHolding(email)).toEqual(expect.arrayContaining(['user_account.email']));
    // They appoint a successor themselves.
    await http()
      .post(`/api/v1/orgs/${soleOrgId}/members`)
      .set(authHeader(tokens))
      .send({ email: studio.admin.email, role: 'admin' })
      .expect(201);
  });

  it('erases them: no email or name left in any column of any table', async () => {
    const res = await http().delete(`/api/v1/users/${victim.id}`).set(adminAuth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: victim.id, status: 'erased', sessions: 1, apiKeys: 1, auditLabels: 2 });
    expect(res.body.auditRedactedEvents).toBeGreaterThanOrEqual(2);
    expect(res.body.auditPersonalValues).toBeGreaterThanOrEqual(1);

    expect(await columnsHolding(email)).toEqual([]);
    expect(await columnsHolding(displayName)).toEqual([]);
    // The address remembered at their sign-in (and the failed attempt's counters) are gone too.
    expect(await throttleKeys()).toEqual([]);
    const { rows } = await t.env.db.query(
      `SELECT (SELECT count(*)::int FROM membership WHERE user_id = $1) AS memberships,
              (SELECT count(*)::int FROM project_member WHERE user_id = $1) AS projects,
              (SELECT count(*)::int FROM auth_session WHERE user_id = $1) AS sessions,
              (SELECT count(*)::int FROM api_key WHERE created_by = $1) AS keys`,
      [victim.id],
    );
    expect(rows[0]).toEqual({ memberships: 0, projects: 0, sessions: 0, keys: 0 });
  });

  it('keeps every audit chain verifiable (audit:verify is green)', async () => {
    const verified = await verifyAll();
    expect(verified.reports.filter((r) => !r.ok)).toEqual([]);
    expect(verified.exitCode).toBe(0);
    const res = await http().get(`/api/v1/orgs/${studio.orgId}/audit/verify`).set(studio.admin.auth);
    expect(res.body).toMatchObject({ ok: true });
  });

  it('leaves the trail naming the pseudonymous id only, and records the erasure', async () => {
    const trail = await http()
      .get(`/api/v1/orgs/${studio.orgId}/audit`)
      .query({ actorId: victim.id, limit: 200 })
      .set(studio.admin.auth);
    expect(trail.status).toBe(200);
    const actions = trail.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['apikey.created', 'model.read']));
    for (const e of trail.body.items as { actor: { id: string; label: string | null } }[]) {
      expect(e.actor).toMatchObject({ id: victim.id, label: null });
    }
    const legacy = trail.body.items.find((e: { action: string }) => e.action === 'model.read');
    expect(legacy.details).toEqual({
      greeting: 'Welcome [erased]!',
      displayName: '[erased]',
      email: '[erased]',
      unrelated: 'kept',
    });

    const { rows } = await t.env.db.query(
      `SELECT organization_id, action, resource_id, details FROM audit_event
        WHERE action IN ('user.erased', 'audit.redacted') ORDER BY organization_id NULLS FIRST, action`,
    );
    expect(rows).toEqual([
      {
        organization_id: null,
        action: 'audit.redacted',
        resource_id: victim.id,
        details: { reason: 'erasure', events: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
      { organization_id: null, action: 'user.erased', resource_id: victim.id, details: expect.any(Object) },
      {
        organization_id: studio.orgId,
        action: 'audit.redacted',
        resource_id: victim.id,
        details: { reason: 'erasure', events: 1, digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      },
    ]);
  });

  it('the account can never act again, and its id is not reused', async () => {
    const again = await http().post('/api/v1/auth/login').send({ email, password: victim.password });
    const unknown = await http()
      .post('/api/v1/auth/login')
      .send({ email: `nobody-${tag}@studio.example`, password: victim.password });
    expect(again.status).toBe(401);
    expect({ code: again.body.code, detail: again.body.detail }).toEqual({
      code: unknown.body.code,
      detail: unknown.body.detail,
    });
    expect((await http().get('/api/v1/auth/me').set(authHeader(tokens))).status).toBe(401);
    expect((await http().post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await http().get(`/api/v1/orgs/${studio.orgId}/models`).set('x-api-key', apiKey)).status).toBe(401);

    const shown = await http().get(`/api/v1/users/${victim.id}`).set(adminAuth);
    expect(shown.body).toMatchObject({
      id: victim.id,
      status: 'erased',
      email: null,
      displayName: null,
      usable: false,
    });
    for (const attempt of [
      http().patch(`/api/v1/users/${victim.id}`).set(adminAuth).send({ status: 'active' }),
      http().delete(`/api/v1/users/${victim.id}`).set(adminAuth),
      http().post(`/api/v1/users/${victim.id}/sessions/revoke`).set(adminAuth),
      http().post(`/api/v1/users/${victim.id}/mfa/reset`).set(adminAuth),
    ]) {
      const res = await attempt;
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('user_erased');
    }
    const erasedList = await http().get('/api/v1/users').query({ status: 'erased' }).set(adminAuth);
    expect(erasedList.body.items.map((u: { id: string }) => u.id)).toEqual([victim.id]);

    // The email is free again: a new account, a new id, none of the old trail.
    const newcomer = await createUser(t, { email });
    expect(newcomer.id).not.toBe(victim.id);
    const trail = await http()
      .get(`/api/v1/orgs/${studio.orgId}/audit`)
      .query({ actorId: newcomer.id })
      .set(studio.admin.auth);
    expect(trail.body.items).toEqual([]);
  });

  it('an edit of a redacted event after erasure is still detected', async () => {
    await t.env.db.query(`
      BEGIN;
      SELECT set_config('fusiongate.audit_redaction', 'on', true);
      UPDATE audit_event SET details = details || '{"unrelated": "changed"}'::jsonb WHERE request_id = 'legacy-${tag}';
      COMMIT;`);
    const verified = await verifyAll();
    expect(verified.exitCode).toBe(2);
    expect(verified.reports.filter((r) => !r.ok).map((r) => r.problem)).toEqual(['hash_mismatch', 'hash_mismatch']);
  });
});
