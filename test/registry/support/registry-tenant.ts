import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BUILT_IN_ROLES } from '../../../libs/common/src/index.js';
import type { TestApp } from '../../support/app.js';
import { createUserAndLogin, type TestUser, type Tokens } from '../../support/identity.js';

export type RoleName = keyof typeof BUILT_IN_ROLES;
export interface RegistryTenant {
  orgId: string;
  users: Record<RoleName, TestUser & { tokens: Tokens }>;
}

/**
 * An organization with one logged-in member per built-in role, written straight to the database
 * (MFA requirement off, so tokens work without a second factor).
 */
export async function createRegistryTenant(t: TestApp): Promise<RegistryTenant> {
  const db = t.app.get(DataSource);
  const slug = `org-${randomBytes(5).toString('hex')}`;
  const [{ id: orgId }] = await db.query(
    `INSERT INTO organization (name, slug, mfa_required_roles) VALUES ($1, $2, '{}') RETURNING id`,
    [slug, slug],
  );
  const users = {} as RegistryTenant['users'];
  for (const role of Object.keys(BUILT_IN_ROLES) as RoleName[]) {
    const [{ id: roleId }] = await db.query(
      `INSERT INTO role (organization_id, name, built_in, permissions) VALUES ($1, $2, true, $3) RETURNING id`,
      [orgId, role, [...BUILT_IN_ROLES[role]]],
    );
    const user = await createUserAndLogin(t);
    await db.query(`INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [
      orgId,
      user.id,
      roleId,
    ]);
    users[role] = user;
  }
  return { orgId, users };
}
