import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical.js';

/**
 * Why a checkpoint was signed: on the interval (`periodic`), because the chain passed a multiple
 * of AUDIT_CHECKPOINT_EVERY_EVENTS (`events`), to keep an idle chain's checkpoints recent
 * (`heartbeat`), by an operator (`on_demand`), or by the retention job (`retention`).
 */
export type CheckpointKind = 'periodic' | 'on_demand' | 'retention' | 'events' | 'heartbeat';

/** A signed statement: "chain X had `seq` events ending in `hash` at `createdAt`". */
export interface Checkpoint {
  id: string;
  organizationId: string | null;
  kind: CheckpointKind;
  seq: number;
  hash: string;
  /** Retention checkpoints: events up to this sequence number were deleted on purpose... */
  prunedThroughSeq: number | null;
  /** ...and this was the hash of the last one deleted, which the next event links to. */
  prunedThroughHash: string | null;
  createdAt: Date;
  keyId: string;
  signature: string;
  /** Number of this checkpoint in its chain's checkpoint sequence (1, 2, …); null before chaining. */
  checkpointSeq: number | null;
  /** `checkpointHash` of checkpoint `checkpointSeq - 1` (null for the first). */
  prevCheckpointHash: string | null;
}

export interface CheckpointRow {
  id: string;
  organization_id: string | null;
  kind: CheckpointKind;
  seq: string;
  hash: string;
  pruned_through_seq: string | null;
  pruned_through_hash: string | null;
  created_at: Date;
  key_id: string;
  signature: string;
  checkpoint_seq: string | null;
  prev_checkpoint_hash: string | null;
}

export function toCheckpoint(r: CheckpointRow): Checkpoint {
  return {
    id: r.id,
    organizationId: r.organization_id,
    kind: r.kind,
    seq: Number(r.seq),
    hash: r.hash,
    prunedThroughSeq: r.pruned_through_seq === null ? null : Number(r.pruned_through_seq),
    prunedThroughHash: r.pruned_through_hash,
    createdAt: new Date(r.created_at),
    keyId: r.key_id,
    signature: r.signature,
    checkpointSeq: r.checkpoint_seq === null || r.checkpoint_seq === undefined ? null : Number(r.checkpoint_seq),
    prevCheckpointHash: r.prev_checkpoint_hash ?? null,
  };
}

/**
 * The exact bytes a checkpoint signature covers. Chained checkpoints (v2) sign their number and
 * the previous checkpoint's hash as well; checkpoints from before chaining keep their v1 form.
 */
export function checkpointPayload(c: Omit<Checkpoint, 'id' | 'signature'>): string {
  const v1 = {
    organizationId: c.organizationId,
    kind: c.kind,
    seq: c.seq,
    hash: c.hash,
    prunedThroughSeq: c.prunedThroughSeq,
    prunedThroughHash: c.prunedThroughHash,
    createdAt: c.createdAt.toISOString(),
    keyId: c.keyId,
  };
  if (c.checkpointSeq === null) return canonicalJson({ v: 1, ...v1 });
  return canonicalJson({ v: 2, ...v1, checkpointSeq: c.checkpointSeq, prevCheckpointHash: c.prevCheckpointHash });
}

/** The hash by which the next checkpoint names this one: SHA-256 of its signed payload and signature. */
export function checkpointHash(c: Omit<Checkpoint, 'id'>): string {
  return createHash('sha256').update(checkpointPayload(c)).update('\n').update(c.signature).digest('hex');
}
