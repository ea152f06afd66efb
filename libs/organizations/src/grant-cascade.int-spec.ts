import { randomUUID } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createTestEnvironment, type TestEnvironment } from '#test/support/app';
import { AuditModule } from '#libs/audit';
import { RequestContext } from '#libs/common';
import { ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { GrantService, PolicyService } from '#libs/policies';
import { MembershipService } from './membership.service.js';
import { OrganizationService } from './organization.service.js';
import { OrganizationsModule } from './organizations.module.js';
import { ProjectService } from './project.service.js';
import { RoleService } from './role.service.js';

/**
 * A per-model grant names its principal by a foreign key: removing the member, deleting the role or
 * the project, or deleting the user's account takes the grant with it (the database cascades, no
 * service deletes grant rows), and the database refuses a grant whose principal is of another
 * organization or that names two principals.
 */
describe('model grants follow their principal (PostgreSQL)', () => {
  let env: TestEnvironment;
  let module: TestingModule;
  let db: DataSource;
  let grants: GrantService;
  let policies: PolicyService;
  let orgId: string;
  let otherOrgId: string;
  let adminCtx: RequestContext;
  const emails = new Map<string, string>();
  const modelId = randomUUID();

  const ctxFor = (userId: string) =>
    new RequestContext({
      requestId: randomUUID(),
      actor: { type: 'user', id: userId, userId },
      organizationId: orgId,
      ip: '192.0.2.10',
    });
  const model = () => ({ id: modelId, organizationId: orgId, projectId: null, ownerId: null, labels: [] });
  const newUser = async (name: string) => {
    const email = `${name}-${randomUUID()}@example.test`;
    const [row] = (await db.query(`INSERT INTO user_account (email, display_name) VALUES ($1, $2) RETURNING id`, [
      email,
      name,
    ])) as { id: string }[];
    emails.set(row.id, email);
    return row.id;
  };
  const member = async (role = 'guest') => {
    const id = await newUser(role);
    await module.get(MembershipService).add(adminCtx, { email: emails.get(id)!, role });
    return id;
  };
  const grantIds = async () => (await grants.list(adminCtx, model(), {})).items.map((g) => g.id);

  beforeAll(async () => {
    env = await createTestEnvironment();
    module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(env.config()),
        DatabaseModule.forRoot({ applicationName: 'grant-cascade-int' }),
        AuditModule,
        OrganizationsModule,
      ],
    }).compile();
    await module.init();
    db = module.get(DataSource);
    grants = module.get(GrantService);
    policies = module.get(PolicyService);
    const admin = await newUser('admin');
    const creator = new RequestContext({ requestId: 'setup', actor: { type: 'user', id: admin, userId: admin } });
    const organizations = module.get(OrganizationService);
    orgId = (await organizations.create(creator, { name: 'Studio', slug: `studio-${randomUUID().slice(0, 8)}` })).id;
    otherOrgId = (await organizations.create(creator, { name: 'Other', slug: `other-${randomUUID().slice(0, 8)}` })).id;
    adminCtx = ctxFor(admin);
    await db.query(
      `INSERT INTO model (id, organization_id, name, slug, kind, family) VALUES ($1, $2, 'm', 'm', 'face_swapper', 'inswapper')`,
      [modelId, orgId],
    );
  });
  afterAll(async () => {
    await module?.close();
    await env?.close();
  });

  it('removing a member removes their grants: rejoining does not bring the access back', async () => {
    const guest = await member();
    const grant = await grants.create(adminCtx, model(), {
      principalType: 'user',
      principalId: guest,
      actions: ['view', 'infer'],
    });
    expect(grant).toMatchObject({ principalType: 'user', principalId: guest, actions: ['view', 'infer'] });
    await expect(policies.can(ctxFor(guest), 'infer', 'Model', model())).resolves.toBe(true);

    await module.get(MembershipService).remove(adminCtx, guest);
    expect(await grantIds()).not.toContain(grant.id);
    await module.get(MembershipService).add(adminCtx, { email: emails.get(guest)!, role: 'guest' });
    await expect(policies.can(ctxFor(guest), 'infer', 'Model', model())).resolves.toBe(false);
  });

  it('deleting a role removes the grants made to it', async () => {
    const role = await module
      .get(RoleService)
      .create(adminCtx, { name: `reviewers-${randomUUID().slice(0, 6)}`, permissions: [] });
    const grant = await grants.create(adminCtx, model(), {
      principalType: 'role',
      principalId: role.id,
      actions: ['view'],
    });
    expect(await grantIds()).toContain(grant.id);
    await module.get(RoleService).delete(adminCtx, role.id);
    expect(await grantIds()).not.toContain(grant.id);
  });

  it('deleting a project removes the grants made to it', async () => {
    const project = await module
      .get(ProjectService)
      .create(adminCtx, { name: 'P', slug: `p-${randomUUID().slice(0, 6)}` });
    const grant = await grants.create(adminCtx, model(), {
      principalType: 'project',
      principalId: project.id,
      actions: ['view'],
    });
    expect(await grantIds()).toContain(grant.id);
    await module.get(ProjectService).delete(adminCtx, project.id);
    expect(await grantIds()).not.toContain(grant.id);
  });

  it("deleting a user's account removes their grants in every organization", async () => {
    const guest = await member();
    const grant = await grants.create(adminCtx, model(), {
      principalType: 'user',
      principalId: guest,
      actions: ['view'],
    });
    await db.query(`DELETE FROM user_account WHERE id = $1`, [guest]);
    expect(await grantIds()).not.toContain(grant.id);
  });

  it('a grant to a principal outside the organization is refused, by the service and by the database', async () => {
    const outsider = await newUser('outsider');
    await expect(
      grants.create(adminCtx, model(), { principalType: 'user', principalId: outsider, actions: ['view'] }),
    ).rejects.toMatchObject({ status: 400, code: 'principal_not_found' });
    const [foreignRole] = (await db.query(`SELECT id FROM role WHERE organization_id = $1 AND name = 'guest'`, [
      otherOrgId,
    ])) as { id: string }[];
    await expect(
      grants.create(adminCtx, model(), { principalType: 'role', principalId: foreignRole.id, actions: ['view'] }),
    ).rejects.toMatchObject({ status: 400, code: 'principal_not_found' });
    // The database holds the same line for any writer.
    await expect(
      db.query(
        `INSERT INTO model_grant (organization_id, model_id, grantee_role_id, actions) VALUES ($1, $2, $3, '{view}')`,
        [orgId, modelId, foreignRole.id],
      ),
    ).rejects.toThrow(/model_grant_role_fk/);
    const guest = await member();
    const [ownRole] = (await db.query(`SELECT id FROM role WHERE organization_id = $1 AND name = 'guest'`, [
      orgId,
    ])) as {
      id: string;
    }[];
    await expect(
      db.query(
        `INSERT INTO model_grant (organization_id, model_id, grantee_user_id, grantee_role_id, actions) VALUES ($1, $2, $3, $4, '{view}')`,
        [orgId, modelId, guest, ownRole.id],
      ),
    ).rejects.toThrow(/model_grant_one_principal/);
    await expect(
      db.query(`INSERT INTO model_grant (organization_id, model_id, actions) VALUES ($1, $2, '{view}')`, [
        orgId,
        modelId,
      ]),
    ).rejects.toThrow(/model_grant_one_principal/);
  });
});
