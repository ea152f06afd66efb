import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canonicalJson } from './canonical.js';
import { AuditSigningKeys } from './signing-keys.js';

export type CheckpointKind = 'periodic' | 'on_demand' | 'retention';

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
  };
}

/** The exact bytes a checkpoint signature covers. */
export function checkpointPayload(c: Omit<Checkpoint, 'id' | 'signature'>): string {
  return canonicalJson({
    v: 1,
    organizationId: c.organizationId,
    kind: c.kind,
    seq: c.seq,
    hash: c.hash,
    prunedThroughSeq: c.prunedThroughSeq,
    prunedThroughHash: c.prunedThroughHash,
    createdAt: c.createdAt.toISOString(),
    keyId: c.keyId,
  });
}

/**
 * Signed checkpoints of the audit chains, in the spirit of CloudTrail digest files: whoever later
 * rewrites or truncates a chain cannot make it match a checkpoint without the signing key.
 */
@Injectable()
export class CheckpointService {
  private readonly logger = new Logger('AuditCheckpoints');

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: AuditSigningKeys,
  ) {}

  /**
   * Signs the head of every chain that moved since its last checkpoint (or of one chain, when
   * `organizationId` is given; `null` is the platform chain). Returns the checkpoints made.
   */
  async checkpointAll(
    kind: Exclude<CheckpointKind, 'retention'>,
    organizationId?: string | null,
  ): Promise<Checkpoint[]> {
    const params: unknown[] = [];
    let where = '';
    if (organizationId !== undefined) {
      params.push(organizationId);
      where = 'WHERE h.organization_id IS NOT DISTINCT FROM $1';
    }
    const heads: {
      organization_id: string | null;
      last_seq: string;
      last_hash: string;
      checkpointed: string | null;
    }[] = await this.dataSource.query(
      `SELECT h.organization_id, h.last_seq, h.last_hash,
                (SELECT max(c.seq) FROM audit_checkpoint c
                  WHERE c.organization_id IS NOT DISTINCT FROM h.organization_id) AS checkpointed
           FROM audit_chain_head h ${where}`,
      params,
    );
    const made: Checkpoint[] = [];
    for (const head of heads) {
      if (kind === 'periodic' && head.checkpointed !== null && head.checkpointed === head.last_seq) continue;
      made.push(
        await this.create(this.dataSource.manager, {
          organizationId: head.organization_id,
          kind,
          seq: Number(head.last_seq),
          hash: head.last_hash,
          prunedThroughSeq: null,
          prunedThroughHash: null,
        }),
      );
    }
    if (made.length) this.logger.log(`Signed ${made.length} audit checkpoint(s)`);
    return made;
  }

  /** Signs and stores one checkpoint with `manager` (inside the retention transaction, say). */
  async create(
    manager: EntityManager,
    c: Omit<Checkpoint, 'id' | 'signature' | 'keyId' | 'createdAt'>,
  ): Promise<Checkpoint> {
    const createdAt = new Date();
    const keyId = await this.keys.activeKeyId(manager);
    const unsigned = { ...c, createdAt, keyId };
    const { signature } = await this.keys.sign(checkpointPayload(unsigned), manager);
    const rows: CheckpointRow[] = await manager.query(
      `INSERT INTO audit_checkpoint
         (organization_id, kind, seq, hash, pruned_through_seq, pruned_through_hash, created_at, key_id, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
      [c.organizationId, c.kind, c.seq, c.hash, c.prunedThroughSeq, c.prunedThroughHash, createdAt, keyId, signature],
    );
    return toCheckpoint(rows[0]);
  }

  /** Checkpoints of one chain, oldest first. */
  async list(organizationId: string | null): Promise<Checkpoint[]> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT * FROM audit_checkpoint WHERE organization_id IS NOT DISTINCT FROM $1 ORDER BY created_at, seq`,
      [organizationId],
    );
    return rows.map(toCheckpoint);
  }
}
