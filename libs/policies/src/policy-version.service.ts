import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  DataSource,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import type { RequestContext } from '../../common/src/request-context.js';
import { REDIS } from '../../database/src/redis.js';

/** How long an API instance trusts the version it last read; another instance's change is seen within it. */
export const VERSION_TTL_MS = 500;

/**
 * The authorization version of each organization, a Redis counter. Cached abilities are keyed by
 * it, so bumping it (after any change to roles, memberships, projects, grants, policies or
 * organization settings) makes every API instance rebuild within VERSION_TTL_MS; the instance that
 * made the change sees it at once.
 */
@Injectable()
export class PolicyVersionService implements EntitySubscriberInterface {
  private readonly local = new Map<string, { version: string; readAt: number }>();
  private readonly pending = new WeakMap<QueryRunner, Set<string>>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    dataSource: DataSource,
  ) {
    dataSource.subscribers.push(this);
  }

  private key(organizationId: string): string {
    return `authz:version:${organizationId}`;
  }

  /** The organization's current version (from this instance's short cache or Redis). */
  async current(organizationId: string): Promise<string> {
    const cached = this.local.get(organizationId);
    const now = Date.now();
    if (cached && now - cached.readAt < VERSION_TTL_MS) return cached.version;
    const version = (await this.redis.get(this.key(organizationId))) ?? '0';
    if (this.local.size > 50_000) this.local.clear();
    this.local.set(organizationId, { version, readAt: now });
    return version;
  }

  /**
   * Bumps the organization's version once the context's transaction commits (at once outside a
   * transaction), so no instance can cache an ability built from data about to change.
   */
  async bump(ctx: RequestContext | undefined, organizationId: string): Promise<void> {
    const runner = ctx?.manager?.queryRunner;
    if (runner?.isTransactionActive) {
      const set = this.pending.get(runner) ?? new Set<string>();
      set.add(organizationId);
      this.pending.set(runner, set);
      return;
    }
    await this.bumpNow(organizationId);
  }

  async bumpNow(organizationId: string): Promise<void> {
    const version = String(await this.redis.incr(this.key(organizationId)));
    this.local.set(organizationId, { version, readAt: Date.now() });
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    if (event.queryRunner.isTransactionActive) return;
    const orgs = this.pending.get(event.queryRunner);
    if (!orgs) return;
    this.pending.delete(event.queryRunner);
    await Promise.all([...orgs].map((org) => this.bumpNow(org)));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }
}
