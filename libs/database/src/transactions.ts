import { Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  DataSource,
  QueryFailedError,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import { RequestContext } from '#libs/common';

/**
 * The one transaction model. `run(ctx, work)` runs work in one database transaction and hands it a
 * context bound to that transaction, so a state change and its audit event commit or roll back
 * together; nested calls reuse the outer transaction. `afterCommit(ctx, effect)` is the one hook for
 * what must happen only once the change is durable (cache invalidation, authorization version bumps,
 * alert evaluation, mail): effects run in registration order when the outermost transaction commits,
 * before `run` returns to its caller, and never when it rolls back.
 */
@Injectable()
export class Transactions implements EntitySubscriberInterface {
  private readonly logger = new Logger('Transactions');
  private readonly pending = new WeakMap<QueryRunner, Map<string | symbol, AfterCommitEffect>>();

  constructor(private readonly dataSource: DataSource) {
    this.dataSource.subscribers.push(this);
  }

  async run<T>(ctx: RequestContext, work: (ctx: RequestContext, manager: EntityManager) => Promise<T>): Promise<T> {
    if (ctx.manager?.queryRunner?.isTransactionActive) return work(ctx, ctx.manager);
    return this.dataSource.transaction((manager) => work(ctx.withManager(manager), manager));
  }

  /** The entity manager to use for a context: its transaction's, or the default one. */
  manager(ctx?: RequestContext): EntityManager {
    return ctx?.manager ?? this.dataSource.manager;
  }

  /**
   * Runs one read statement (`$1`… placeholders) and returns its rows: in the context's
   * transaction when it carries one, otherwise straight on the connection pool. The pool path
   * skips TypeORM's query runner and its query events, about 0.2 ms of CPU per statement on a
   * 50-row list (`bench:request-path`); for hot list reads. Failures are TypeORM's
   * `QueryFailedError`, as from `manager.query`.
   */
  async read<T>(ctx: RequestContext | undefined, sql: string, params: unknown[]): Promise<T[]> {
    if (ctx?.manager?.queryRunner?.isTransactionActive) return (await ctx.manager.query(sql, params)) as T[];
    const pool = (this.dataSource.driver as unknown as { master: Pool }).master;
    try {
      return (await pool.query(sql, params)).rows as T[];
    } catch (error) {
      throw new QueryFailedError(sql, params, error as Error);
    }
  }

  /**
   * Runs `effect` once the transaction of `scope` (a context or an entity manager) commits, and
   * never if it rolls back; at once when there is no transaction. The commit waits for the effect,
   * so keep effects short (hand slow work such as mail to a promise the effect does not await).
   * With a `key`, an effect is registered once per transaction (later registrations with the same
   * key are dropped). Failures are logged, never thrown into the committer.
   */
  async afterCommit(
    scope: RequestContext | EntityManager | undefined,
    effect: AfterCommitEffect,
    key?: string,
  ): Promise<void> {
    const manager = scope instanceof RequestContext ? scope.manager : scope;
    const runner = manager?.queryRunner;
    if (runner?.isTransactionActive) {
      const effects = this.pending.get(runner) ?? new Map<string | symbol, AfterCommitEffect>();
      const slot = key ?? Symbol('effect');
      if (!effects.has(slot)) effects.set(slot, effect);
      this.pending.set(runner, effects);
      return;
    }
    await this.runEffect(effect);
  }

  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    if (event.queryRunner.isTransactionActive) return;
    const effects = this.pending.get(event.queryRunner);
    if (!effects) return;
    this.pending.delete(event.queryRunner);
    for (const effect of effects.values()) await this.runEffect(effect);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  private async runEffect(effect: AfterCommitEffect): Promise<void> {
    try {
      await effect();
    } catch (error) {
      this.logger.error({ err: error }, 'An after-commit effect failed');
    }
  }
}

export type AfterCommitEffect = () => Promise<void> | void;
