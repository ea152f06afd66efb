import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isPermission, type ModelGrantAction, type Permission } from '#libs/common';
import type { PolicyConditions } from './abac.js';
import type { KeyScope, PolicyPrincipals, PrincipalProfile, ProfileRole } from './ability.factory.js';

const permissions = (values: string[]): Permission[] => values.filter(isPermission);

/** The API key facts the policy engine trusts: read from the database, never from the request. */
export interface KeyRecord {
  organizationId: string;
  createdBy: string | null;
  scope: KeyScope;
}

/** Reads, in four small queries, everything an ability is built from. */
@Injectable()
export class ProfileLoader {
  constructor(private readonly dataSource: DataSource) {}

  /** The profile of `userId` in `organizationId`; `manager` reads it inside a transaction. */
  async load(userId: string, organizationId: string, manager?: EntityManager): Promise<PrincipalProfile | null> {
    const db = manager ?? this.dataSource;
    const [head] = (await db.query(
      `SELECT o.allowed_ip_ranges, o.mfa_required_roles, m.expires_at, r.id AS role_id, r.name AS role_name, r.permissions
         FROM organization o
         LEFT JOIN membership m ON m.organization_id = o.id AND m.user_id = $2
         LEFT JOIN role r ON r.id = m.role_id
        WHERE o.id = $1`,
      [organizationId, userId],
    )) as {
      allowed_ip_ranges: string[];
      mfa_required_roles: string[];
      expires_at: Date | null;
      role_id: string | null;
      role_name: string | null;
      permissions: string[] | null;
    }[];
    if (!head) return null;
    const profile: PrincipalProfile = {
      userId,
      organizationId,
      organization: { allowedIpRanges: head.allowed_ip_ranges, mfaRequiredRoles: head.mfa_required_roles },
      membership: head.role_id
        ? {
            role: { id: head.role_id, name: head.role_name ?? '', permissions: permissions(head.permissions ?? []) },
            expiresAt: head.expires_at,
          }
        : null,
      projects: [],
      grants: [],
      policies: [],
    };
    if (!profile.membership) return profile;

    const projectRows = (await db.query(
      `SELECT pm.project_id, r.id, r.name, r.permissions
         FROM project_member pm JOIN role r ON r.id = pm.role_id
        WHERE pm.organization_id = $1 AND pm.user_id = $2`,
      [organizationId, userId],
    )) as { project_id: string; id: string; name: string; permissions: string[] }[];
    profile.projects = projectRows.map((r) => ({
      projectId: r.project_id,
      role: { id: r.id, name: r.name, permissions: permissions(r.permissions) } satisfies ProfileRole,
    }));

    const [grantRows, policyRows] = await Promise.all([
      db.query(
        `SELECT id, model_id, actions, conditions, expires_at FROM model_grant
          WHERE organization_id = $1 AND (expires_at IS NULL OR expires_at > now())
            AND ((principal_type = 'user' AND principal_id = $2)
              OR (principal_type = 'role' AND principal_id = $3)
              OR (principal_type = 'project' AND principal_id = ANY($4::uuid[])))`,
        [organizationId, userId, profile.membership.role.id, profile.projects.map((p) => p.projectId)],
      ) as Promise<
        { id: string; model_id: string; actions: string[]; conditions: PolicyConditions; expires_at: Date | null }[]
      >,
      db.query(
        `SELECT id, name, effect, actions, principals, conditions FROM abac_policy
          WHERE organization_id = $1 AND enabled ORDER BY created_at, id`,
        [organizationId],
      ) as Promise<
        {
          id: string;
          name: string;
          effect: 'allow' | 'deny';
          actions: string[];
          principals: PolicyPrincipals;
          conditions: PolicyConditions;
        }[]
      >,
    ]);
    profile.grants = grantRows.map((g) => ({
      id: g.id,
      modelId: g.model_id,
      actions: g.actions as ModelGrantAction[],
      conditions: g.conditions ?? {},
      expiresAt: g.expires_at,
    }));
    profile.policies = policyRows.map((p) => ({ ...p, conditions: p.conditions ?? {} }));
    return profile;
  }

  /** The organization, creator and scope of an API key (revocation is checked when it authenticates). */
  async loadKey(keyId: string): Promise<KeyRecord | null> {
    const [row] = (await this.dataSource.query(
      `SELECT organization_id, created_by, permissions, project_id FROM api_key WHERE id = $1 AND revoked_at IS NULL`,
      [keyId],
    )) as { organization_id: string; created_by: string | null; permissions: string[]; project_id: string | null }[];
    if (!row) return null;
    return {
      organizationId: row.organization_id,
      createdBy: row.created_by,
      scope: { permissions: row.permissions, projectId: row.project_id },
    };
  }
}
