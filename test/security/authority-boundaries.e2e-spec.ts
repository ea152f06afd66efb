import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant, type TenantMember } from '../support/tenant.js';

let t: TestApp;
const http = () => request(t.app.getHttpServer());
const orgPath = (tenant: Tenant) => `/api/v1/orgs/${tenant.orgId}`;

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
});
afterAll(async () => {
  await t?.close();
});

/** Creates a custom role and gives it to `member` (by the tenant's admin). */
async function giveCustomRole(tenant: Tenant, member: TenantMember, name: string, permissions: string[]) {
  const role = await http()
    .post(`${orgPath(tenant)}/roles`)
    .set(tenant.admin.auth)
    .send({ name, permissions });
  expect(role.status).toBe(201);
  const assigned = await http()
    .patch(`${orgPath(tenant)}/members/${member.id}`)
    .set(tenant.admin.auth)
    .send({ role: name });
  expect(assigned.status).toBe(200);
}

describe('project members: no changing the project role of someone stronger', () => {
  let a: Tenant;
  let projectId: string;
  const members = (tenant: Tenant) => `${orgPath(tenant)}/projects/${projectId}/members`;
  const projectRoleOf = async (userId: string) => {
    const res = await http().get(members(a)).set(a.admin.auth);
    expect(res.status).toBe(200);
    return (res.body.items as { userId: string; role: { name: string } }[]).find((m) => m.userId === userId)?.role.name;
  };

  beforeAll(async () => {
    a = await createTenant(t);
    // The developer becomes a project manager: project:manage, but far from an admin.
    await giveCustomRole(a, a.developer, 'project-lead', ['project:manage', 'model:read', 'job:read']);
    const project = await http()
      .post(`${orgPath(a)}/projects`)
      .set(a.admin.auth)
      .send({ name: 'VFX', slug: 'vfx' });
    expect(project.status).toBe(201);
    projectId = project.body.id as string;
    for (const [member, role] of [
      [a.tester, 'admin'],
      [a.guest, 'guest'],
    ] as const) {
      const set = await http()
        .put(`${members(a)}/${member.id}`)
        .set(a.admin.auth)
        .send({ role });
      expect(set.status).toBe(200);
    }
  });

  it('a project:manage holder cannot demote a project admin', async () => {
    const res = await http()
      .put(`${members(a)}/${a.tester.id}`)
      .set(a.developer.auth)
      .send({ role: 'guest' });
    expect(res.status).toBe(403);
    expect(await projectRoleOf(a.tester.id)).toBe('admin');
  });

  it('a project:manage holder cannot remove a project admin', async () => {
    const res = await http()
      .delete(`${members(a)}/${a.tester.id}`)
      .set(a.developer.auth);
    expect(res.status).toBe(403);
    expect(await projectRoleOf(a.tester.id)).toBe('admin');
  });

  it('still manages members whose project role they hold', async () => {
    const removed = await http()
      .delete(`${members(a)}/${a.guest.id}`)
      .set(a.developer.auth);
    expect(removed.status).toBe(204);
    expect(await projectRoleOf(a.guest.id)).toBeUndefined();
    const missing = await http()
      .delete(`${members(a)}/${a.guest.id}`)
      .set(a.developer.auth);
    expect(missing.status).toBe(404);
  });
});

describe('policies cannot lock policy management away', () => {
  let b: Tenant;
  const policies = () => `${orgPath(b)}/policies`;
  const policyNames = async () => {
    const res = await http().get(policies()).set(b.admin.auth);
    expect(res.status).toBe(200);
    return (res.body.items as { name: string }[]).map((p) => p.name).sort();
  };

  beforeAll(async () => {
    b = await createTenant(t);
  });

  it.each([
    ['policy:manage', { all: true }],
    ['*', { all: true }],
    ['policy:*', { all: true }],
  ])('refuses a deny of %s to everyone, the caller included', async (action, principals) => {
    const res = await http()
      .post(policies())
      .set(b.admin.auth)
      .send({ name: `lock-${action}`, effect: 'deny', actions: [action], principals });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('policy_lockout');
    expect(await policyNames()).toEqual([]);
  });

  it('refuses a deny whose conditions hold for the caller’s own request', async () => {
    const elsewhere = await http()
      .post(policies())
      .set(b.admin.auth)
      .send({
        name: 'only-from-vpn',
        effect: 'deny',
        actions: ['policy:manage'],
        principals: { all: true },
        conditions: { sourceIp: { notIn: ['10.0.0.0/8'] } },
      });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.code).toBe('policy_lockout');

    // The same rule for a network the caller is not on leaves them able to undo it.
    const vpnOnly = await http()
      .post(policies())
      .set(b.admin.auth)
      .send({
        name: 'not-from-vpn',
        effect: 'deny',
        actions: ['policy:manage'],
        principals: { all: true },
        conditions: { sourceIp: { in: ['10.0.0.0/8'] } },
      });
    expect(vpnOnly.status).toBe(201);
    const removed = await http().delete(`${policies()}/${vpnOnly.body.id}`).set(b.admin.auth);
    expect(removed.status).toBe(204);
  });

  it('refuses editing a harmless policy into a lockout, and re-enabling one', async () => {
    const created = await http()
      .post(policies())
      .set(b.admin.auth)
      .send({ name: 'no-delete', effect: 'deny', actions: ['model:delete'], principals: { all: true } });
    expect(created.status).toBe(201);
    const edited = await http()
      .patch(`${policies()}/${created.body.id}`)
      .set(b.admin.auth)
      .send({ actions: ['model:delete', 'policy:manage'] });
    expect(edited.status).toBe(409);
    expect(edited.body.code).toBe('policy_lockout');

    const stored = await http().get(`${policies()}/${created.body.id}`).set(b.admin.auth);
    expect(stored.body.actions).toEqual(['model:delete']);

    const disabledLock = await http()
      .post(policies())
      .set(b.admin.auth)
      .send({ name: 'dormant', effect: 'deny', actions: ['*'], principals: { all: true }, enabled: false });
    expect(disabledLock.status).toBe(201);
    const enabled = await http()
      .patch(`${policies()}/${disabledLock.body.id}`)
      .set(b.admin.auth)
      .send({ enabled: true });
    expect(enabled.status).toBe(409);
    expect(enabled.body.code).toBe('policy_lockout');
    expect((await http().get(policies()).set(b.admin.auth)).status).toBe(200);
  });

  it('a non-admin policy manager cannot lock every admin out, while keeping access themselves', async () => {
    await giveCustomRole(b, b.developer, 'secops', ['policy:manage', 'model:read']);
    const roles = await http()
      .get(`${orgPath(b)}/roles`)
      .set(b.admin.auth);
    const adminRoleId = (roles.body.items as { id: string; name: string }[]).find((r) => r.name === 'admin')!.id;

    const res = await http()
      .post(policies())
      .set(b.developer.auth)
      .send({ name: 'no-admins', effect: 'deny', actions: ['policy:manage'], principals: { roles: [adminRoleId] } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('policy_lockout');
    expect((await http().get(policies()).set(b.admin.auth)).status).toBe(200);

    // Carving out one admin keeps policy management within an admin's reach.
    const carved = await http()
      .post(policies())
      .set(b.developer.auth)
      .send({
        name: 'admins-but-one',
        effect: 'deny',
        actions: ['policy:manage'],
        principals: { roles: [adminRoleId], exceptUsers: [b.admin.id] },
      });
    expect(carved.status).toBe(201);
    expect((await http().get(policies()).set(b.admin.auth)).status).toBe(200);
  });
});
