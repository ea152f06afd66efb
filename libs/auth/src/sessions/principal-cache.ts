import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { createRedis, MaintenanceMode, REDIS } from '#libs/database';
import { metrics } from '#libs/common';
import type { UserStatus } from '../users/user.entity.js';
import { ExpiringLru } from '../cache/expiring-lru.js';

/** What the guard needs to know about the session behind an access token, on every request. */
export interface SessionPrincipal {
  userId: string;
  email: string;
  status: UserStatus;
  /** Epoch ms, or null. */
  userExpiresAt: number | null;
  isPlatformAdmin: boolean;
  sessionRevoked: boolean;
  /** Epoch ms. */
  sessionExpiresAt: number;
}

/** Sessions whose state one process keeps (a few hundred bytes each). */
const CAPACITY = 50_000;
/** How often the subscription proves it is alive; a silent Redis ends the local view this fast. */
const HEARTBEAT_MS = 1_000;

/** An API key as authentication needs it, with the status of the account that created it. */
export interface KeyPrincipal<K extends { id: string; createdBy: string | null }> {
  key: K;
  /** Null when the key has no creator (or the creator is gone). */
  creator: { status: string; expiresAt: number | null } | null;
}

/** What an invalidation message names: sessions, API keys, and users (their sessions and keys). */
interface Invalidation {
  s?: string[];
  k?: string[];
  u?: string[];
}

const READ = `SELECT u.id AS user_id, u.email, u.status, u.expires_at AS user_expires_at, u.is_platform_admin,
                     s.revoked_at, s.expires_at AS session_expires_at
                FROM auth_session s JOIN user_account u ON u.id = s.user_id
               WHERE s.id = $1`;
const TOUCH_AND_READ = `WITH touched AS (
    UPDATE auth_session SET last_used_at = now()
     WHERE id = $1 AND revoked_at IS NULL AND last_used_at < now() - interval '1 minute'
  )
  ${READ}`;

/**
 * The state of the session and account behind an access token, kept in each process and pushed to
 * every process through Redis pub/sub rather than read on every request.
 *
 * - A session is read from PostgreSQL by primary key (marking it used, at most once a minute) and
 *   kept locally for `AUTH_PRINCIPAL_CACHE_SECONDS` at most (the bound on changes made behind the
 *   services' back).
 * - Every change that ends a session or an account's access (sign-out, revocation, password
 *   change, MFA reset, disabling, expiry, erasure) calls `invalidateSessions`/`invalidateUser`
 *   after its transaction commits; that publishes the ids, and every process drops its entries
 *   when the message arrives (milliseconds), so revocation is effective everywhere well within 1 s.
 * - Fail-safe: the local view is used only while this process's subscription is confirmed live
 *   (subscribed, and answering a heartbeat every second). Before it is ready, after a disconnect
 *   and while Redis is silent, nothing is served from memory: every request reads PostgreSQL, as
 *   if there were no cache, and the view restarts empty once subscribed again. A read that was in
 *   flight while an invalidation arrived is not kept.
 */
