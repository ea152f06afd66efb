import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isPermission, type Permission } from '#libs/common';
import { ApiKeyService } from '#libs/auth';
import type { KeyRecord, MemberFacts, PrincipalDirectory, PrincipalIds } from '#libs/policies';
import { MembershipEntity } from './membership.entity.js';
import { OrganizationEntity } from './organization.entity.js';
import { ProjectEntity, ProjectMemberEntity } from './project.entity.js';
import { RoleEntity } from './role.entity.js';

const permissions = (values: string[]): Permission[] => values.filter(isPermission);

/**
 * Who exists, as the policy engine asks it: the organization's gates, a member's role and project
 * roles, the organization's admins, and API keys (through the auth library's service).
 */
@Injectable()
export class OrganizationDirectory implements PrincipalDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async memberFacts(organizationId: string, userId: string, manager?: EntityManager): Promise<MemberFacts | null> {
    const db = manager ?? this.dataSource.manager;
    const organization = await db
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .select(['o.id', 'o.allowedIpRanges', 'o.mfaRequiredRoles'])
      .where('o.id = :organizationId', { organizationId })
      .getOne();
    if (!organization) return null;
    const facts: MemberFacts = {
      organization: {
        allowedIpRanges: organization.allowedIpRanges,
        mfaRequiredRoles: organization.mfaRequiredRoles,
      },
      membership: null,
      projects: [],
    };
    const membership = await db
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .innerJoin(RoleEntity, 'r', 'r.id = m.roleId')
      .select(['m.expiresAt AS expires_at', 'r.id AS id', 'r.name AS name', 'r.permissions AS permissions'])
      .where('m.organizationId = :organizationId AND m.userId = :userId', { organizationId, userId })
      .getRawOne<{ expires_at: Date | null; id: string; name: string; permissions: string[] }>();
    if (!membership) return facts;
    facts.membership = {
      role: { id: membership.id, name: membership.name, permissions: permissions(membership.permissions) },
      expiresAt: membership.expires_at,
    };
    const projectRoles = await db
      .getRepository(ProjectMemberEntity)
      .createQueryBuilder('pm')
      .innerJoin(RoleEntity, 'r', 'r.id = pm.roleId')
      .select(['pm.projectId AS project_id', 'r.id AS id', 'r.name AS name', 'r.permissions AS permissions'])
      .where('pm.organizationId = :organizationId AND pm.userId = :userId', { organizationId, userId })
      .getRawMany<{ project_id: string; id: string; name: string; permissions: string[] }>();
    facts.projects = projectRoles.map((r) => ({
      projectId: r.project_id,
      role: { id: r.id, name: r.name, permissions: permissions(r.permissions) },
    }));
    return facts;
  }

  async missingPrincipals(
    organizationId: string,
    ids: PrincipalIds,
    manager?: EntityManager,
  ): Promise<(keyof PrincipalIds)[]> {
    const db = manager ?? this.dataSource.manager;
    const checks: [keyof PrincipalIds, () => Promise<number>][] = [
      [
        'users',
        () =>
          db
            .getRepository(MembershipEntity)
            .createQueryBuilder('m')
            .where('m.organizationId = :organizationId AND m.userId IN (:...list)', { organizationId, list: ids.users })
            .getCount(),
      ],
      [
        'roles',
        () =>
          db
            .getRepository(RoleEntity)
            .createQueryBuilder('r')
            .where('r.organizationId = :organizationId AND r.id IN (:...list)', { organizationId, list: ids.roles })
            .getCount(),
      ],
      [
        'projects',
        () =>
          db
            .getRepository(ProjectEntity)
            .createQueryBuilder('p')
            .where('p.organizationId = :organizationId AND p.id IN (:...list)', {
              organizationId,
              list: ids.projects,
            })
            .getCount(),
      ],
    ];
    const missing: (keyof PrincipalIds)[] = [];
    for (const [kind, count] of checks) {
      const list = ids[kind];
      if (list?.length && (await count()) !== new Set(list).size) missing.push(kind);
    }
    return missing;
  }

  async adminUserIds(organizationId: string, manager?: EntityManager): Promise<string[]> {
    const db = manager ?? this.dataSource.manager;
    const rows = await db
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .innerJoin(RoleEntity, 'r', 'r.id = m.roleId')
      .select('m.userId', 'user_id')
      .where('m.organizationId = :organizationId AND m.expiresAt IS NULL', { organizationId })
      .andWhere(`r.builtIn AND r.name = 'admin' AND 'policy:manage' = ANY(r.permissions)`)
      .orderBy('m.createdAt')
      .addOrderBy('m.userId')
      .getRawMany<{ user_id: string }>();
    return rows.map((r) => r.user_id);
  }

  async apiKey(keyId: string): Promise<KeyRecord | null> {
    const key = await this.apiKeys.find(keyId, { live: true });
    if (!key) return null;
    return {
      organizationId: key.organizationId,
      createdBy: key.createdBy,
      scope: { permissions: key.permissions, projectId: key.projectId },
    };
  }
}
