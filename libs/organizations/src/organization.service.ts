import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit';
import { BadRequestError, ConflictError, NotFoundError } from '#libs/common';
import { byNameThenId, keysetPage, type Page, type PageQuery } from '#libs/common';
import { BUILT_IN_ROLES } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { ipInRanges, isValidCidr, isValidTimezone } from '#libs/policies';
import { PolicyService } from '#libs/policies';
import { PolicyVersionService } from '#libs/policies';
import { MembershipEntity } from './membership.entity.js';
import { OrganizationEntity } from './organization.entity.js';
import { RoleEntity } from './role.entity.js';

export interface CreateOrganizationInput {
  name: string;
  slug: string;
}

export interface OrganizationSettingsPatch {
  name?: string;
  allowedIpRanges?: string[];
  mfaRequiredRoles?: string[];
  dailyInferenceQuota?: number | null;
  concurrentJobLimit?: number | null;
  auditRetentionDays?: number;
  resultRetentionDays?: number;
  timezone?: string;
  memberDailyInferenceQuota?: number | null;
  videoMaxDurationSeconds?: number;
  videoMaxLongSide?: number;
  videoMaxShortSide?: number;
  videoMaxFrameRate?: number;
  videoMaxFrameCount?: number;
  requireUploadDigest?: boolean;
  ssoRequired?: boolean;
}

export const isUniqueViolation = (error: unknown): boolean => (error as { code?: string })?.code === '23505';

