import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { bestEffort, MaintenanceMode, REDIS } from '#libs/database';
import { metrics } from '#libs/common';
import type { UserStatus } from '../users/user.entity.js';

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

const key = (sessionId: string) => `auth:principal:${sessionId}`;

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
 * Reads a session and its user by primary key, cached in Redis for a few seconds (and marks the
 * session used, at most once a minute). Disabling a
 * user or revoking a session deletes the entries, so those take effect on the next request; the
 * short lifetime bounds staleness after changes made behind the services' back.
 */
@Injectable()
export class PrincipalCache {
  private readonly logger = new Logger('PrincipalCache');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
    private readonly maintenance: MaintenanceMode,
  ) {}

  async get(sessionId: string): Promise<SessionPrincipal | undefined> {
    const ttl = this.config.auth.principalCacheSeconds;
    if (ttl > 0) {
      // Redis down or frozen: the database answers instead (signed-in users keep working).
      const cached = await bestEffort(this.redis, () => this.redis.get(key(sessionId)), null);
      metrics.principalCache.inc({ result: cached ? 'hit' : 'miss' });
      if (cached) return cached === '-' ? undefined : (JSON.parse(cached) as SessionPrincipal);
    }
    // A cache miss also records the session's use (at most once a minute), for the sessions list;
    // not on a read-only database (standby after failover), where signed-in users keep reading.
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
    const principal: SessionPrincipal | undefined = row && {
      userId: row.user_id,
      email: row.email,
      status: row.status,
      userExpiresAt: row.user_expires_at ? new Date(row.user_expires_at).getTime() : null,
      isPlatformAdmin: row.is_platform_admin,
      sessionRevoked: row.revoked_at !== null,
      sessionExpiresAt: new Date(row.session_expires_at).getTime(),
    };
    if (ttl > 0) {
      await bestEffort(
        this.redis,
        () => this.redis.set(key(sessionId), principal ? JSON.stringify(principal) : '-', 'EX', ttl),
        undefined,
      );
    }
    return principal;
  }

  /**
   * Drops cached entries. When Redis cannot be reached the change is already in the database and
   * an entry written before the outage lives `principalCacheSeconds` at most, so it is not an error.
   */
  async invalidateSessions(sessionIds: string[]): Promise<void> {
    if (!sessionIds.length) return;
    await this.redis.del(...sessionIds.map(key)).catch((error: Error) => {
      this.logger.warn(`Cached session state not dropped (${error.message}); it expires on its own`);
    });
  }

  /** Drops the cached state of every live session of a user. */
  async invalidateUser(userId: string): Promise<void> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM auth_session WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
      [userId],
    )) as { id: string }[];
    await this.invalidateSessions(rows.map((r) => r.id));
  }
}