@Injectable()
export class PrincipalCache implements OnApplicationShutdown {
  private readonly logger = new Logger('PrincipalCache');
  private readonly local = new ExpiringLru<string, SessionPrincipal | null>(CAPACITY);
  /** API keys by the SHA-256 of their secret; only keys that matched are kept. */
  private readonly keys = new ExpiringLru<string, KeyPrincipal<{ id: string; createdBy: string | null }>>(CAPACITY);
  private readonly channel: string;
  private subscriber?: Redis;
  private heartbeat?: NodeJS.Timeout;
  /** True while the subscription is confirmed: only then is the local view trusted. */
  private live = false;
  /** Bumped by every invalidation and every change of `live`: a read started before is not kept. */
  private generation = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly maintenance: MaintenanceMode,
  ) {
    this.channel = `${config.redis.keyPrefix}:auth:principal-changes`;
  }

  /** Whether this process currently serves session state from memory (subscription live). */
  get warm(): boolean {
    return this.live;
  }

  async get(sessionId: string): Promise<SessionPrincipal | undefined> {
    const ttlMs = this.config.auth.principalCacheSeconds * 1000;
    if (ttlMs > 0) {
      if (!this.subscriber) this.subscribe();
      if (this.live) {
        const cached = this.local.get(sessionId);
        if (cached !== undefined) {
          metrics.principalCache.inc({ result: 'hit' });
          return cached ?? undefined;
        }
      }
      metrics.principalCache.inc({ result: 'miss' });
    }
    const generation = this.generation;
    const principal = await this.read(sessionId);
    if (ttlMs > 0 && this.live && generation === this.generation) {
      this.local.set(sessionId, principal ?? null, Date.now() + ttlMs);
    }
    return principal;
  }

  /**
   * The API key whose secret hashes to `secretHash`, kept like sessions (same lifetime, same
   * invalidation, same fail-safe); `load` reads it from PostgreSQL and answers null for no match.
   */
  async apiKey<K extends { id: string; createdBy: string | null }>(
    secretHash: string,
    load: () => Promise<KeyPrincipal<K> | null>,
  ): Promise<KeyPrincipal<K> | null> {
    const ttlMs = this.config.auth.principalCacheSeconds * 1000;
    if (ttlMs > 0) {
      if (!this.subscriber) this.subscribe();
      if (this.live) {
        const cached = this.keys.get(secretHash);
        if (cached) return cached as KeyPrincipal<K>;
      }
    }
    const generation = this.generation;
    const found = await load();
    if (found && ttlMs > 0 && this.live && generation === this.generation) {
      this.keys.set(secretHash, found, Date.now() + ttlMs);
    }
    return found;
  }

  /** Ends the cached state of API keys (revoked), everywhere. */
  async invalidateApiKeys(keyIds: string[]): Promise<void> {
    if (!keyIds.length) return;
    this.dropKeys(new Set(keyIds), new Set());
    await this.publish({ k: keyIds });
  }

  /** Ends the cached state of sessions, in this process and (through Redis) in every other. */
  async invalidateSessions(sessionIds: string[]): Promise<void> {
    if (!sessionIds.length) return;
    this.generation++;
    for (const id of sessionIds) this.local.delete(id);
    await this.publish({ s: sessionIds });
  }

  /** Ends the cached state of every session of a user, and of the API keys they created, everywhere. */
  async invalidateUser(userId: string): Promise<void> {
    this.generation++;
    this.local.deleteWhere((principal) => principal?.userId === userId);
    this.dropKeys(new Set(), new Set([userId]));
    await this.publish({ u: [userId] });
  }

  private dropKeys(ids: Set<string>, creators: Set<string>): void {
    this.generation++;
    this.keys.deleteWhere(({ key }) => ids.has(key.id) || (key.createdBy !== null && creators.has(key.createdBy)));
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    this.goCold();
    this.subscriber?.disconnect();
  }

  /**
   * Sent after the change committed. When Redis cannot be reached the change is already in the
   * database, and the other processes cannot hear Redis either, so they read PostgreSQL (see the
   * class comment); it is not an error for the caller.
   */
  private async publish(message: Invalidation): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(message)).catch((error: Error) => {
      this.logger.warn(`Session change not broadcast (${error.message}); other processes read it from the database`);
    });
  }

  private apply(raw: string): void {
    let message: Invalidation;
    try {
      message = JSON.parse(raw) as Invalidation;
    } catch {
      return;
    }
    this.generation++;
    for (const id of message.s ?? []) this.local.delete(id);
    const users = new Set(message.u ?? []);
    if (users.size) this.local.deleteWhere((principal) => principal !== null && users.has(principal.userId));
    if (users.size || message.k?.length) this.dropKeys(new Set(message.k ?? []), users);
  }

  private goCold(): void {
    this.live = false;
    this.generation++;
    this.local.clear();
    this.keys.clear();
  }

  /** One subscriber connection per process; it reconnects on its own, and starts cold each time. */
  private subscribe(): void {
    const subscriber = createRedis(this.config.redis.url!, {
      connectionName: 'fusiongate-principal-changes',
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.apply(message);
    });
    subscriber.on('error', (error: Error) => this.logger.debug?.(`subscriber: ${error.message}`));
    let waiting = false;
    subscriber.on('close', () => this.goCold());
    subscriber.on('ready', () => {
      this.goCold();
      waiting = false;
      subscriber.subscribe(this.channel).then(
        () => {
          if (subscriber.status === 'ready') {
            this.local.clear();
            this.keys.clear();
            this.live = true;
          }
        },
        (error: Error) => this.logger.debug?.(`subscribe: ${error.message}`),
      );
    });
    this.heartbeat = setInterval(() => {
      if (!this.live) return;
      if (waiting) {
        // The last heartbeat got no answer within a period: Redis is silent, stop trusting the view.
        this.goCold();
        subscriber.disconnect(true);
        return;
      }
      waiting = true;
      subscriber.ping().then(
        () => (waiting = false),
        () => undefined,
      );
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private async read(sessionId: string): Promise<SessionPrincipal | undefined> {
    // Records the session's use (at most once a minute), for the sessions list; not on a read-only
    // database (standby after failover), where signed-in users keep reading.
    const touch = this.maintenance.current().reason !== 'database';
    const rows = (await this.dataSource
      .query(touch ? TOUCH_AND_READ : READ, [sessionId])
      .catch((error: { code?: string; driverError?: { code?: string } }) => {
        if (!touch || (error.driverError?.code ?? error.code) !== '25006') throw error;
        return this.dataSource.query(READ, [sessionId]);
      })) as {
      user_id: string;
      email: string;
      status: UserStatus;
      user_expires_at: Date | null;
      is_platform_admin: boolean;
      revoked_at: Date | null;
      session_expires_at: Date;
    }[];
    const row = rows[0];
    return (
      row && {
        userId: row.user_id,
        email: row.email,
        status: row.status,
        userExpiresAt: row.user_expires_at ? new Date(row.user_expires_at).getTime() : null,
        isPlatformAdmin: row.is_platform_admin,
        sessionRevoked: row.revoked_at !== null,
        sessionExpiresAt: new Date(row.session_expires_at).getTime(),
      }
    );
  }
}
