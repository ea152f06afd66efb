import { Injectable, Optional } from '@nestjs/common';
import { AuditService } from '#libs/audit';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  NotFoundError,
  UnprocessableError,
  isUuid,
  keysetPage,
  type Page,
  type PageQuery,
  type RequestContext,
} from '#libs/common';
import { AppConfig } from '#libs/config';
import { SecretBox } from '#libs/auth';
import { Transactions } from '#libs/database';
import { findRole, isUniqueViolation } from '#libs/organizations';
import { PolicyService } from '#libs/policies';
import type { EntityManager } from 'typeorm';
import { OidcClients } from './oidc-clients.js';
import { OidcProviderEntity, type RoleMapping } from './oidc-provider.entity.js';

/** Associated data of sealed client secrets: a sealed secret cannot be read as anything else. */
export const CLIENT_SECRET_PURPOSE = 'oidc-client-secret';

export interface ProviderInput {
  slug: string;
  name: string;
  issuer: string;
  clientId: string;
  /** Write-only; null removes it (a public client). */
  clientSecret?: string | null;
  scopes?: string[];
  emailClaim?: string;
  nameClaim?: string;
  groupsClaim?: string;
  allowedDomains: string[];
  roleMappings?: RoleMapping[];
  defaultRole?: string | null;
  mfaAmrValues?: string[];
  mfaAcrValues?: string[];
  enabled?: boolean;
}

export type ProviderPatch = Partial<ProviderInput>;

/** Fields shown in audit before/after (the secret only as "set or not"). */
const AUDITED = [
  'slug',
  'name',
  'issuer',
  'clientId',
  'scopes',
  'emailClaim',
  'nameClaim',
  'groupsClaim',
  'allowedDomains',
  'roleMappings',
  'defaultRole',
  'mfaAmrValues',
  'mfaAcrValues',
  'enabled',
] as const;

const notFound = () => new NotFoundError({ code: 'sso_provider_not_found', detail: 'No such identity provider.' });

/**
 * An organization's own identity providers, managed by its admins (`org:manage`). Mapped roles
 * must exist and be held by the caller (nobody hands out through a directory what they could
 * not assign by hand); an issuer must answer discovery before it is saved.
 */
