import { createPublicKey, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { chainKey } from './audit-chain.js';
import { checkpointHash, checkpointPayload, type Checkpoint, type CheckpointKind } from './checkpoint-format.js';
import { postSignedWebhook } from './signed-webhook.js';

/**
 * One published checkpoint, as a line of the anchor file (JSONL) or the body of an anchor webhook.
 * It carries its signature and the public key, so it can be checked without the database.
 */
export interface AnchorEntry {
  type: 'fusiongate.audit.checkpoint';
  organizationId: string | null;
  checkpointSeq: number;
  prevCheckpointHash: string | null;
  checkpointHash: string;
  kind: CheckpointKind;
  seq: number;
  hash: string;
  prunedThroughSeq: number | null;
  prunedThroughHash: string | null;
  createdAt: string;
  keyId: string;
  signature: string;
  publicKey: string;
}

/** The anchor line of a checkpoint (chained checkpoints only: they have a number). */
export function toAnchorEntry(c: Checkpoint, publicKey: string): AnchorEntry {
  return {
    type: 'fusiongate.audit.checkpoint',
    organizationId: c.organizationId,
    checkpointSeq: c.checkpointSeq!,
    prevCheckpointHash: c.prevCheckpointHash,
    checkpointHash: checkpointHash(c),
    kind: c.kind,
    seq: c.seq,
    hash: c.hash,
    prunedThroughSeq: c.prunedThroughSeq,
    prunedThroughHash: c.prunedThroughHash,
    createdAt: c.createdAt.toISOString(),
    keyId: c.keyId,
    signature: c.signature,
    publicKey,
  };
}

/** The checkpoint an anchor entry states. */
export function fromAnchorEntry(e: AnchorEntry): Checkpoint {
  return {
    id: '',
    organizationId: e.organizationId,
    kind: e.kind,
    seq: e.seq,
    hash: e.hash,
    prunedThroughSeq: e.prunedThroughSeq,
    prunedThroughHash: e.prunedThroughHash,
    createdAt: new Date(e.createdAt),
    keyId: e.keyId,
    signature: e.signature,
    checkpointSeq: e.checkpointSeq,
    prevCheckpointHash: e.prevCheckpointHash,
  };
}

/** Whether an entry is internally sound: signed by the key it names, and hashed as it says. */
export function anchorEntryValid(e: AnchorEntry): boolean {
  try {
    const c = fromAnchorEntry(e);
    return (
      verify(
        null,
        Buffer.from(checkpointPayload(c)),
        createPublicKey(e.publicKey),
        Buffer.from(e.signature, 'base64'),
      ) && checkpointHash(c) === e.checkpointHash
    );
  } catch {
    return false;
  }
}

/**
 * Reads an anchor file and keeps, per chain (`chainKey`), the entry with the highest checkpoint
 * number. Lines that do not parse or whose signature does not verify are counted, not trusted.
 */
export async function readAnchorFile(path: string): Promise<{ latest: Map<string, AnchorEntry>; invalid: number }> {
  const latest = new Map<string, AnchorEntry>();
  let invalid = 0;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let entry: AnchorEntry;
    try {
      entry = JSON.parse(line) as AnchorEntry;
    } catch {
      invalid += 1;
      continue;
    }
    if (
      entry?.type !== 'fusiongate.audit.checkpoint' ||
      !Number.isInteger(entry.checkpointSeq) ||
      !anchorEntryValid(entry)
    ) {
      invalid += 1;
      continue;
    }
    const key = chainKey(entry.organizationId);
    const known = latest.get(key);
    if (!known || entry.checkpointSeq > known.checkpointSeq) latest.set(key, entry);
  }
  return { latest, invalid };
}

/**
 * Publishes each signed checkpoint outside PostgreSQL (AUDIT_ANCHOR_FILE, an append-only JSONL file,
 * and/or AUDIT_ANCHOR_WEBHOOK_URL), so someone who controls the database cannot make the
 * checkpoints disappear without a trace: `audit:verify --anchor <file>` compares the two.
 */
@Injectable()
export class AuditAnchor implements OnApplicationShutdown {
  private readonly logger = new Logger('AuditAnchor');
  /** File appends, one after another, so lines never interleave. */
  private writing: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    const { file, webhookUrl } = this.config.audit.anchor;
    return !!(file || webhookUrl);
  }

  /** Publishes entries in the background; failures are logged (the database copy stays authoritative). */
  publish(entries: AnchorEntry[]): void {
    if (!entries.length || !this.enabled) return;
    const { file, webhookUrl } = this.config.audit.anchor;
    if (file) {
      const lines = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
      this.track(
        (this.writing = this.writing
          .then(() => appendFile(file, lines, { flag: 'a', mode: 0o600 }))
          .catch((error: unknown) =>
            this.logger.error({ err: error, file }, 'Writing audit checkpoints to the anchor file failed'),
          )),
      );
    }
    if (webhookUrl) {
      for (const entry of entries) {
        this.track(
          postSignedWebhook(webhookUrl, entry, this.config.audit.anchor.webhookSecret).catch((error: unknown) =>
            this.logger.error({ err: error }, 'Anchor webhook delivery failed'),
          ),
        );
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.idle();
  }

  /** Resolves when every publication started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
