import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { AlertService } from './alerts/alert.service.js';
import { AuditAnchor, readAnchorFile, toAnchorEntry } from './anchor.js';
import { chainKey, lockChainOrder } from './audit-chain.js';
import {
  checkpointHash,
  checkpointPayload,
  toCheckpoint,
  type Checkpoint,
  type CheckpointKind,
  type CheckpointRow,
} from './checkpoint-format.js';
import { AuditSigningKeys } from './signing-keys.js';

export {
  checkpointHash,
  checkpointPayload,
  toCheckpoint,
  type Checkpoint,
  type CheckpointKind,
  type CheckpointRow,
} from './checkpoint-format.js';

/** What a chain is known to have reached: the highest checkpoint number signed or anchored, and its hash. */
export interface KnownCheckpoint {
  checkpointSeq: number;
  checkpointHash: string;
}

/** The latest chained checkpoint of a chain, read with `manager`. */
async function latestChained(manager: EntityManager, organizationId: string | null): Promise<Checkpoint | null> {
  const rows: CheckpointRow[] = await manager.query(
    `SELECT * FROM audit_checkpoint WHERE organization_id IS NOT DISTINCT FROM $1 AND checkpoint_seq IS NOT NULL
      ORDER BY checkpoint_seq DESC LIMIT 1`,
    [organizationId],
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

/**
 * Signed, chained checkpoints of the audit chains, in the spirit of CloudTrail digest files: each
 * signs the head of its event chain, its own number and the previous checkpoint's hash, so
 * whoever later rewrites or truncates a chain cannot make it match without the signing key, and
 * cannot delete checkpoints without leaving a gap. Checkpoints are signed on an interval (also for
 * idle chains, so a recent one always exists), every N events, on demand and by retention, and
 * each is published outside PostgreSQL (see AuditAnchor) once committed.
 *
 * Every creator holds the chain's lock (`lockChain`), so checkpoint numbers never race. The service
 * remembers the highest checkpoint it has seen committed per chain (seeded from the anchor file):
 * it refuses to continue a chain whose checkpoints went backwards, rather than sign over the gap.
 */
@Injectable()
export class CheckpointService implements OnModuleInit {
  private readonly logger = new Logger('AuditCheckpoints');
  private readonly known = new Map<string, KnownCheckpoint>();
  private seeded?: Promise<void>;
  private loadingKey?: Promise<unknown>;
  /** Chains already reported as having lost checkpoints (one alert per chain and process). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: AuditSigningKeys,
    private readonly config: AppConfig,
    private readonly anchor: AuditAnchor,
    private readonly transactions: Transactions,
    @Optional() private readonly alerts?: AlertService,
  ) {}

  /**
   * Signs the head of every chain that moved since its last checkpoint, and of every idle chain
   * whose last checkpoint is older than AUDIT_CHECKPOINT_IDLE_INTERVAL_MS (or of one chain, when
   * `organizationId` is given; `null` is the platform chain). `on_demand` signs every chain, and
   * throws for a chain whose checkpoints were deleted (periodic runs log it and go on).
   * Returns the checkpoints made.
   */
  async checkpointAll(
    kind: Extract<CheckpointKind, 'periodic' | 'on_demand'>,
    organizationId?: string | null,
  ): Promise<Checkpoint[]> {
    const params: unknown[] = [];
    let where = '';
    if (organizationId !== undefined) {
      params.push(organizationId);
      where = 'WHERE organization_id IS NOT DISTINCT FROM $1';
    }
    const chains: { organization_id: string | null }[] = await this.dataSource.query(
      `SELECT organization_id FROM audit_chain_head ${where} ORDER BY chain`,
      params,
    );
    const made: Checkpoint[] = [];
    try {
      for (const { organization_id } of chains) {
        const system = RequestContext.system('audit-checkpoint');
        const checkpoint = await this.transactions.run(system, async (_ctx, manager) => {
          await lockChainOrder(manager, organization_id);
          const [head]: { last_seq: string; last_hash: string }[] = await manager.query(
            `SELECT last_seq, last_hash FROM audit_chain_head WHERE chain = $1 FOR UPDATE`,
            [chainKey(organization_id)],
          );
          if (!head) return null;
          const latest = await latestChained(manager, organization_id);
          let chosen: CheckpointKind = kind;
          if (kind === 'periodic' && latest && latest.seq === Number(head.last_seq)) {
            if (Date.now() - latest.createdAt.getTime() < this.config.audit.checkpointIdleIntervalMs) return null;
            chosen = 'heartbeat';
          }
          const next = {
            organizationId: organization_id,
            kind: chosen,
            seq: Number(head.last_seq),
            hash: head.last_hash,
            prunedThroughSeq: null,
            prunedThroughHash: null,
          };
          // An operator asking for a checkpoint hears why none was signed; the scheduler logs it.
          return kind === 'on_demand' ? this.create(manager, next) : this.signNext(manager, next);
        });
        if (checkpoint) made.push(checkpoint);
      }
    } finally {
      // Those signed before a refusal are committed too, and must reach the anchor.
      await this.committed(made);
    }
    if (made.length) this.logger.log(`Signed ${made.length} audit checkpoint(s)`);
    return made;
  }

  /**
   * After events were appended to a chain (head locked by `manager`'s transaction): signs a
   * checkpoint of the new head when the chain passed a multiple of AUDIT_CHECKPOINT_EVERY_EVENTS.
   * Never throws for want of a key or a refused chain (the events still commit; it is logged).
   */
  async afterAppend(
    manager: EntityManager,
    organizationId: string | null,
    firstSeq: number,
    last: { seq: number; hash: string },
  ): Promise<Checkpoint | null> {
    const every = this.config.audit.checkpointEveryEvents;
    if (every <= 0 || Math.floor((firstSeq - 1) / every) === Math.floor(last.seq / every)) return null;
    if (!this.keys.loaded) {
      // The key is loaded (or created) outside the caller's transaction, so a rollback cannot lose
      // it and no second connection is taken while this one holds the chain; the periodic
      // checkpoint covers these events meanwhile.
      this.loadKey();
      return null;
    }
    return this.signNext(manager, {
      organizationId,
      kind: 'events',
      seq: last.seq,
      hash: last.hash,
      prunedThroughSeq: null,
      prunedThroughHash: null,
    });
  }

  /**
   * Signs and stores one checkpoint with `manager`, whose transaction must hold the chain head's
   * lock (see `lockChain`). Call `committed` with it once that transaction commits. Throws
   * when the chain's checkpoints went back behind what this process knows was committed: someone
   * deleted checkpoints, and signing now would hide it.
   */
  async create(
    manager: EntityManager,
    c: Omit<Checkpoint, 'id' | 'signature' | 'keyId' | 'createdAt' | 'checkpointSeq' | 'prevCheckpointHash'>,
  ): Promise<Checkpoint> {
    const made = await this.signNext(manager, c);
    if (!made) throw new Error(`Audit checkpoints of ${c.organizationId ?? 'the platform'} were deleted.`);
    return made;
  }

  /** `create`, answering null instead of throwing when the chain's checkpoints went backwards. */
  private async signNext(
    manager: EntityManager,
    c: Omit<Checkpoint, 'id' | 'signature' | 'keyId' | 'createdAt' | 'checkpointSeq' | 'prevCheckpointHash'>,
  ): Promise<Checkpoint | null> {
    await this.seedFromAnchor();
    const previous = await latestChained(manager, c.organizationId);
    const known = this.known.get(chainKey(c.organizationId));
    if (known && (!previous || previous.checkpointSeq! < known.checkpointSeq)) {
      this.logger.error(
        { organizationId: c.organizationId, found: previous?.checkpointSeq ?? 0, committed: known.checkpointSeq },
        'Audit checkpoints went backwards (deleted?): not signing over the gap',
      );
      this.reportMissing(c.organizationId, previous?.checkpointSeq ?? 0, known.checkpointSeq);
      return null;
    }
    const createdAt = new Date();
    const keyId = await this.keys.activeKeyId(manager);
    const unsigned = {
      ...c,
      createdAt,
      keyId,
      checkpointSeq: (previous?.checkpointSeq ?? 0) + 1,
      prevCheckpointHash: previous ? checkpointHash(previous) : null,
    };
    const { signature } = await this.keys.sign(checkpointPayload(unsigned), manager);
    const rows: CheckpointRow[] = await manager.query(
      `INSERT INTO audit_checkpoint
         (organization_id, kind, seq, hash, pruned_through_seq, pruned_through_hash, created_at, key_id, signature,
          checkpoint_seq, prev_checkpoint_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        c.organizationId,
        c.kind,
        c.seq,
        c.hash,
        c.prunedThroughSeq,
        c.prunedThroughHash,
        createdAt,
        keyId,
        signature,
        unsigned.checkpointSeq,
        unsigned.prevCheckpointHash,
      ],
    );
    return toCheckpoint(rows[0]);
  }

  onModuleInit(): void {
    this.loadKey();
  }

  /** Loads the signing key in the background (when a secrets key is configured). */
  private loadKey(): void {
    if (!this.config.secretsKey || this.loadingKey) return;
    this.loadingKey = this.keys
      .activeKeyId()
      .catch((error: unknown) => this.logger.error({ err: error }, 'The audit signing key could not be loaded'))
      .finally(() => (this.loadingKey = undefined));
  }

  /** Records checkpoints whose transaction committed and publishes them to the anchor. */
  async committed(checkpoints: (Checkpoint | null)[]): Promise<void> {
    const done = checkpoints.filter((c): c is Checkpoint => !!c && c.checkpointSeq !== null);
    for (const c of done)
      this.remember(c.organizationId, { checkpointSeq: c.checkpointSeq!, checkpointHash: checkpointHash(c) });
    if (!done.length || !this.anchor.enabled) return;
    const entries = [];
    for (const c of done) {
      const publicKey = await this.keys.publicKeyPem(c.keyId);
      if (publicKey) entries.push(toAnchorEntry(c, publicKey));
    }
    this.anchor.publish(entries);
  }

  /** The highest checkpoint this process knows was committed for a chain (signed here or anchored). */
  async knownCheckpoint(organizationId: string | null): Promise<KnownCheckpoint | undefined> {
    await this.seedFromAnchor();
    return this.known.get(chainKey(organizationId));
  }

  /** Checkpoints of one chain, oldest first. */
  async list(organizationId: string | null): Promise<Checkpoint[]> {
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT * FROM audit_checkpoint WHERE organization_id IS NOT DISTINCT FROM $1 ORDER BY created_at, seq`,
      [organizationId],
    );
    return rows.map(toCheckpoint);
  }

  /** Raises `audit_checkpoints_missing` once per chain (in the background: a lock may be held). */
  private reportMissing(organizationId: string | null, found: number, committed: number): void {
    const key = chainKey(organizationId);
    if (!this.alerts || this.reported.has(key)) return;
    this.reported.add(key);
    void this.alerts
      .raiseDirect({
        organizationId,
        rule: 'audit_checkpoints_missing',
        severity: 'high',
        summary: `Audit checkpoints of ${organizationId ?? 'the platform'} end at ${found}, but ${committed} was committed: checkpoints were deleted`,
        actorId: null,
        subject: key,
        details: { found, committed },
        eventId: null,
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'Raising the checkpoint alert failed'));
  }

  private remember(organizationId: string | null, k: KnownCheckpoint): void {
    const key = chainKey(organizationId);
    const current = this.known.get(key);
    if (!current || k.checkpointSeq > current.checkpointSeq) this.known.set(key, k);
  }

  /** Loads the anchor file once, so a restarted process still knows how far each chain had got. */
  private seedFromAnchor(): Promise<void> {
    const file = this.config.audit.anchor.file;
    if (!file) return Promise.resolve();
    this.seeded ??= readAnchorFile(file)
      .then(({ latest }) => {
        for (const e of latest.values()) {
          this.remember(e.organizationId, { checkpointSeq: e.checkpointSeq, checkpointHash: e.checkpointHash });
        }
      })
      .catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.logger.error({ err: error, file }, 'The audit anchor file could not be read');
        }
      });
    return this.seeded;
  }
}
