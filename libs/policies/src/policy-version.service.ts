import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { RequestContext } from '#libs/common';
import { bestEffort, REDIS } from '#libs/database';
import { Transactions } from '#libs/database';

/** How long an API instance trusts the version it last read; another instance's change is seen within it. */
export const VERSION_TTL_MS = 500;
const UNAVAILABLE = Symbol('redis unavailable');

/**
 * The authorization version of each organization, a Redis counter. Cached abilities are keyed by
 * it, so bumping it (after any change to roles, memberships, projects, grants, policies or
 * organization settings) makes every API instance rebuild within VERSION_TTL_MS; the instance that
 * made the change sees it at once.
 */
@Injectable()
export class PolicyVersionService {
  private readonly logger = new Logger('PolicyVersion');
  private readonly local = new Map<string, { version: string; readAt: number }>();
  /**
   * Moves on every Redis failure and reconnection, and is part of every version handed out: while
   * Redis cannot be read each request rebuilds from the database, and changes made during an
   * outage (whose bump was lost) cannot leave an ability cached from before it.
   */
  private epoch = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly transactions: Transactions,
  ) {
    redis.on('ready', () => this.forget());
  }

  private forget(): void {
    this.epoch++;
    this.local.clear();
  }

  private key(organizationId: string): string {
    return `authz:version:${organizationId}`;
  }

  /** The organization's current version (from this instance's short cache or Redis). */
  async current(organizationId: string): Promise<string> {
    const cached = this.local.get(organizationId);
    const now = Date.now();
    if (cached && now - cached.readAt < VERSION_TTL_MS) return cached.version;
    const stored = await bestEffort(this.redis, () => this.redis.get(this.key(organizationId)), UNAVAILABLE);
    if (stored === UNAVAILABLE) {
      this.forget();
      return `unavailable:${this.epoch}`;
    }
    const version = `${stored ?? '0'}:${this.epoch}`;
    if (this.local.size > 50_000) this.local.clear();
    this.local.set(organizationId, { version, readAt: now });
    return version;
  }

  /**
   * Bumps the organization's version once the context's transaction commits (at once outside a
   * transaction), so no instance can cache an ability built from data about to change.
   */
  async bump(ctx: RequestContext | undefined, organizationId: string): Promise<void> {
    await this.transactions.afterCommit(ctx, () => this.bumpNow(organizationId), `authz-version:${organizationId}`);
  }

  async bumpNow(organizationId: string): Promise<void> {
    try {
      const version = `${await this.redis.incr(this.key(organizationId))}:${this.epoch}`;
      this.local.set(organizationId, { version, readAt: Date.now() });
    } catch (error) {
      // The change is committed; other instances rebuild once Redis is back (the epoch moves).
      this.logger.warn(`Authorization version of ${organizationId} not bumped: ${(error as Error).message}`);
      this.forget();
    }
  }
}