@Injectable()
export class SsoProviderService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly box: SecretBox,
    private readonly clients: OidcClients,
    private readonly config: AppConfig,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** By slug (unique in the organization). */
  async list(ctx: RequestContext, query: PageQuery): Promise<Page<OidcProviderEntity>> {
    await this.policies.assertMay(ctx, 'manage', 'Organization');
    const qb = this.transactions
      .manager(ctx)
      .getRepository(OidcProviderEntity)
      .createQueryBuilder('p')
      .addSelect('p.clientSecretEnc')
      .where('p.organization_id = :organizationId', { organizationId: ctx.organizationId });
    return keysetPage(qb, [{ column: 'p.slug', direction: 'ASC', kind: 'string', value: (p) => p.slug }], query);
  }

  async get(ctx: RequestContext, providerId: string): Promise<OidcProviderEntity> {
    await this.policies.assertMay(ctx, 'manage', 'Organization');
    return this.find(this.transactions.manager(ctx), ctx.organizationId!, providerId);
  }

  async create(ctx: RequestContext, input: ProviderInput): Promise<OidcProviderEntity> {
    await this.policies.assertMay(ctx, 'manage', 'Organization');
    const organizationId = ctx.organizationId!;
    this.assertSlugFree(input.slug);
    await this.assertReachable(input.issuer, input.clientId, input.clientSecret ?? undefined);
    return this.saving(() =>
      this.transactions.run(ctx, async (ctx, manager) => {
        await this.assertRoles(ctx, manager, organizationId, input.roleMappings ?? [], input.defaultRole ?? null);
        const repo = manager.getRepository(OidcProviderEntity);
        // Checked first so the usual refusal is not a failed insert; the unique index settles races.
        if (await repo.existsBy({ slug: input.slug })) throw slugTaken();
        const saved = await repo.save(
          repo.create({
            organizationId,
            slug: input.slug,
            name: input.name,
            issuer: input.issuer,
            clientId: input.clientId,
            clientSecretEnc: input.clientSecret ? this.box.encrypt(input.clientSecret, CLIENT_SECRET_PURPOSE) : null,
            scopes: input.scopes ?? ['openid', 'email', 'profile'],
            emailClaim: input.emailClaim ?? 'email',
            nameClaim: input.nameClaim ?? 'name',
            groupsClaim: input.groupsClaim ?? 'groups',
            allowedDomains: input.allowedDomains.map((d) => d.toLowerCase()),
            roleMappings: input.roleMappings ?? [],
            defaultRole: input.defaultRole ?? null,
            mfaAmrValues: input.mfaAmrValues ?? ['mfa'],
            mfaAcrValues: input.mfaAcrValues ?? [],
            enabled: input.enabled ?? true,
            createdBy: ctx.actor.userId ?? null,
          }),
        );
        await this.audit?.record(ctx, {
          action: 'sso.provider.created',
          resourceType: 'oidc_provider',
          resourceId: saved.id,
          details: { after: { ...pick(saved), clientSecretSet: saved.clientSecretEnc !== null } },
        });
        return saved;
      }),
    );
  }

  async update(ctx: RequestContext, providerId: string, patch: ProviderPatch): Promise<OidcProviderEntity> {
    await this.policies.assertMay(ctx, 'manage', 'Organization');
    const organizationId = ctx.organizationId!;
    const current = await this.find(this.transactions.manager(ctx), organizationId, providerId);
    if (patch.slug !== undefined && patch.slug !== current.slug) this.assertSlugFree(patch.slug);
    const next = { ...current, ...definedOnly(patch) };
    const secretChanged = patch.clientSecret !== undefined;
    const secret =
      patch.clientSecret === undefined
        ? current.clientSecretEnc
          ? this.box.decrypt(current.clientSecretEnc, CLIENT_SECRET_PURPOSE)
          : undefined
        : (patch.clientSecret ?? undefined);
    if (patch.issuer !== undefined || patch.clientId !== undefined || secretChanged) {
      await this.assertReachable(next.issuer, next.clientId, secret);
    }
    return this.saving(() =>
      this.transactions.run(ctx, async (ctx, manager) => {
        await this.assertRoles(ctx, manager, organizationId, next.roleMappings, next.defaultRole);
        if (patch.slug !== undefined && patch.slug !== current.slug) {
          if (await manager.getRepository(OidcProviderEntity).existsBy({ slug: patch.slug })) throw slugTaken();
        }
        const changes: Partial<OidcProviderEntity> = {};
        for (const key of AUDITED) {
          if (patch[key] !== undefined) (changes as Record<string, unknown>)[key] = patch[key];
        }
        if (changes.allowedDomains) changes.allowedDomains = changes.allowedDomains.map((d) => d.toLowerCase());
        if (secretChanged) {
          changes.clientSecretEnc = patch.clientSecret
            ? this.box.encrypt(patch.clientSecret, CLIENT_SECRET_PURPOSE)
            : null;
        }
        await manager.getRepository(OidcProviderEntity).update({ id: current.id }, changes);
        const saved = await this.find(manager, organizationId, current.id);
        const fields = AUDITED.filter((k) => patch[k] !== undefined);
        await this.audit?.record(ctx, {
          action: 'sso.provider.updated',
          resourceType: 'oidc_provider',
          resourceId: current.id,
          details: {
            before: pick(current, fields),
            after: pick(saved, fields),
            ...(secretChanged ? { clientCredentialChanged: true } : {}),
          },
        });
        return saved;
      }),
    );
  }

  /** Removes a provider; identities linked through it go too (their accounts stay). */
  async remove(ctx: RequestContext, providerId: string): Promise<void> {
    await this.policies.assertMay(ctx, 'manage', 'Organization');
    await this.transactions.run(ctx, async (ctx, manager) => {
      const current = await this.find(manager, ctx.organizationId!, providerId);
      await manager.getRepository(OidcProviderEntity).delete({ id: current.id });
      await this.audit?.record(ctx, {
        action: 'sso.provider.deleted',
        resourceType: 'oidc_provider',
        resourceId: current.id,
        details: { before: pick(current) },
      });
    });
  }

  private async find(manager: EntityManager, organizationId: string, providerId: string): Promise<OidcProviderEntity> {
    if (!isUuid(providerId)) throw notFound();
    // The sealed secret is loaded to say whether one is set (and to re-check discovery); never returned.
    const provider = await manager
      .getRepository(OidcProviderEntity)
      .createQueryBuilder('p')
      .addSelect('p.clientSecretEnc')
      .where('p.id = :providerId AND p.organization_id = :organizationId', { providerId, organizationId })
      .getOne();
    if (!provider) throw notFound();
    return provider;
  }

  private assertSlugFree(slug: string): void {
    if (slug === this.config.oidc.platform?.slug) throw slugTaken();
  }

  /** The issuer must be allowed (https) and answer discovery, so a typo is caught now, not at sign-in. */
  private async assertReachable(issuer: string, clientId: string, clientSecret: string | undefined): Promise<void> {
    if (!this.clients.issuerAllowed(issuer)) {
      throw new BadRequestError({
        code: 'sso_issuer_invalid',
        detail: 'The issuer must be an https:// URL.',
        extensions: { errors: [{ field: 'issuer', message: 'must be an https:// URL' }] },
      });
    }
    try {
      await this.clients.configuration({ issuer, clientId, clientSecret, cacheKey: `check:${issuer}:${clientId}` });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new UnprocessableError({
        code: 'sso_issuer_unreachable',
        detail: `${issuer}/.well-known/openid-configuration did not answer with this issuer's metadata.`,
      });
    }
  }

  /** Every mapped role must exist, and the caller must hold every permission it gives. */
  private async assertRoles(
    ctx: RequestContext,
    manager: EntityManager,
    organizationId: string,
    mappings: RoleMapping[],
    defaultRole: string | null,
  ): Promise<void> {
    const names = new Set([...mappings.map((m) => m.role), ...(defaultRole ? [defaultRole] : [])]);
    for (const name of names) {
      const role = await findRole(manager, organizationId, name).catch(() => {
        throw new BadRequestError({ code: 'role_not_found', detail: `No role named "${name}" in this organization.` });
      });
      await this.policies.assertHoldsAll(ctx, role.permissions);
    }
  }

  private async saving<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw slugTaken();
      throw error;
    }
  }
}

const slugTaken = () =>
  new ConflictError({ code: 'sso_provider_slug_taken', detail: 'Another identity provider already uses this slug.' });

function pick(p: OidcProviderEntity, fields: readonly (typeof AUDITED)[number][] = AUDITED): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, p[f]]));
}

function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
