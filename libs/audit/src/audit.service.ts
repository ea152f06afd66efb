import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid } from '#libs/common';
import { metrics, onMetricsScrape } from '#libs/common';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { AlertService } from './alerts/alert.service.js';
import { chainKey, insertEvents, type PreparedEvent, type WrittenEvent } from './audit-chain.js';
import { AuditSequencer } from './audit-sequencer.js';
import type { AuditEventInput } from './audit.types.js';
import { hasPersonalLabel, personalDataOf, separatePersonal } from './personal-data.js';
import { cleanText, redactDetails } from './redact.js';

interface BufferedEvent {
  organizationId: string | null;
  event: PreparedEvent;
  attempts: number;
}

/** What `record` returns: enough to reference the event (e.g. in a response or a test). */
export interface RecordedEvent {
  id: string;
  organizationId: string | null;
  /** The event's place in its chain; null until it is linked (after its transaction commits). */
  seq: number | null;
  hash: string | null;
}

const MAX_FLUSH_ATTEMPTS = 5;

/**
 * Writes audit events into per-organization hash chains.
 *
 * `record` writes in the caller's transaction when the context carries one (so a rolled-back
 * change leaves no event), otherwise in a transaction of its own. `recordBuffered` is for reads
 * and denials: events are kept in memory and written on an interval, when the buffer fills, and on
 * graceful shutdown. Alert rules run on every event once it is committed.
 */
/** How `record` returns for an event written on its own (no caller transaction). */
export interface RecordOptions {
  /**
   * false: return once the event is committed, with `seq` and `hash` null, and link it in the
   * background (the request answering never waits for the chain); default true: once it is linked.
   */
  waitForLink?: boolean;
}

