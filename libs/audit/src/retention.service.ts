import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError } from '#libs/common';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { appendToChain, linkPending, lockChain } from './audit-chain.js';
import { AuditVerifier } from './audit-verifier.js';
import { CheckpointService } from './checkpoint.service.js';
import { cleanText } from './redact.js';

export interface RetentionResult {
  organizationId: string | null;
  retentionDays: number;
  /** Events up to this sequence number are gone (null: nothing was old enough). */
  prunedThroughSeq: number | null;
  deleted: number;
}

/**
 * Deletes, per chain, the whole prefix of events older than the organization's retention. The
 * prefix is verified first (pruning must not erase evidence of tampering), the deletion runs
 * under the session setting the append-only trigger admits, and a signed retention checkpoint
 * records the last removed hash so verification still passes. The pruning is itself audited.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('AuditRetention');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly verifier: AuditVerifier,
    private readonly checkpoints: CheckpointService,
    private readonly transactions: Transactions,
  ) {}

  /** Applies retention to every chain. */
  async applyAll(now: Date = new Date()): Promise<RetentionResult[]> {
    const results: RetentionResult[] = [];
    for (const organizationId of await this.verifier.chains()) {
      try {
        results.push(await this.apply(organizationId, { now }));
      } catch (error) {
        this.logger.error({ err: error, organizationId }, 'Audit retention skipped a chain');
      }
    }
    return results;
  }

  /**
   * Applies retention to one chain (`null`: the platform chain). `retentionDays` defaults to the
   * organization's `audit_retention_days`, else AUDIT_RETENTION_DAYS.
   */
  async apply(
    organizationId: string | null,
    options: { retentionDays?: number; now?: Date } = {},
  ): Promise<RetentionResult> {
    const retentionDays = options.retentionDays ?? (await this.retentionDaysOf(organizationId));
    const cutoff = new Date((options.now ?? new Date()).getTime() - retentionDays * 86_400_000);
    const system = RequestContext.system('audit-retention');
    const { checkpoint, everyN, ...result } = await this.transactions.run(system, async (_ctx, manager) => {
      // Committed events not yet linked are linked first: the head then covers every event.
      const locked = await lockChain(manager, organizationId);
      const linked = await linkPending(manager, organizationId, locked);
      const last = linked[linked.length - 1];
      const head = last ? { lastSeq: last.seq, lastHash: last.hash } : locked;
      const [bounds]: { first_kept: string | null; oldest: string | null }[] = await manager.query(
        `SELECT (SELECT min(seq) FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1 AND occurred_at >= $2) AS first_kept,
                (SELECT min(seq) FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1) AS oldest`,
        [organizationId, cutoff],
      );
      // Events linked just now are not visible to the verifier's connection yet: they are kept.
      const through = Math.min(
        (bounds.first_kept === null ? head.lastSeq + 1 : Number(bounds.first_kept)) - 1,
        locked.lastSeq,
      );
      if (bounds.oldest === null || through < Number(bounds.oldest)) {
        return { organizationId, retentionDays, prunedThroughSeq: null, deleted: 0, checkpoint: null, everyN: null };
      }
      const check = await this.verifier.verify(organizationId, { throughSeq: through });
      if (!check.ok) {
        throw new ConflictError({
          code: 'audit_chain_broken',
          detail: `Retention refused: ${check.detail}`,
          extensions: { firstBrokenSeq: check.firstBrokenSeq },
        });
      }
      const [pruneEnd]: { hash: string }[] = await manager.query(
        `SELECT hash FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1 AND seq = $2`,
        [organizationId, through],
      );
      await manager.query(`SELECT set_config('fusiongate.audit_retention', 'on', true)`);
      const [{ count }]: { count: string }[] = await manager.query(
        // The personal data stored beside pruned events goes with them.
        `WITH gone AS (DELETE FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1 AND seq <= $2 RETURNING id),
              personal AS (DELETE FROM audit_event_personal WHERE event_id IN (SELECT id FROM gone))
         SELECT count(*) AS count FROM gone`,
        [organizationId, through],
      );
      const deleted = Number(count);
      await manager.query(`SELECT set_config('fusiongate.audit_retention', 'off', true)`);
      const checkpoint = await this.checkpoints.create(manager, {
        organizationId,
        kind: 'retention',
        seq: head.lastSeq,
        hash: head.lastHash,
        prunedThroughSeq: through,
        prunedThroughHash: pruneEnd.hash,
      });
      const [event] = await appendToChain(manager, organizationId, [
        {
          organizationId,
          occurredAt: new Date(),
          actorType: system.actor.type,
          actorId: system.actor.id,
          actorUserId: null,
          actorLabel: system.actor.label ?? null,
          action: 'audit.retention',
          resourceType: 'audit_chain',
          resourceId: cleanText(organizationId ?? 'platform'),
          outcome: 'allowed',
          ip: null,
          userAgent: null,
          requestId: system.requestId,
          details: { prunedThroughSeq: through, deleted, retentionDays, cutoff: cutoff.toISOString() },
        },
      ]);
      // The retention event itself may pass a multiple of N events, like any other.
      const everyN = await this.checkpoints.afterAppend(manager, organizationId, event.seq, event);
      return { organizationId, retentionDays, prunedThroughSeq: through, deleted, checkpoint, everyN };
    });
    await this.checkpoints.committed([checkpoint, everyN]);
    if (result.deleted) {
      this.logger.log(
        `Removed ${result.deleted} audit event(s) of ${organizationId ?? 'the platform'} older than ${retentionDays} days`,
      );
    }
    return result;
  }

  private async retentionDaysOf(organizationId: string | null): Promise<number> {
    if (organizationId === null) return this.config.audit.retentionDays;
    // The organizations module owns this column; audit reads it directly to avoid a module cycle
    // (organizations records audit events).
    const rows: { days: number | null }[] = await this.dataSource
      .query(`SELECT audit_retention_days AS days FROM organization WHERE id = $1`, [organizationId])
      .catch(() => []);
    return rows[0]?.days ?? this.config.audit.retentionDays;
  }
}
