import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { IsNull, Repository, type EntityManager } from 'typeorm';
import {
  byCreatedThenId,
  ForbiddenError,
  isUuid,
  keysetPage,
  NotFoundError,
  UnauthorizedError,
  type Page,
  type PageQuery,
  type RequestContext,
} from '#libs/common';
import { bestEffort, REDIS, Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { randomToken, safeEqual, sha256Hex } from '../crypto/secret-box.js';
import { ExpiringLru } from '../cache/expiring-lru.js';
import { PrincipalCache, type KeyPrincipal } from '../sessions/principal-cache.js';
import { ApiKeyEntity } from './api-key.entity.js';

/** Keys read `fgk_<10 hex prefix>_<secret>`; the prefix is public, the whole string is the secret. */
const KEY_PATTERN = /^fgk_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is written at most this often per key (one write per request would be wasteful). */
const LAST_USED_RESOLUTION_SECONDS = 60;
/**
 * Uses of one key from one source address are audited at most once per this many seconds. Every
 * change a key makes is recorded with the key as its actor, and every refusal as a denial, so the
 * use event only has to answer "was this key active, when, and from where": a first use from a new
 * address shows at once, repeated calls from the same one coalesce.
 */
export const API_KEY_USE_AUDIT_SECONDS = 60;

export interface CreateApiKeyInput {
  organizationId: string;
  name: string;
  permissions: string[];
  projectId?: string | null;
  expiresAt?: Date | null;
}

export interface CreatedApiKey {
  apiKey: ApiKeyEntity;
  /** The full key. Shown once; only its hash is stored. */
  secret: string;
}

/** Keys (and key/address pairs) this process remembers having marked in Redis, per window. */
const MARKS_CAPACITY = 20_000;

const keyInvalid = () => new UnauthorizedError({ code: 'token_invalid', detail: 'The API key is not valid.' });

/**
 * API keys: service accounts scoped to one organization, a subset of permissions and optionally a
 * project. Whether the creator may grant those permissions is decided by the caller (the
 * organization's API key routes); this service stores, lists, revokes and authenticates.
 */
@Injectable()
export class ApiKeyService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly transactions: Transactions,
    private readonly events: AuthEvents,
    private readonly principals: PrincipalCache,
  ) {}

  /** Redis markers (last use, audited use) this process set or found recently: not asked again. */
  private readonly marks = new ExpiringLru<string, true>(MARKS_CAPACITY);

  async create(ctx: RequestContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const prefix = randomBytes(5).toString('hex');
    const secret = `fgk_${prefix}_${randomToken(32)}`;
    return this.transactions.run(ctx, async (ctx, manager) => {
      if (ctx.actor.type === 'api_key') await this.assertWithinParent(manager, ctx.actor.id, input);
      const apiKey = await manager.getRepository(ApiKeyEntity).save({
        organizationId: input.organizationId,
        name: input.name,
        prefix,
        secretHash: sha256Hex(secret),
        permissions: [...new Set(input.permissions)].sort(),
        projectId: input.projectId ?? null,
        createdBy: ctx.actor.userId ?? null,
        expiresAt: input.expiresAt ?? null,
        lastUsedAt: null,
        revokedAt: null,
      });
      delete (apiKey as Partial<ApiKeyEntity>).secretHash;
      await this.events.record(
        ctx,
        {
          action: 'apikey.created',
          subjectId: apiKey.id,
          organizationId: input.organizationId,
          details: {
            name: input.name,
            prefix,
            permissions: apiKey.permissions,
            projectId: apiKey.projectId,
            expiresAt: apiKey.expiresAt,
          },
        },
        manager,
      );
      return { apiKey, secret };
    });
  }

  /**
   * A key that creates a key hands out no more than it has: the same project scope (when it has
   * one) and no later expiry. Its permissions are bounded by the caller's held permissions.
   */
  private async assertWithinParent(manager: EntityManager, parentId: string, input: CreateApiKeyInput): Promise<void> {
    const parent = await manager.getRepository(ApiKeyEntity).findOneBy({ id: parentId });
    const exceeded = (detail: string) => new ForbiddenError({ code: 'api_key_scope_exceeded', detail });
    if (!parent) throw exceeded('This API key cannot create keys.');
    if (parent.projectId && (input.projectId ?? null) !== parent.projectId) {
      throw exceeded('A key scoped to a project can only create keys for that project.');
    }
    if (parent.expiresAt && (!input.expiresAt || input.expiresAt.getTime() > parent.expiresAt.getTime())) {
      throw exceeded('A key can only create keys that expire no later than itself.');
    }
  }

  /**
   * One key by id, or null (also for an id that is not a UUID): with `organizationId`, only a key of
   * that organization; with `live`, only a key that is not revoked.
   */
  async find(keyId: string, options: { organizationId?: string; live?: boolean } = {}): Promise<ApiKeyEntity | null> {
    if (!isUuid(keyId)) return null;
    return this.keys.findOneBy({
      id: keyId,
      ...(options.organizationId ? { organizationId: options.organizationId } : {}),
      ...(options.live ? { revokedAt: IsNull() } : {}),
    });
  }

  /** Keys of an organization, newest first (revoked ones included, marked by `revokedAt`). */
  /** Newest first. */
  async list(ctx: RequestContext, organizationId: string, query: PageQuery = {}): Promise<Page<ApiKeyEntity>> {
    const qb = this.transactions
      .manager(ctx)
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.organization_id = :organizationId', { organizationId });
    return keysetPage(qb, byCreatedThenId('k', 'DESC'), query);
  }

  /** Revokes a key of `organizationId`; 404 `api_key_not_found` for a key of another organization. */
  async revoke(ctx: RequestContext, organizationId: string, keyId: string): Promise<void> {
    await this.transactions.run(ctx, async (ctx, manager) => {
      const repo = manager.getRepository(ApiKeyEntity);
      const key = await repo.findOneBy({ id: keyId, organizationId });
      if (!key) throw new NotFoundError({ code: 'api_key_not_found', detail: 'No such API key.' });
      const revokedAt = key.revokedAt ?? new Date();
      await repo.update({ id: keyId, revokedAt: IsNull() }, { revokedAt });
      await this.transactions.afterCommit(manager, () => this.principals.invalidateApiKeys([keyId]));
      await this.events.record(
        ctx,
        {
          action: 'apikey.revoked',
          subjectId: keyId,
          organizationId,
          details: { name: key.name, prefix: key.prefix, before: { revokedAt: key.revokedAt }, after: { revokedAt } },
        },
        manager,
      );
    });
  }

  /**
   * Revokes every live key `userId` created in `organizationId`, in the caller's transaction: when
   * the membership ends its keys must not come back if the person is added again. Each revocation
   * is audited. Returns how many keys were revoked.
   */
  async revokeCreatedBy(ctx: RequestContext, organizationId: string, userId: string): Promise<number> {
    return this.transactions.run(ctx, async (ctx, manager) => {
      const [rows] = (await manager.query(
        `UPDATE api_key SET revoked_at = now()
          WHERE organization_id = $1 AND created_by = $2 AND revoked_at IS NULL
          RETURNING id, name, prefix, revoked_at`,
        [organizationId, userId],
      )) as [{ id: string; name: string; prefix: string; revoked_at: Date }[], number];
      if (rows.length) {
        const ids = rows.map((row) => row.id);
        await this.transactions.afterCommit(manager, () => this.principals.invalidateApiKeys(ids));
      }
      for (const key of rows) {
        await this.events.record(
          ctx,
          {
            action: 'apikey.revoked',
            subjectId: key.id,
            organizationId,
            details: {
              name: key.name,
              prefix: key.prefix,
              reason: 'membership_ended',
              before: { revokedAt: null },
              after: { revokedAt: key.revoked_at },
            },
          },
          manager,
        );
      }
      return rows.length;
    });
  }

  /**
   * Audits an authenticated request made with `ctx`'s API key (`apikey.used`, buffered), at most
   * once per key and source address every API_KEY_USE_AUDIT_SECONDS. `route` names the first
   * request of the window. When Redis cannot answer, the use is recorded rather than lost.
   */
  async recordUse(ctx: RequestContext, key: Pick<ApiKeyEntity, 'id' | 'organizationId'>, route: string): Promise<void> {
    // The marker is Redis's; a process that set or saw it skips the round trip for a while (a
    // tenth of the window, so a use after the window ends is still audited promptly).
    const mark = `audited:${key.id}:${ctx.ip ?? 'unknown'}`;
    if (this.marks.get(mark)) return;
    this.marks.set(mark, true, Date.now() + (API_KEY_USE_AUDIT_SECONDS * 1000) / 10);
    const first = await bestEffort(
      this.redis,
      () =>
        this.redis.set(
          `auth:apikey-audited:${key.id}:${ctx.ip ?? 'unknown'}`,
          '1',
          'EX',
          API_KEY_USE_AUDIT_SECONDS,
          'NX',
        ),
      'OK',
    );
    if (!first) return;
    this.events.recordBuffered(ctx, {
      action: 'apikey.used',
      subjectId: key.id,
      organizationId: key.organizationId,
      details: { route, coalesceSeconds: API_KEY_USE_AUDIT_SECONDS },
    });
  }

  /** Resolves an `X-API-Key` value to its key, or throws 401 `token_invalid`. */
  /**
   * Resolves an `X-API-Key` value to its key, or throws 401 `token_invalid` (`account_disabled`
   * when its creator's account is). The key and its creator's status are kept in memory like
   * sessions (PrincipalCache: revocation and disabling reach every process at once); the checks
   * below run on every request.
   */
  async authenticate(raw: string): Promise<ApiKeyEntity> {
    const match = KEY_PATTERN.exec(raw);
    if (!match) throw keyInvalid();
    const secretHash = sha256Hex(raw);
    const found = await this.principals.apiKey(secretHash, () => this.load(match[1], secretHash));
    if (!found) throw keyInvalid();
    const { key, creator } = found;
    const now = Date.now();
    if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) throw keyInvalid();
    // A key acts for its creator: once the creator's account is disabled or expired, so is the key.
    if (key.createdBy) {
      if (!creator || creator.status !== 'active' || (creator.expiresAt !== null && creator.expiresAt <= now)) {
        throw new UnauthorizedError({
          code: 'account_disabled',
          detail: 'The account that created this API key is disabled or has expired.',
        });
      }
    }
    await this.markUsed(key.id, now);
    return { ...key };
  }

  /** The key with this prefix if its secret hashes to `secretHash` (constant-time), and its creator. */
  private async load(prefix: string, secretHash: string): Promise<KeyPrincipal<ApiKeyEntity> | null> {
    const key = await this.keys
      .createQueryBuilder('k')
      .addSelect('k.secretHash')
      .where('k.prefix = :prefix', { prefix })
      .getOne();
    if (!key || !safeEqual(key.secretHash, secretHash)) return null;
    delete (key as Partial<ApiKeyEntity>).secretHash;
    if (!key.createdBy) return { key, creator: null };
    const [creator] = (await this.keys.manager.query(`SELECT status, expires_at FROM user_account WHERE id = $1`, [
      key.createdBy,
    ])) as { status: string; expires_at: Date | null }[];
    return {
      key,
      creator: creator ? { status: creator.status, expiresAt: creator.expires_at?.getTime() ?? null } : null,
    };
  }

  /**
   * "Last used" is a convenience, written at most once per LAST_USED_RESOLUTION_SECONDS (a Redis
   * marker decides); without Redis, or on a read-only database, it waits for later.
   */
  private async markUsed(keyId: string, now: number): Promise<void> {
    const mark = `used:${keyId}`;
    if (this.marks.get(mark, now)) return;
    this.marks.set(mark, true, now + (LAST_USED_RESOLUTION_SECONDS * 1000) / 10);
    const stale = await bestEffort(
      this.redis,
      () => this.redis.set(`auth:apikey-used:${keyId}`, '1', 'EX', LAST_USED_RESOLUTION_SECONDS, 'NX'),
      null,
    );
    if (stale) {
      await this.keys.update({ id: keyId }, { lastUsedAt: new Date(now) }).catch((error: { code?: string }) => {
        if (error.code !== '25006' && (error as { driverError?: { code?: string } }).driverError?.code !== '25006')
          throw error;
      });
    }
  }
}