/** Organizations (tenants): creation with the built-in roles, the caller's list, settings. */
@Injectable()
export class OrganizationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /**
   * Creates an organization, seeds the four built-in roles and makes the caller (a user) its admin.
   * Who may create organizations is decided at the route (platform administrators).
   */
  async create(ctx: RequestContext, input: CreateOrganizationInput): Promise<OrganizationEntity> {
    const userId = ctx.actor.type === 'user' ? ctx.actor.id : undefined;
    if (!userId)
      throw new BadRequestError({ code: 'user_required', detail: 'Only a user can create an organization.' });
    try {
      return await this.transactions.run(ctx, async (ctx, manager) => {
        const organization = await manager
          .getRepository(OrganizationEntity)
          .save(
            manager.getRepository(OrganizationEntity).create({ name: input.name, slug: input.slug, createdBy: userId }),
          );
        const roles = await manager.getRepository(RoleEntity).save(
          Object.entries(BUILT_IN_ROLES).map(([name, permissions]) =>
            manager.getRepository(RoleEntity).create({
              organizationId: organization.id,
              name,
              builtIn: true,
              permissions: [...permissions],
              description: `Built-in ${name} role`,
            }),
          ),
        );
        const admin = roles.find((r) => r.name === 'admin')!;
        await manager
          .getRepository(MembershipEntity)
          .insert({ organizationId: organization.id, userId, roleId: admin.id });
        await this.audit?.record(ctx.forOrganization(organization.id), {
          action: 'organization.created',
          resourceType: 'organization',
          resourceId: organization.id,
          organizationId: organization.id,
          details: { name: input.name, slug: input.slug },
        });
        await this.versions.bump(ctx, organization.id);
        return organization;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError({ code: 'slug_taken', detail: 'This slug is already used.' });
      throw error;
    }
  }

  /** Organizations the caller is a current member of (an API key: its own organization). */
  async listMine(ctx: RequestContext, query: PageQuery): Promise<Page<OrganizationEntity>> {
    const qb = this.transactions.manager(ctx).getRepository(OrganizationEntity).createQueryBuilder('o');
    if (ctx.actor.type === 'api_key') {
      // A key sees at most its own organization, and only while it may read it.
      const mayRead =
        !!ctx.organizationId && (await this.policies.can(ctx, 'read', 'Organization', { id: ctx.organizationId }));
      qb.where(mayRead ? 'o.id = :orgId' : 'false', { orgId: ctx.organizationId });
    } else if (ctx.actor.type === 'user') {
      qb.innerJoin(MembershipEntity, 'm', 'm.organization_id = o.id')
        .where('m.user_id = :userId', { userId: ctx.actor.id })
        .andWhere('(m.expires_at IS NULL OR m.expires_at > now())');
    } else {
      qb.where('false');
    }
    return keysetPage(qb, byNameThenId('o'), query);
  }

  /**
   * An organization's settings for the platform's own work (quotas, job limits, retention), with
   * no permission check: callers act for the platform or have already authorized the request.
   */
  async settings(organizationId: string, manager?: EntityManager): Promise<OrganizationEntity | null> {
    return (manager ?? this.transactions.manager()).getRepository(OrganizationEntity).findOneBy({ id: organizationId });
  }

  /**
   * The id of the organization with this slug, with no permission check: for platform
   * configuration that names organizations by slug (single sign-on role mappings).
   */
  async idBySlug(slug: string): Promise<string | null> {
    const found = await this.transactions
      .manager()
      .getRepository(OrganizationEntity)
      .findOne({ where: { slug }, select: { id: true } });
    return found?.id ?? null;
  }

  /** The organization of `ctx` (the route's `:orgId`), 404 unless the caller may read it. */
  async get(ctx: RequestContext): Promise<OrganizationEntity> {
    const organization = await this.transactions
      .manager(ctx)
      .getRepository(OrganizationEntity)
      .findOneBy({ id: ctx.organizationId! });
    if (!organization) throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
    await this.policies.assertCan(ctx, 'read', 'Organization', { id: organization.id });
    return organization;
  }

  /**
   * Whether model uploads to the organization of `ctx` must declare their SHA-256. Internal: the
   * caller has already been allowed to upload there.
   */
  async requiresUploadDigest(ctx: RequestContext): Promise<boolean> {
    const organization = await this.transactions
      .manager(ctx)
      .getRepository(OrganizationEntity)
      .findOne({ where: { id: ctx.organizationId! }, select: { id: true, requireUploadDigest: true } });
    return organization?.requireUploadDigest ?? false;
  }

  /**
   * Changes name and settings (`org:manage`). Refuses IP ranges that would shut out the caller's
   * own address, and MFA requirements naming roles that do not exist.
   */
  async update(ctx: RequestContext, patch: OrganizationSettingsPatch): Promise<OrganizationEntity> {
    const organization = await this.get(ctx);
    await this.policies.assertCan(ctx, 'manage', 'Organization', { id: organization.id });
    if (patch.allowedIpRanges) {
      const invalid = patch.allowedIpRanges.filter((r) => !isValidCidr(r));
      if (invalid.length)
        throw new BadRequestError({ code: 'ip_range_invalid', detail: `Not CIDR ranges: ${invalid.join(', ')}.` });
      if (patch.allowedIpRanges.length && !ipInRanges(ctx.ip, patch.allowedIpRanges)) {
        throw new ConflictError({ code: 'ip_lockout', detail: 'These ranges would exclude your own address.' });
      }
    }
    if (patch.timezone !== undefined && !isValidTimezone(patch.timezone)) {
      throw new BadRequestError({
        code: 'validation_failed',
        detail: 'timezone must be an IANA time zone, e.g. Europe/Paris.',
        extensions: { errors: [{ field: 'timezone', message: 'must be an IANA time zone, e.g. Europe/Paris' }] },
      });
    }
    return this.transactions.run(ctx, async (ctx, manager) => {
      if (patch.mfaRequiredRoles?.length) {
        const names = [...new Set(patch.mfaRequiredRoles)];
        const found = await manager
          .getRepository(RoleEntity)
          .countBy(names.map((name) => ({ organizationId: organization.id, name })));
        if (found !== names.length)
          throw new BadRequestError({ code: 'role_not_found', detail: 'Some roles do not exist.' });
      }
      const changes: Partial<OrganizationEntity> = {};
      for (const key of [
        'name',
        'allowedIpRanges',
        'mfaRequiredRoles',
        'dailyInferenceQuota',
        'concurrentJobLimit',
        'auditRetentionDays',
        'resultRetentionDays',
        'timezone',
        'memberDailyInferenceQuota',
        'videoMaxDurationSeconds',
        'videoMaxLongSide',
        'videoMaxShortSide',
        'videoMaxFrameRate',
        'videoMaxFrameCount',
        'requireUploadDigest',
        'ssoRequired',
      ] as const) {
        if (patch[key] !== undefined) (changes as Record<string, unknown>)[key] = patch[key];
      }
      const before = Object.fromEntries(Object.keys(changes).map((k) => [k, organization[k as keyof typeof changes]]));
      const saved = await manager.getRepository(OrganizationEntity).save({ ...organization, ...changes });
      await this.audit?.record(ctx, {
        action: 'organization.updated',
        resourceType: 'organization',
        resourceId: organization.id,
        details: { before, after: changes },
      });
      await this.versions.bump(ctx, organization.id);
      return saved;
    });
  }
}
