import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import type { AnchorEntry } from './anchor.js';
import { chainHash, GENESIS_HASH } from './canonical.js';
import {
  checkpointHash,
  checkpointPayload,
  toCheckpoint,
  type Checkpoint,
  type CheckpointRow,
} from './checkpoint-format.js';
import { CheckpointService, type KnownCheckpoint } from './checkpoint.service.js';
import { AuditSigningKeys } from './signing-keys.js';
import { chainCondition, chainKey, fromLinkedRow, type AuditEventRow } from './audit-chain.js';
import { redactionDigest } from './audit-erasure.js';

/** What broke a chain, at `firstBrokenSeq`. */
export type ChainProblem =
  /** An event is absent (deleted) at this sequence number. */
  | 'missing'
  /** The event's content does not match its hash (edited). */
  | 'hash_mismatch'
  /**
   * A redaction (erasure of personal data from an event written before labels left hashed
   * content) is not covered by a verified `audit.redacted` event of the chain.
   */
  | 'redaction_unrecorded'
  /** The event does not link to the previous event's hash (inserted or replaced). */
  | 'prev_hash_mismatch'
  /** An event exists where the chain head or a retention checkpoint says none should. */
  | 'unexpected_event'
  /** A signed checkpoint names a different hash for this sequence number. */
  | 'checkpoint_mismatch'
  /** A checkpoint's signature does not verify. */
  | 'checkpoint_signature_invalid'
  /** The chain head disagrees with the last event. */
  | 'head_mismatch'
  /**
   * A signed checkpoint that must exist does not: a gap in the checkpoint sequence, fewer than one
   * every AUDIT_CHECKPOINT_EVERY_EVENTS events, or one committed (or anchored) but gone.
   */
  | 'checkpoint_missing'
  /** No checkpoint was signed for longer than the cadence allows (deleted, or checkpointing stopped). */
  | 'checkpoint_overdue'
  /** The organization exists but its chain is empty. */
  | 'chain_missing'
  /** The database's checkpoint differs from the one published to the anchor. */
  | 'anchor_mismatch';

export interface VerifyOptions {
  /** Verify only events up to here (retention checks the prefix it is about to delete). */
  throughSeq?: number;
  /** The instant the cadence is judged at (default: now). */
  now?: Date;
  /** The latest checkpoint of this chain in an anchor file (see `readAnchorFile`). */
  anchor?: AnchorEntry;
}

export interface VerifyReport {
  organizationId: string | null;
  ok: boolean;
  /** Events recomputed. */
  checkedEvents: number;
  firstSeq: number | null;
  lastSeq: number | null;
  /** Events up to here were removed by the retention job (with a signed checkpoint). */
  prunedThroughSeq: number | null;
  checkpoints: number;
  /**
   * Events committed but not yet linked into the chain (the sequencer links them right after
   * commit): not verified yet, and no break.
   */
  pending: number;
  firstBrokenSeq: number | null;
  problem: ChainProblem | null;
  detail: string;
}

const BATCH = 2_000;

interface RedactionRow {
  seq: string;
  redaction_event_id: string;
  redacted_hash: string;
}

