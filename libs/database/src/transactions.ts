import { Injectable, Logger } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';
import { RequestContext } from '../../common/src/request-context.js';

/**
 * Runs work in one database transaction and hands it a context bound to that transaction, so the
 * state change and its audit event commit or roll back together. Nested calls reuse the outer
 * transaction. Side effects outside the database (enqueueing jobs, webhooks, mail) belong after
 * `run` returns, i.e. after commit, or in `afterCommit`.
 */
@Injectable()
export class Transactions implements EntitySubscriberInterface {
  private readonly logger = new Logger('Transactions');
  private readonly pending = new WeakMap<QueryRunner, (() => Promise<void> | void)[]>();

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
   * Runs `effect` once the transaction of `manager` (or of `ctx.manager`) commits, and never if it
   * rolls back; at once when there is no transaction. Effects must not throw into the committer:
   * failures are logged.
   */
  afterCommit(scope: RequestContext | EntityManager | undefined, effect: () => Promise<void> | void): void {
    const manager = scope instanceof RequestContext ? scope.manager : scope;
    const runner = manager?.queryRunner;
    if (runner?.isTransactionActive) {
      const effects = this.pending.get(runner) ?? [];
      effects.push(effect);
      this.pending.set(runner, effects);
      return;
    }
    void this.runEffect(effect);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    const effects = this.pending.get(event.queryRunner);
    if (!effects) return;
    this.pending.delete(event.queryRunner);
    for (const effect of effects) void this.runEffect(effect);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  private async runEffect(effect: () => Promise<void> | void): Promise<void> {
    try {
      await effect();
    } catch (error) {
      this.logger.error({ err: error }, 'An after-commit effect failed');
    }
  }
}
