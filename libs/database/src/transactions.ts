import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/src/request-context.js';

/**
 * Runs work in one database transaction and hands it a context bound to that transaction, so the
 * state change and its audit event commit or roll back together. Nested calls reuse the outer
 * transaction. Side effects outside the database (enqueueing jobs, webhooks) belong after `run`
 * returns, i.e. after commit.
 */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(ctx: RequestContext, work: (ctx: RequestContext, manager: EntityManager) => Promise<T>): Promise<T> {
    if (ctx.manager?.queryRunner?.isTransactionActive) return work(ctx, ctx.manager);
    return this.dataSource.transaction((manager) => work(ctx.withManager(manager), manager));
  }

  /** The entity manager to use for a context: its transaction's, or the default one. */
  manager(ctx?: RequestContext): EntityManager {
    return ctx?.manager ?? this.dataSource.manager;
  }
}