/**
 * Recomputes a chain from its start (or from the last retention checkpoint) and reports the first
 * broken or missing sequence number. Reads in keyset batches, so memory stays flat on any length.
 * By organization id, for the CLI and retention; requests go through AuditReadService.
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: AuditSigningKeys,
    private readonly config: AppConfig,
    private readonly checkpointService: CheckpointService,
  ) {}

  /**
   * Every chain that has a head, and every organization (whose chain must exist even when someone
   * deleted it), plus the platform chain.
   */
  async chains(): Promise<(string | null)[]> {
    // The organizations module owns `organization`; audit reads its ids directly to avoid a module
    // cycle (organizations records audit events), as retention does.
    const rows: { organization_id: string | null }[] = await this.dataSource.query(
      `SELECT organization_id FROM audit_chain_head
        UNION SELECT id FROM organization
        ORDER BY organization_id NULLS FIRST`,
    );
    return rows.map((r) => r.organization_id);
  }

  async verify(organizationId: string | null, options: VerifyOptions = {}): Promise<VerifyReport> {
    const report: VerifyReport = {
      organizationId,
      ok: true,
      checkedEvents: 0,
      firstSeq: null,
      lastSeq: null,
      prunedThroughSeq: null,
      checkpoints: 0,
      pending: 0,
      firstBrokenSeq: null,
      problem: null,
      detail: 'The chain is intact.',
    };
    const pendingParams: unknown[] = [];
    const [pending]: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM audit_event WHERE ${chainCondition(organizationId, pendingParams)} AND seq IS NULL`,
      pendingParams,
    );
    report.pending = pending.count;
    if (report.pending > 0) {
      report.detail = `The chain is intact; ${report.pending} event(s) committed since are not linked yet.`;
    }
    const fail = (seq: number, problem: ChainProblem, detail: string): VerifyReport =>
      Object.assign(report, { ok: false, firstBrokenSeq: seq, problem, detail });

    const checkpoints = (
      (await this.dataSource.query(
        `SELECT * FROM audit_checkpoint WHERE organization_id IS NOT DISTINCT FROM $1 ORDER BY seq, created_at`,
        [organizationId],
      )) as CheckpointRow[]
    ).map(toCheckpoint);
    report.checkpoints = checkpoints.length;
    for (const c of checkpoints) {
      if (!(await this.keys.verify(c.keyId, checkpointPayload(c), c.signature))) {
        return fail(c.seq, 'checkpoint_signature_invalid', `Checkpoint ${c.id} does not carry a valid signature.`);
      }
    }
    const bySeq = new Map<number, Checkpoint[]>();
    for (const c of checkpoints) bySeq.set(c.seq, [...(bySeq.get(c.seq) ?? []), c]);
    const pruned = checkpoints
      .filter((c) => c.prunedThroughSeq !== null)
      .sort((a, b) => b.prunedThroughSeq! - a.prunedThroughSeq!)[0];

    let expectedSeq = 1;
    let prevHash = GENESIS_HASH;
    if (pruned) {
      expectedSeq = pruned.prunedThroughSeq! + 1;
      prevHash = pruned.prunedThroughHash!;
      report.prunedThroughSeq = pruned.prunedThroughSeq;
      const below: { seq: string }[] = await this.dataSource.query(
        `SELECT seq FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1 AND seq < $2 ORDER BY seq LIMIT 1`,
        [organizationId, expectedSeq],
      );
      if (below[0]) {
        return fail(
          Number(below[0].seq),
          'unexpected_event',
          `Event ${below[0].seq} exists although events up to ${pruned.prunedThroughSeq} were removed by retention.`,
        );
      }
    }

    const redactions = await this.redactionsOf(organizationId);
    /** Redaction records that accepted an event, to be covered by a verified `audit.redacted` event. */
    const relied = new Map<string, { seq: number; redactionEventId: string }>();
    const covered = new Set<string>();

    const through = options.throughSeq ?? Number.MAX_SAFE_INTEGER;
    let firstOccurredAt: Date | undefined;
    let cursor = expectedSeq - 1;
    for (;;) {
      const rows: AuditEventRow[] = await this.dataSource.query(
        `SELECT * FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1 AND seq > $2 AND seq <= $3
          ORDER BY seq LIMIT ${BATCH}`,
        [organizationId, cursor, through],
      );
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) return fail(expectedSeq, 'missing', `Event ${expectedSeq} is missing.`);
        if (row.prev_hash !== prevHash) {
          return fail(seq, 'prev_hash_mismatch', `Event ${seq} does not link to event ${seq - 1}.`);
        }
        const recomputed = chainHash(prevHash, fromLinkedRow(row));
        if (recomputed !== row.hash) {
          // Redacted by an erasure: its content must chain to the hash that erasure recorded.
          const redaction = redactions.bySeq.get(seq)?.find((r) => r.redacted_hash === recomputed);
          if (!redaction) {
            return fail(seq, 'hash_mismatch', `Event ${seq} was altered: its content does not match its hash.`);
          }
          relied.set(redaction.redaction_event_id, { seq, redactionEventId: redaction.redaction_event_id });
        }
        if (row.action === 'audit.redacted') {
          const records = redactions.byEvent.get(row.id) ?? [];
          const details = row.details as { events?: unknown; digest?: unknown };
          const digest = redactionDigest(records.map((r) => ({ seq: Number(r.seq), redactedHash: r.redacted_hash })));
          if (details.events !== records.length || details.digest !== digest) {
            return fail(seq, 'redaction_unrecorded', `The redactions recorded by event ${seq} were changed.`);
          }
          covered.add(row.id);
        }
        if ((bySeq.get(seq) ?? []).some((c) => c.hash !== row.hash)) {
          return fail(seq, 'checkpoint_mismatch', `Event ${seq} differs from the signed checkpoint of that position.`);
        }
        firstOccurredAt ??= new Date(row.occurred_at);
        report.firstSeq ??= seq;
        report.lastSeq = seq;
        report.checkedEvents += 1;
        prevHash = row.hash!;
        expectedSeq += 1;
      }
      if (rows.length < BATCH) break;
      cursor = Number(rows[rows.length - 1].seq);
    }
    // A redaction's `audit.redacted` event follows the events it redacts; a prefix check
    // (retention) may end before it, and the whole chain's check covers it.
    if (options.throughSeq === undefined) {
      for (const { seq, redactionEventId } of relied.values()) {
        if (!covered.has(redactionEventId)) {
          return fail(seq, 'redaction_unrecorded', `Event ${seq} was redacted without a recorded erasure.`);
        }
      }
    }
    if (options.throughSeq !== undefined) {
      return expectedSeq > options.throughSeq
        ? report
        : fail(expectedSeq, 'missing', `Event ${expectedSeq} is missing.`);
    }

    const lastSeen = expectedSeq - 1;
    const heads: { last_seq: string; last_hash: string }[] = await this.dataSource.query(
      `SELECT last_seq, last_hash FROM audit_chain_head WHERE chain = $1`,
      [chainKey(organizationId)],
    );
    const headSeq = heads[0] ? Number(heads[0].last_seq) : 0;
    const checkpointed = Math.max(0, ...checkpoints.map((c) => c.seq));
    if (Math.max(headSeq, checkpointed) > lastSeen) {
      return fail(
        lastSeen + 1,
        'missing',
        `Event ${lastSeen + 1} is missing (the chain was recorded up to ${Math.max(headSeq, checkpointed)}).`,
      );
    }
    if (headSeq < lastSeen) {
      return fail(
        headSeq + 1,
        'unexpected_event',
        `Event ${headSeq + 1} was never recorded through the audit service.`,
      );
    }
    if (heads[0] && lastSeen > 0 && heads[0].last_hash !== prevHash) {
      return fail(lastSeen, 'head_mismatch', `The chain head disagrees with event ${lastSeen}.`);
    }
    if (
      organizationId !== null &&
      lastSeen === 0 &&
      !pruned &&
      report.pending === 0 &&
      (await this.organizationExists(organizationId))
    ) {
      return fail(1, 'chain_missing', 'The organization exists but its audit chain is empty (it was deleted).');
    }
    const problem = await this.checkCheckpoints(organizationId, checkpoints, {
      lastSeen,
      checkpointed,
      firstOccurredAt,
      now: options.now ?? new Date(),
      anchor: options.anchor,
    });
    return problem ? fail(problem.seq, problem.problem, problem.detail) : report;
  }

  /**
   * What the checkpoints themselves must show, beyond matching the events: an unbroken sequence of
   * chained checkpoints, one at least every N events, a recent one, and every checkpoint this
   * process saw committed or the anchor published.
   */
  private async checkCheckpoints(
    organizationId: string | null,
    checkpoints: Checkpoint[],
    facts: { lastSeen: number; checkpointed: number; firstOccurredAt?: Date; now: Date; anchor?: AnchorEntry },
  ): Promise<{ seq: number; problem: ChainProblem; detail: string } | null> {
    const { lastSeen, checkpointed } = facts;
    const chained = checkpoints
      .filter((c) => c.checkpointSeq !== null)
      .sort((a, b) => a.checkpointSeq! - b.checkpointSeq!);
    for (const [i, c] of chained.entries()) {
      const previous = chained[i - 1];
      const after = (previous?.seq ?? 0) + 1;
      if (c.checkpointSeq !== i + 1) {
        return { seq: after, problem: 'checkpoint_missing', detail: `Checkpoint ${i + 1} of this chain is missing.` };
      }
      if (c.prevCheckpointHash !== (previous ? checkpointHash(previous) : null)) {
        return {
          seq: after,
          problem: 'checkpoint_missing',
          detail: `Checkpoint ${c.checkpointSeq} does not link to checkpoint ${i}: one was replaced.`,
        };
      }
    }
    const known: { source: string; k: KnownCheckpoint }[] = [];
    const remembered = await this.checkpointService.knownCheckpoint(organizationId);
    if (remembered) known.push({ source: 'committed', k: remembered });
    if (facts.anchor) known.push({ source: 'anchored', k: facts.anchor });
    for (const { source, k } of known) {
      const match = chained[k.checkpointSeq - 1];
      if (!match) {
        return {
          seq: checkpointed + 1,
          problem: 'checkpoint_missing',
          detail: `Checkpoint ${k.checkpointSeq} was ${source} but is not in the database (the chain has ${chained.length}).`,
        };
      }
      if (checkpointHash(match) !== k.checkpointHash) {
        return {
          seq: match.seq,
          problem: 'anchor_mismatch',
          detail: `Checkpoint ${k.checkpointSeq} differs from the one ${source}.`,
        };
      }
    }
    const every = this.config.audit.checkpointEveryEvents;
    const required = every > 0 ? Math.floor(lastSeen / every) * every : 0;
    if (required > checkpointed) {
      return {
        seq: checkpointed + 1,
        problem: 'checkpoint_missing',
        detail: `Events up to ${required} must be under a signed checkpoint (one every ${every} events); the latest covers ${checkpointed}.`,
      };
    }
    const interval = this.config.audit.checkpointIntervalMs;
    if (interval > 0 && lastSeen > 0) {
      // A chain is checkpointed every interval when it moves and every idle interval when not;
      // one interval more is the scheduler's slack.
      const maxAgeMs = this.config.audit.checkpointIdleIntervalMs + 2 * interval;
      const newest = checkpoints.reduce<Date | undefined>(
        (m, c) => (!m || c.createdAt > m ? c.createdAt : m),
        undefined,
      );
      const since = newest ?? facts.firstOccurredAt;
      if (since && facts.now.getTime() - since.getTime() > maxAgeMs) {
        return {
          seq: checkpointed + 1,
          problem: 'checkpoint_overdue',
          detail: `No checkpoint since ${since.toISOString()}, although one is signed at least every ${Math.ceil(maxAgeMs / 60_000)} min: checkpoints were deleted, or checkpointing stopped.`,
        };
      }
    }
    return null;
  }

  /** The chain's redaction records, by redacted sequence number and by `audit.redacted` event. */
  private async redactionsOf(organizationId: string | null): Promise<{
    bySeq: Map<number, RedactionRow[]>;
    byEvent: Map<string, RedactionRow[]>;
  }> {
    const rows: RedactionRow[] = await this.dataSource.query(
      `SELECT seq, redaction_event_id, redacted_hash FROM audit_redaction WHERE organization_id IS NOT DISTINCT FROM $1`,
      [organizationId],
    );
    const bySeq = new Map<number, RedactionRow[]>();
    const byEvent = new Map<string, RedactionRow[]>();
    for (const r of rows) {
      bySeq.set(Number(r.seq), [...(bySeq.get(Number(r.seq)) ?? []), r]);
      byEvent.set(r.redaction_event_id, [...(byEvent.get(r.redaction_event_id) ?? []), r]);
    }
    return { bySeq, byEvent };
  }

  private async organizationExists(organizationId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource
      .query(`SELECT 1 FROM organization WHERE id = $1`, [organizationId])
      .catch(() => []);
    return rows.length > 0;
  }
}
