import { randomBytes } from 'node:crypto';
import { RequestContext } from '#libs/common';
import { MembershipService, OrganizationService } from '#libs/organizations';
import type { TestApp } from './app.js';
import { authHeader, createUser, login, type TestUser, type Tokens } from './identity.js';

export type BuiltInRoleName = 'admin' | 'developer' | 'tester' | 'guest';

export interface TenantMember extends TestUser {
  role: BuiltInRoleName;
  tokens: Tokens;
  /** `{ authorization: 'Bearer …' }` for supertest's `.set()`. */
  auth: { authorization: string };
}

export interface Tenant {
  orgId: string;
  slug: string;
  admin: TenantMember;
  developer: TenantMember;
  tester: TenantMember;
  guest: TenantMember;
  /** A context acting as the tenant's admin, scoped to the organization (for service-level setup). */
  adminCtx: RequestContext;
}

/**
 * An organization with one signed-in user of each built-in role, in one call. The admin creates
 * it through the service (as the API does) and adds the others. MFA requirements are cleared
 * unless `mfaRequiredRoles` is given, so tokens without a second factor reach the routes.
 */
export async function createTenant(
  t: TestApp,
  options: { name?: string; mfaRequiredRoles?: string[] } = {},
): Promise<Tenant> {
  const slug = `org-${randomBytes(5).toString('hex')}`;
  const roles: BuiltInRoleName[] = ['admin', 'developer', 'tester', 'guest'];
  const users = await Promise.all(roles.map(() => createUser(t)));
  const [admin] = users;
  const creator = new RequestContext({
    requestId: `fixture-${slug}`,
    actor: { type: 'user', id: admin.id, userId: admin.id, label: admin.email },
  });
  const organization = await t.app.get(OrganizationService).create(creator, { name: options.name ?? slug, slug });
  const adminCtx = creator.forOrganization(organization.id);
  await t.app.get(OrganizationService).update(adminCtx, { mfaRequiredRoles: options.mfaRequiredRoles ?? [] });
  const memberships = t.app.get(MembershipService);
  for (let i = 1; i < roles.length; i++) await memberships.add(adminCtx, { email: users[i].email, role: roles[i] });
  // One login at a time: each holds database connections, and test pools are small.
  const members: TenantMember[] = [];
  for (const [i, user] of users.entries()) {
    const tokens = await login(t, user.email, user.password);
    members.push({ ...user, role: roles[i], tokens, auth: authHeader(tokens) });
  }
  return {
    orgId: organization.id,
    slug,
    admin: members[0],
    developer: members[1],
    tester: members[2],
    guest: members[3],
    adminCtx,
  };
}
