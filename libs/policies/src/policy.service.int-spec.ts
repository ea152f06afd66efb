import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createTestEnvironment, type TestEnvironment } from '#test/support/app';
import { AuditModule } from '#libs/audit';
import { RequestContext } from '#libs/common';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { MembershipService, OrganizationService, ProjectService, RoleService } from '#libs/organizations';
import { OrganizationsModule } from '#libs/organizations';
import { AbacPolicyService } from './abac-policy.service.js';
import { GrantService } from './grant.service.js';
import { PolicyService } from './policy.service.js';
import { VERSION_TTL_MS } from './policy-version.service.js';

/**
 * The policy engine against the real PostgreSQL and Redis: abilities from roles, project roles,
 * grants and ABAC policies; the four policy examples on model rows; list filtering in SQL that
 * agrees with `can()` row by row; and version bumps reaching a second instance within a second.
 */
describe('PolicyService (PostgreSQL + Redis)', () => {
  let env: TestEnvironment;
  let module: TestingModule;
  let second: TestingModule;
  let db: DataSource;
  let policies: PolicyService;
  let orgId: string;
  const users: Record<'admin' | 'developer' | 'guest' | 'other', string> = {
    admin: '',
    developer: '',
    guest: '',
    other: '',
  };
  let adminCtx: RequestContext;
  let projectA: string;
  let projectB: string;
  let adminRoleId: string;
  const ffPro = randomUUID();
  const otherModel = randomUUID();

  const ctxFor = (userId: string, patch: Partial<ConstructorParameters<typeof RequestContext>[0]> = {}) =>
    new RequestContext({
      requestId: randomUUID(),
      actor: { type: 'user', id: userId, userId },
      organizationId: orgId,
      ip: '192.0.2.10',
      ...patch,
    });
  const model = (patch: Record<string, unknown> = {}) => ({
    id: otherModel,
    organizationId: orgId,
    projectId: null,
    ownerId: null,
    stage: 'production',
    labels: [] as string[],
    ...patch,
  });

  const build = (env: TestEnvironment) =>
    Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(env.config()),
        DatabaseModule.forRoot({ applicationName: 'policies-int' }),
        AuditModule,
        OrganizationsModule,
      ],
    }).compile();

  beforeAll(async () => {
    env = await createTestEnvironment();
    module = await build(env);
    await module.init();
    second = await build(env);
    await second.init();
    db = module.get(DataSource);
    policies = module.get(PolicyService);
    for (const name of Object.keys(users) as (keyof typeof users)[]) {
      const [row] = (await db.query(`INSERT INTO user_account (email, display_name) VALUES ($1, $2) RETURNING id`, [
        `${name}-${randomUUID()}@example.test`,
        name,
      ])) as { id: string }[];
      users[name] = row.id;
    }
    const creator = new RequestContext({
      requestId: 'setup',
      actor: { type: 'user', id: users.admin, userId: users.admin },
    });
    orgId = (
      await module
        .get(OrganizationService)
        .create(creator, { name: 'Studio', slug: `studio-${randomUUID().slice(0, 8)}` })
    ).id;
    adminCtx = ctxFor(users.admin);
    for (const [id, slug] of [
      [ffPro, 'ff-pro'],
      [otherModel, 'other'],
    ]) {
      await db.query(
        `INSERT INTO model (id, organization_id, name, slug, kind, family) VALUES ($1, $2, $3, $3, 'face_swapper', 'inswapper')`,
        [id, orgId, slug],
      );
    }
    const emails = (await db.query(`SELECT id, email FROM user_account`)) as { id: string; email: string }[];
    const emailOf = (id: string) => emails.find((e) => e.id === id)!.email;
    await module.get(MembershipService).add(adminCtx, { email: emailOf(users.developer), role: 'developer' });
    await module.get(MembershipService).add(adminCtx, { email: emailOf(users.guest), role: 'guest' });
    projectA = (await module.get(ProjectService).create(adminCtx, { name: 'A', slug: 'a' })).id;
    projectB = (await module.get(ProjectService).create(adminCtx, { name: 'B', slug: 'b' })).id;
    await module.get(ProjectService).setMember(adminCtx, projectA, users.guest, 'guest');
    adminRoleId = (await module.get(RoleService).list(adminCtx)).items.find((r) => r.name === 'admin')!.id;
  });
  afterAll(async () => {
    await second?.close();
    await module?.close();
    await env?.close();
  });

  it('gives members their role; outsiders nothing', async () => {
    await expect(policies.can(ctxFor(users.developer), 'edit', 'Model', model())).resolves.toBe(true);
    await expect(policies.can(ctxFor(users.guest), 'edit', 'Model', model())).resolves.toBe(false);
    await expect(policies.can(ctxFor(users.other), 'read', 'Model', model())).resolves.toBe(false);
    await expect(policies.assertCan(ctxFor(users.other), 'read', 'Model', model())).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    await expect(policies.assertCan(ctxFor(users.guest), 'export', 'Model', model())).rejects.toMatchObject({
      status: 403,
      code: 'model:export',
    });
    await expect(
      policies.assertCan(ctxFor(users.guest), 'read', 'Model', model({ projectId: projectB })),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      policies.assertCan(ctxFor(users.admin), 'read', 'Model', model({ organizationId: randomUUID() })),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('a grant {infer, view} lets a user run but not edit, export or delete that model', async () => {
    const grants = module.get(GrantService);
    const row = model({ id: ffPro, projectId: projectB });
    await expect(policies.can(ctxFor(users.guest), 'infer', 'Model', row)).resolves.toBe(false);
    const grant = await grants.create(adminCtx, row, {
      principalType: 'user',
      principalId: users.guest,
      actions: ['infer', 'view'],
    });
    await expect(policies.can(ctxFor(users.guest), 'read', 'Model', row)).resolves.toBe(true);
    await expect(policies.can(ctxFor(users.guest), 'infer', 'Model', row)).resolves.toBe(true);
    for (const action of ['edit', 'export', 'delete'] as const) {
      await expect(policies.assertCan(ctxFor(users.guest), action, 'Model', row)).rejects.toMatchObject({
        status: 403,
        code: `model:${action}`,
      });
    }
    // The grantee cannot pass it on, and a developer cannot grant what they lack.
    await expect(
      grants.create(ctxFor(users.guest), row, {
        principalType: 'user',
        principalId: users.developer,
        actions: ['view'],
      }),
    ).rejects.toMatchObject({
      status: 403,
    });
    await grants.delete(adminCtx, row, grant.id);
    await expect(policies.can(ctxFor(users.guest), 'infer', 'Model', row)).resolves.toBe(false);
  });

  it('"model ff-pro only from 10.0.0.0/8"', async () => {
    const policy = await module.get(AbacPolicyService).create(adminCtx, {
      name: 'ff-pro from the studio network',
      effect: 'deny',
      actions: ['model:*'],
      principals: { all: true },
      conditions: { modelIds: [ffPro], sourceIp: { notIn: ['10.0.0.0/8'] } },
    });
    const row = model({ id: ffPro });
    await expect(policies.can(ctxFor(users.developer, { ip: '10.8.0.1' }), 'infer', 'Model', row)).resolves.toBe(true);
    await expect(policies.can(ctxFor(users.developer, { ip: '203.0.113.7' }), 'infer', 'Model', row)).resolves.toBe(
      false,
    );
    await expect(policies.can(ctxFor(users.admin, { ip: '203.0.113.7' }), 'read', 'Model', row)).resolves.toBe(false);
    await expect(policies.can(ctxFor(users.admin, { ip: '203.0.113.7' }), 'read', 'Model', model())).resolves.toBe(
      true,
    );
    const why = await policies.explain(ctxFor(users.admin, { ip: '203.0.113.7' }), 'read', 'Model', row);
    expect(why.allowed).toBe(false);
    expect(why.decidedBy).toMatchObject({ effect: 'deny', source: { kind: 'policy', id: policy.id } });
    await module.get(AbacPolicyService).delete(adminCtx, policy.id);
  });

  it('"test models only Monday–Friday 09:00–18:00 Asia/Shanghai"', async () => {
    const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' };
    const policy = await module.get(AbacPolicyService).create(adminCtx, {
      name: 'test models in office hours',
      effect: 'deny',
      actions: ['model:test', 'model:infer'],
      principals: { all: true },
      conditions: { labels: ['test'], time: { outside: [office] } },
    });
    const row = model({ labels: ['test'], stage: 'staging' });
    const at = (iso: string) => ctxFor(users.admin, { now: new Date(iso) });
    await expect(policies.can(at('2025-01-06T02:00:00Z'), 'test', 'Model', row)).resolves.toBe(true); // Mon 10:00
    await expect(policies.can(at('2025-01-06T10:30:00Z'), 'test', 'Model', row)).resolves.toBe(false); // Mon 18:30
    await expect(policies.can(at('2025-01-11T02:00:00Z'), 'test', 'Model', row)).resolves.toBe(false); // Sat 10:00
    await expect(policies.can(at('2025-01-11T02:00:00Z'), 'test', 'Model', model({ labels: ['prod'] }))).resolves.toBe(
      true,
    );
    await module.get(AbacPolicyService).delete(adminCtx, policy.id);
  });

  it('"export requires MFA"', async () => {
    const policy = await module.get(AbacPolicyService).create(adminCtx, {
      name: 'export requires MFA',
      effect: 'deny',
      actions: ['model:export'],
      principals: { all: true },
      conditions: { mfa: false },
    });
    await expect(
      policies.assertCan(ctxFor(users.admin, { mfa: false }), 'export', 'Model', model()),
    ).rejects.toMatchObject({ status: 403, code: 'model:export' });
    await expect(policies.can(ctxFor(users.admin, { mfa: true }), 'export', 'Model', model())).resolves.toBe(true);
    await module.get(AbacPolicyService).delete(adminCtx, policy.id);
  });

  it('"deny delete to everyone but admins", even against a grant', async () => {
    const policy = await module.get(AbacPolicyService).create(adminCtx, {
      name: 'only admins delete',
      effect: 'deny',
      actions: ['model:delete'],
      principals: { all: true, exceptRoles: [adminRoleId] },
    });
    const grant = await module
      .get(GrantService)
      .create(adminCtx, model(), { principalType: 'user', principalId: users.developer, actions: ['delete'] });
    await expect(policies.can(ctxFor(users.developer), 'delete', 'Model', model())).resolves.toBe(false);
    await expect(policies.can(ctxFor(users.admin), 'delete', 'Model', model())).resolves.toBe(true);
    await module.get(GrantService).delete(adminCtx, model(), grant.id);
    await module.get(AbacPolicyService).delete(adminCtx, policy.id);
  });

  it('refuses malformed policies with a clear code', async () => {
    const service = module.get(AbacPolicyService);
    const base = { name: 'x', effect: 'deny' as const, actions: ['model:read'], principals: { all: true } };
    await expect(
      service.create(adminCtx, { ...base, conditions: { sourceIp: { in: ['10.0.0.0/33'] } } }),
    ).rejects.toMatchObject({ code: 'policy_invalid' });
    await expect(
      service.create(adminCtx, {
        ...base,
        conditions: { time: { within: [{ days: [8], from: '09:00', to: '18:00', timezone: 'UTC' }] } },
      }),
    ).rejects.toMatchObject({ code: 'policy_invalid' });
    await expect(
      service.create(adminCtx, {
        ...base,
        conditions: { time: { within: [{ days: [1], from: '09:00', to: '18:00', timezone: 'Moon/Base' }] } },
      }),
    ).rejects.toMatchObject({ code: 'policy_invalid' });
    await expect(service.create(adminCtx, { ...base, actions: ['model:fly'] })).rejects.toMatchObject({
      code: 'policy_invalid',
    });
    await expect(service.create(adminCtx, { ...base, principals: { roles: [randomUUID()] } })).rejects.toMatchObject({
      code: 'principal_not_found',
    });
    await expect(service.create(ctxFor(users.developer), base)).rejects.toMatchObject({ status: 403 });
  });

  describe('list filtering in SQL', () => {
    beforeAll(async () => {
      // A stand-in table with the attributes model rules read, so the filter is tested on its own.
      await db.query(
        `CREATE TABLE authz_probe (id uuid PRIMARY KEY, organization_id uuid, project_id uuid, owner_id uuid, stage text, labels text[])`,
      );
      const stages = ['draft', 'staging', 'production', null];
      const labelSets = [[], ['test'], ['prod', 'swap'], null];
      const orgs = [orgId, randomUUID()];
      const projects = [null, projectA, projectB];
      const owners = [null, users.developer, users.guest];
      const rows: unknown[][] = [];
      for (const o of orgs)
        for (const p of projects)
          for (const s of stages)
            for (const l of labelSets) for (const w of owners) rows.push([randomUUID(), o, p, w, s, l]);
      rows.push([ffPro, orgId, projectB, null, 'production', ['swap']]);
      for (const r of rows) await db.query(`INSERT INTO authz_probe VALUES ($1, $2, $3, $4, $5, $6)`, r);
    });

    async function agree(ctx: RequestContext, action: 'read' | 'infer' | 'test' | 'delete' | 'export') {
      const where = await policies.accessibleWhere(ctx, action, 'Model', 'm', {
        id: { column: 'id' },
        organizationId: { column: 'organization_id' },
        projectId: { column: 'project_id' },
        ownerId: { column: 'owner_id' },
        stage: { column: 'stage' },
        labels: { column: 'labels', array: true },
      });
      const filtered = await db
        .createQueryBuilder()
        .select('m.id', 'id')
        .from('authz_probe', 'm')
        .where(where.brackets)
        .getRawMany<{ id: string }>();
      const all = (await db.query(`SELECT * FROM authz_probe`)) as Record<string, unknown>[];
      const expected: string[] = [];
      for (const r of all) {
        const row = {
          id: r.id,
          organizationId: r.organization_id,
          projectId: r.project_id,
          ownerId: r.owner_id,
          stage: r.stage,
          labels: r.labels ?? [],
        };
        if (await policies.can(ctx, action, 'Model', row)) expected.push(r.id as string);
      }
      expect(filtered.map((f) => f.id).sort()).toEqual(expected.sort());
      return expected;
    }

    it('keeps exactly the rows can() allows, for roles, project roles, grants and deny policies', async () => {
      const grant = await module.get(GrantService).create(adminCtx, model({ id: ffPro, projectId: projectB }), {
        principalType: 'user',
        principalId: users.guest,
        actions: ['view', 'infer'],
      });
      const deny = await module.get(AbacPolicyService).create(adminCtx, {
        name: 'no staging tests, nothing labelled test for guests',
        effect: 'deny',
        actions: ['model:test', 'model:read'],
        principals: {
          roles: [(await module.get(RoleService).list(adminCtx)).items.find((r) => r.name === 'guest')!.id],
        },
        conditions: { labels: ['test'] },
      });
      const counts: number[] = [];
      for (const user of [users.admin, users.developer, users.guest, users.other]) {
        for (const action of ['read', 'infer', 'test', 'delete', 'export'] as const)
          counts.push((await agree(ctxFor(user), action)).length);
      }
      // The matrix is not trivial: some users see some rows and not others.
      expect(new Set(counts).size).toBeGreaterThan(3);
      await module.get(AbacPolicyService).delete(adminCtx, deny.id);
      await module.get(GrantService).delete(adminCtx, model({ id: ffPro, projectId: projectB }), grant.id);
    });

    it('an unconditional deny filters out every row', async () => {
      const deny = await module
        .get(AbacPolicyService)
        .create(adminCtx, { name: 'freeze', effect: 'deny', actions: ['model:read'], principals: { all: true } });
      await expect(agree(ctxFor(users.admin), 'read')).resolves.toEqual([]);
      await module.get(AbacPolicyService).delete(adminCtx, deny.id);
    });

    it('many grants and a deny on one granted model: the merged filter keeps the others and drops that one', async () => {
      const granted = Array.from({ length: 12 }, () => randomUUID());
      const stages = ['draft', 'staging', 'production', null];
      const labelSets = [[], ['test'], ['swap'], null];
      for (const [i, id] of granted.entries()) {
        await db.query(
          `INSERT INTO model (id, organization_id, project_id, name, slug, kind, family) VALUES ($1, $2, $3, $4, $4, 'face_swapper', 'inswapper')`,
          [id, orgId, projectB, `granted-${i}`],
        );
        await db.query(`INSERT INTO authz_probe VALUES ($1, $2, $3, NULL, $4, $5)`, [
          id,
          orgId,
          projectB,
          stages[i % 4],
          labelSets[i % 4],
        ]);
      }
      const rowOf = (id: string) => model({ id, projectId: projectB });
      const grants = module.get(GrantService);
      const created = [];
      for (const id of granted)
        created.push(
          await grants.create(adminCtx, rowOf(id), {
            principalType: 'user',
            principalId: users.guest,
            actions: ['view', 'infer'],
          }),
        );
      const denied = granted[5];
      const deny = await module.get(AbacPolicyService).create(adminCtx, {
        name: 'one granted model is off limits',
        effect: 'deny',
        actions: ['model:read', 'model:infer'],
        principals: { all: true },
        conditions: { modelIds: [denied] },
      });
      for (const action of ['read', 'infer', 'export'] as const) {
        const visible = await agree(ctxFor(users.guest), action);
        if (action === 'export') expect(visible).toEqual([]);
        else {
          expect(visible).toEqual(expect.arrayContaining(granted.filter((id) => id !== denied)));
          expect(visible).not.toContain(denied);
        }
      }
      // The admin sees every project's models but not the denied one; the developer, outside project B, none.
      const forAdmin = await agree(ctxFor(users.admin), 'read');
      expect(forAdmin).toEqual(expect.arrayContaining(granted.filter((id) => id !== denied)));
      expect(forAdmin).not.toContain(denied);
      expect(await agree(ctxFor(users.developer), 'read')).not.toContain(granted[0]);
      await module.get(AbacPolicyService).delete(adminCtx, deny.id);
      await expect(agree(ctxFor(users.guest), 'read')).resolves.toContain(denied);
      for (const [i, grant] of created.entries()) await grants.delete(adminCtx, rowOf(granted[i]), grant.id);
    });
  });

  it('a role change reaches another instance within a second, without re-login', async () => {
    const other = second.get(PolicyService);
    const guest = ctxFor(users.guest);
    await expect(other.can(guest, 'edit', 'Model', model())).resolves.toBe(false);
    await module.get(MembershipService).update(adminCtx, users.guest, { role: 'developer' });
    // This instance sees it at once; the other one within the version TTL.
    await expect(policies.can(guest, 'edit', 'Model', model())).resolves.toBe(true);
    await new Promise((r) => setTimeout(r, VERSION_TTL_MS + 50));
    await expect(other.can(guest, 'edit', 'Model', model())).resolves.toBe(true);
    await module.get(MembershipService).remove(adminCtx, users.guest);
    await new Promise((r) => setTimeout(r, VERSION_TTL_MS + 50));
    await expect(other.can(guest, 'read', 'Model', model())).resolves.toBe(false);
  });
});
