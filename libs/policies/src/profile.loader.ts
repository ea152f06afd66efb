import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AbacPolicyEntity } from './abac-policy.entity.js';
import type { PrincipalProfile, ProfilePolicy } from './ability.factory.js';
import { ModelGrantEntity } from './model-grant.entity.js';
import { PrincipalDirectoryRef, type KeyRecord } from './principal-directory.js';

export type { KeyRecord } from './principal-directory.js';

/**
 * Reads everything an ability is built from: the member's facts from the principal directory,
 * then the grants and policies this library owns.
 */
@Injectable()
export class ProfileLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: PrincipalDirectoryRef,
  ) {}

  /** The profile of `userId` in `organizationId`; `manager` reads it inside a transaction. */
  async load(userId: string, organizationId: string, manager?: EntityManager): Promise<PrincipalProfile | null> {
    const db = manager ?? this.dataSource.manager;
    const facts = await this.directory.get().memberFacts(organizationId, userId, manager);
    if (!facts) return null;
    const profile: PrincipalProfile = { userId, organizationId, ...facts, grants: [], policies: [] };
    if (!profile.membership) return profile;

    const projectIds = profile.projects.map((p) => p.projectId);
    const grants = db
      .getRepository(ModelGrantEntity)
      .createQueryBuilder('g')
      .select(['g.id', 'g.modelId', 'g.actions', 'g.conditions', 'g.expiresAt'])
      .where('g.organizationId = :organizationId', { organizationId })
      .andWhere('(g.expiresAt IS NULL OR g.expiresAt > now())')
      .andWhere(
        `(g.granteeUserId = :userId OR g.granteeRoleId = :roleId${projectIds.length ? ' OR g.granteeProjectId IN (:...projectIds)' : ''})`,
        { userId, roleId: profile.membership.role.id, projectIds },
      )
      .getMany();
    const policies = enabledPolicies(db, organizationId);
    const [grantRows, policyRows] = await Promise.all([grants, policies]);
    profile.grants = grantRows.map((g) => ({
      id: g.id,
      modelId: g.modelId,
      actions: g.actions,
      conditions: g.conditions ?? {},
      expiresAt: g.expiresAt,
    }));
    profile.policies = policyRows;
    return profile;
  }

  /** The organization, creator and scope of an API key (revocation is checked when it authenticates). */
  loadKey(keyId: string): Promise<KeyRecord | null> {
    return this.directory.get().apiKey(keyId);
  }
}

/** The organization's enabled policies as `manager` sees them, in the order abilities load them. */
export async function enabledPolicies(manager: EntityManager, organizationId: string): Promise<ProfilePolicy[]> {
  const rows = await manager
    .getRepository(AbacPolicyEntity)
    .createQueryBuilder('p')
    .select(['p.id', 'p.name', 'p.effect', 'p.actions', 'p.principals', 'p.conditions'])
    .where('p.organizationId = :organizationId AND p.enabled', { organizationId })
    .orderBy('p.createdAt')
    .addOrderBy('p.id')
    .getMany();
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    effect: p.effect,
    actions: p.actions,
    principals: p.principals,
    conditions: p.conditions ?? {},
  }));
}