@Injectable()
export class AuditService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private buffer: BufferedEvent[] = [];
  /** Background links of committed business transactions' events. */
  private readonly linking = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<number>;
  private stopMetrics?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly alerts: AlertService,
    private readonly sequencer: AuditSequencer,
    private readonly transactions: Transactions,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.audit.flushIntervalMs);
    this.timer.unref();
    this.stopMetrics = onMetricsScrape('audit', () => this.refreshMetrics());
  }

  /** Chain lag for Prometheus: buffered events, events after each chain's latest checkpoint, its age. */
  private async refreshMetrics(): Promise<void> {
    metrics.auditBuffered.set(this.buffer.length);
    const [row] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(h.last_seq - COALESCE(c.seq, 0)), 0)::float8 AS unsigned,
              COALESCE(MAX(EXTRACT(EPOCH FROM now() - COALESCE(c.created_at, h.updated_at))), 0)::float8 AS age
         FROM audit_chain_head h
         LEFT JOIN LATERAL (
           SELECT seq, created_at FROM audit_checkpoint k
            WHERE k.organization_id IS NOT DISTINCT FROM h.organization_id
            ORDER BY created_at DESC LIMIT 1) c ON true`,
    )) as { unsigned: number; age: number }[];
    metrics.auditUnsigned.set(Math.max(0, Number(row.unsigned)));
    metrics.auditCheckpointAge.set(Math.max(0, Number(row.age)));
  }

  /**
   * Records one event. In the caller's transaction when `ctx.manager` is one: the event commits
   * or rolls back with the change it describes.
   */
  async record(ctx: RequestContext, input: AuditEventInput, options?: RecordOptions): Promise<RecordedEvent> {
    const [recorded] = await this.recordMany(ctx, [input], options);
    return recorded;
  }

  /**
   * Records several events (any chains) atomically, in order. They are written unchained in the
   * transaction and linked into their chains once it commits, before this (or the caller's
   * transaction, when it carries one) returns; `seq` and `hash` are known then, so they are null
   * in what is returned inside the caller's transaction.
   */
  async recordMany(ctx: RequestContext, inputs: AuditEventInput[], options?: RecordOptions): Promise<RecordedEvent[]> {
    const prepared = inputs.map((input) => this.prepare(ctx, input));
    const outer = ctx.manager?.queryRunner?.isTransactionActive === true;
    const written = await this.transactions.run(ctx, async (tx) => {
      const events = await insertEvents(
        this.transactions.manager(tx),
        prepared.map((p) => ({ ...p.event, organizationId: p.organizationId })),
      );
      if (outer) {
        // Once the change is durable: alerts evaluated, and the events linked into their chains in
        // the background, so a business transaction never waits for the chain (nor holds its
        // connection meanwhile). Until linked they are listed, exported and verified as the
        // chain's pending tail.
        await this.transactions.afterCommit(tx, () => this.linkInBackground(events));
      }
      return events;
    });
    if (outer) return written.map(toRecorded);
    // An event of its own: its connection is back in the pool before it waits for the link, so a
    // burst of writers (failed sign-ins, say) never holds the pool while one pass links them all.
    if (options?.waitForLink === false) {
      this.linkInBackground(written);
      return written.map(toRecorded);
    }
    await this.linkAndEvaluate(written);
    return this.linkedState(written);
  }
  /**
   * Queues an event (a read, a denial) for the next flush. Never throws and never waits for the
   * database; the event is still chained in the order it was queued within its organization.
   */
  recordBuffered(ctx: RequestContext, input: AuditEventInput): void {
    try {
      const { organizationId, event } = this.prepare(ctx, input);
      this.buffer.push({ organizationId, event, attempts: 0 });
    } catch (error) {
      this.logger.error({ err: error, action: input.action }, 'Audit event could not be prepared');
      return;
    }
    if (this.buffer.length >= this.config.audit.bufferMax) void this.flush();
  }

  /** Buffered events not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Writes every buffered event now; resolves with how many were written. */
  flush(): Promise<number> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.buffer.length === 0) return Promise.resolve(0);
    this.flushing = this.flushOnce().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flushOnce(): Promise<number> {
    const batch = this.buffer;
    this.buffer = [];
    const groups = new Map<string, BufferedEvent[]>();
    for (const item of batch) {
      const key = chainKey(item.organizationId);
      const group = groups.get(key) ?? [];
      group.push(item);
      groups.set(key, group);
    }
    let written = 0;
    const retry: BufferedEvent[] = [];
    for (const group of groups.values()) {
      try {
        const events = await this.transactions.run(RequestContext.system('audit-flush'), (_ctx, manager) =>
          insertEvents(
            manager,
            group.map((g) => ({ ...g.event, organizationId: g.organizationId })),
          ),
        );
        written += events.length;
        await this.linkAndEvaluate(events);
      } catch (error) {
        for (const item of group) {
          item.attempts += 1;
          if (item.attempts < MAX_FLUSH_ATTEMPTS) retry.push(item);
          else this.logger.error({ event: item.event, organizationId: item.organizationId }, 'Audit event dropped');
        }
        this.logger.error({ err: error, events: group.length }, 'Writing buffered audit events failed; will retry');
      }
    }
    // Retried events keep their place ahead of those queued meanwhile.
    if (retry.length) this.buffer = [...retry, ...this.buffer];
    return written;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
    await this.linked();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.stopMetrics?.();
    await this.drain();
    await this.alerts.idle();
  }

  /** Flushes until the buffer is empty (or the database is gone, which is logged). */
  private async drain(): Promise<void> {
    for (let i = 0; i < MAX_FLUSH_ATTEMPTS && this.buffer.length > 0; i++) {
      if (!this.dataSource.isInitialized) break;
      await this.flush();
    }
    if (this.buffer.length > 0) {
      this.logger.error({ events: this.buffer.length }, 'Buffered audit events could not be written at shutdown');
    }
  }

  /** Evaluates the alert rules on committed events now and links them without waiting. */
  private linkInBackground(events: WrittenEvent[]): void {
    this.alerts.evaluate(events);
    const work = this.link(events).finally(() => this.linking.delete(work));
    this.linking.add(work);
  }

  /** Resolves once every background link started so far has finished (shutdown, tests). */
  async linked(): Promise<void> {
    while (this.linking.size > 0) await Promise.all(this.linking);
  }

  /** Links committed events into their chains (one sequencer pass per chain), then runs the alert rules. */
  private async linkAndEvaluate(events: WrittenEvent[]): Promise<void> {
    await this.link(events);
    this.alerts.evaluate(events);
  }

  /** Links committed events into their chains: one sequencer pass per chain, in a stable order. */
  private async link(events: WrittenEvent[]): Promise<void> {
    const chains = new Map<string, { organizationId: string | null; ids: string[] }>();
    for (const e of events) {
      const key = chainKey(e.organizationId);
      const chain = chains.get(key) ?? { organizationId: e.organizationId, ids: [] };
      chain.ids.push(e.id);
      chains.set(key, chain);
    }
    for (const key of [...chains.keys()].sort()) {
      const { organizationId, ids } = chains.get(key)!;
      await this.sequencer.link(organizationId, ids);
    }
  }

  /** Where committed events now stand in their chains. */
  private async linkedState(events: WrittenEvent[]): Promise<RecordedEvent[]> {
    const rows: { id: string; seq: string | null; hash: string | null }[] = await this.dataSource.query(
      `SELECT id, seq, hash FROM audit_event WHERE id = ANY($1::uuid[])`,
      [events.map((e) => e.id)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return events.map((e) => {
      const row = byId.get(e.id);
      return toRecorded({
        ...e,
        seq: row?.seq == null ? null : Number(row.seq),
        hash: row?.hash ?? null,
      });
    });
  }

  /** Fills in the context (actor, ip, user agent, request id) and strips secrets. */
  private prepare(
    ctx: RequestContext,
    input: AuditEventInput,
  ): { organizationId: string | null; event: PreparedEvent } {
    let organizationId = input.organizationId === undefined ? (ctx.organizationId ?? null) : input.organizationId;
    let details = redactDetails(input.details);
    // A malformed organization id from a path cannot name a chain; the attempt goes on the platform chain.
    if (organizationId !== null && !isUuid(organizationId)) {
      details = { ...details, organizationRef: cleanText(organizationId, 200) };
      organizationId = null;
    }
    const actor = input.actor ?? ctx.actor;
    const text = (v: string | undefined | null, max = 512) => (v ? cleanText(v, max) : null);
    // Nothing that names a person enters the hashed content: the label of a user or API key and
    // the personal values of details are stored beside the event (erasable, joined on reads).
    const separated = separatePersonal(details);
    const label = text(actor.label, 320);
    const labelAside = hasPersonalLabel(actor.type);
    const resourceType = text(input.resourceType, 100);
    const resourceId = text(input.resourceId, 200);
    const actorUserId = text(actor.userId, 200);
    return {
      organizationId: organizationId?.toLowerCase() ?? null,
      event: {
        organizationId,
        occurredAt: new Date(),
        actorType: actor.type,
        actorId: cleanText(actor.id, 200),
        actorUserId,
        actorLabel: labelAside ? null : label,
        action: cleanText(input.action, 100),
        resourceType,
        resourceId,
        outcome: input.outcome ?? 'allowed',
        ip: text(ctx.ip, 100),
        userAgent: text(ctx.userAgent),
        requestId: text(ctx.requestId, 200),
        details: separated.details,
        personal: personalDataOf(
          { type: actor.type, userId: actorUserId, label: labelAside ? label : null },
          { type: resourceType, id: resourceId },
          separated.values,
        ),
      },
    };
  }
}

function toRecorded(e: WrittenEvent): RecordedEvent {
  return { id: e.id, organizationId: e.organizationId, seq: e.seq, hash: e.hash };
}
