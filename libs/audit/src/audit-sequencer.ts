import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { chainKey, linkPending, lockChain, type StoredEvent } from './audit-chain.js';
import { CheckpointService } from './checkpoint.service.js';

interface ChainRun {
  /** Passes started in this process, and the highest one finished. */
  started: number;
  finished: number;
  running?: Promise<StoredEvent[]>;
}

/**
 * Links committed audit events into their chains. Events are written unchained in the business
 * transaction (no lock on the chain), so writers of one organization never wait on each other;
 * right after each commit the sequencer is asked, in the background, to link the writer's chain. One pass links
 * everything of the chain that is committed and unlinked, in position order, under the chain's
 * advisory lock, so several API and worker processes never link one chain at once; within a
 * process, passes of a chain run one at a time and writers who call meanwhile share the next. A periodic sweep links what a
 * crashed or failed pass left behind. Checkpoints every N events are signed in the pass.
 */
@Injectable()
export class AuditSequencer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditSequencer');
  private readonly chains = new Map<string, ChainRun>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly checkpoints: CheckpointService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => (this.sweeping = undefined));
    }, this.config.audit.flushIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await Promise.all([...this.chains.values()].map((c) => c.running));
  }

  /**
   * Links every event of the chain committed before this call (and any committed meanwhile):
   * resolves once a pass that started after the call has finished (or, given `eventIds`, one
   * that linked them), with what this caller's own pass linked (passes of one chain run one at a
   * time in a process; waiters share them). Never throws: a failure is logged and the sweep links
   * the events later.
   */
  async link(organizationId: string | null, eventIds?: string[]): Promise<StoredEvent[]> {
    const key = chainKey(organizationId);
    let chain = this.chains.get(key);
    if (!chain) this.chains.set(key, (chain = { started: 0, finished: 0 }));
    const needed = chain.started + 1;
    while (chain.finished < needed) {
      if (chain.running) {
        const linked = await chain.running;
        // The pass under way saw the caller's events committed: no need for the next one.
        if (eventIds?.length && covers(linked, eventIds)) return [];
        continue;
      }
      const number = ++chain.started;
      const pass = this.pass(organizationId)
        .catch((error: unknown) => {
          this.logger.error({ err: error, chain: key }, 'Linking audit events failed; the sweep retries');
          return [];
        })
        .finally(() => {
          chain.finished = Math.max(chain.finished, number);
          chain.running = undefined;
        });
      chain.running = pass;
      if (number >= needed) return pass;
      await pass;
    }
    return [];
  }

  /** Links the pending events of every chain; resolves with how many were linked. */
  async sweep(): Promise<number> {
    if (!this.dataSource.isInitialized) return 0;
    const rows: { organization_id: string | null }[] = await this.dataSource
      .query(`SELECT DISTINCT organization_id FROM audit_event WHERE seq IS NULL`)
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'Looking for unlinked audit events failed');
        return [];
      });
    let linked = 0;
    for (const { organization_id } of rows) linked += (await this.link(organization_id)).length;
    return linked;
  }

  private pass(organizationId: string | null): Promise<StoredEvent[]> {
    return this.transactions.run(RequestContext.system('audit-sequencer'), async (ctx, m) => {
      // Linking is derived from committed events: a crash that loses it leaves them unlinked, and
      // they are linked again, so the pass does not wait for its WAL flush. A pass that signs a
      // checkpoint does: the checkpoint is published outside the database once committed.
      const head = await lockChain(m, organizationId, { relaxedCommit: true });
      const linked = await linkPending(m, organizationId, head);
      if (linked.length) {
        const last = linked[linked.length - 1];
        const checkpoint = await this.checkpoints.afterAppend(m, organizationId, linked[0].seq, last);
        if (checkpoint) {
          await m.query(`SET LOCAL synchronous_commit = on`);
          await this.transactions.afterCommit(ctx, () => this.checkpoints.committed([checkpoint]));
        }
      }
      return linked;
    });
  }
}

function covers(linked: StoredEvent[], ids: string[]): boolean {
  if (linked.length < ids.length) return false;
  const done = new Set(linked.map((e) => e.id));
  return ids.every((id) => done.has(id));
}
