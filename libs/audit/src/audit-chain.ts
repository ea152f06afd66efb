import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { chainHash, GENESIS_HASH, type ChainedContent } from './canonical.js';
import { writePersonalData, type PersonalData } from './personal-data.js';

/**
 * An event ready to be chained: everything but its sequence number and hashes, and the personal
 * data that is stored beside it (never hashed).
 */
export type PreparedEvent = Omit<ChainedContent, 'seq'> & { personal?: PersonalData };

export interface StoredEvent extends ChainedContent {
  id: string;
  prevHash: string;
  hash: string;
  /** Written beside the event (label, emails): present on events just written, for alert rules. */
  personal?: PersonalData;
}

/** A row of `audit_event` as the driver returns it (`seq` is a bigint, so a string). */
export interface AuditEventRow {
  id: string;
  organization_id: string | null;
  seq: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string;
  actor_user_id: string | null;
  actor_label: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** The event a stored row holds: the inverse of what {@link appendToChain} inserts. */
export function fromEventRow(row: AuditEventRow): StoredEvent {
  return {
    id: row.id,
    organizationId: row.organization_id,
    seq: Number(row.seq),
    occurredAt: new Date(row.occurred_at),
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorUserId: row.actor_user_id,
    actorLabel: row.actor_label,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The chain of an organization is keyed by its id; platform events (no organization) share one. */
export const chainKey = (organizationId: string | null): string => organizationId ?? 'platform';

const COLUMNS = [
  'id',
  'organization_id',
  'seq',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_user_id',
  'actor_label',
  'action',
  'resource_type',
  'resource_id',
  'outcome',
  'ip',
  'user_agent',
  'request_id',
  'details',
  'prev_hash',
  'hash',
];
// PostgreSQL accepts at most 65535 parameters per statement.
const ROWS_PER_INSERT = Math.floor(60_000 / COLUMNS.length);

/**
 * Locks the head of a chain for the rest of the transaction and returns it. The upsert takes the
 * row lock in one round trip (creating the head on a chain's first event), so writers of the
 * same organization queue here and never fork the chain; other organizations are not blocked.
 */
export async function lockChainHead(
  manager: EntityManager,
  organizationId: string | null,
): Promise<{ lastSeq: number; lastHash: string }> {
  const rows: { last_seq: string; last_hash: string }[] = await manager.query(
    `INSERT INTO audit_chain_head (chain, organization_id, last_seq, last_hash) VALUES ($1, $2, 0, $3)
     ON CONFLICT (chain) DO UPDATE SET last_seq = audit_chain_head.last_seq
     RETURNING last_seq, last_hash`,
    [chainKey(organizationId), organizationId, GENESIS_HASH],
  );
  return { lastSeq: Number(rows[0].last_seq), lastHash: rows[0].last_hash };
}

/**
 * Appends events of one chain inside the caller's transaction: locks the head, numbers and hashes
 * each event after the previous one, inserts them and moves the head.
 */
export async function appendToChain(
  manager: EntityManager,
  organizationId: string | null,
  events: PreparedEvent[],
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const head = await lockChainHead(manager, organizationId);
  let prevHash = head.lastHash;
  let seq = head.lastSeq;
  const stored: StoredEvent[] = events.map((event) => {
    seq += 1;
    const content: ChainedContent = { ...event, organizationId, seq };
    const hash = chainHash(prevHash, content);
    const row: StoredEvent = { ...content, id: randomUUID(), prevHash, hash };
    prevHash = hash;
    return row;
  });

  for (let start = 0; start < stored.length; start += ROWS_PER_INSERT) {
    const chunk = stored.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = chunk.map((e) => {
      const base = params.length;
      params.push(
        e.id,
        e.organizationId,
        e.seq,
        e.occurredAt,
        e.actorType,
        e.actorId,
        e.actorUserId,
        e.actorLabel,
        e.action,
        e.resourceType,
        e.resourceId,
        e.outcome,
        e.ip,
        e.userAgent,
        e.requestId,
        JSON.stringify(e.details),
        e.prevHash,
        e.hash,
      );
      return `(${COLUMNS.map((_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await manager.query(`INSERT INTO audit_event (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
  await writePersonalData(manager, stored);
  const last = stored[stored.length - 1];
  await manager.query(
    `UPDATE audit_chain_head SET last_seq = $2, last_hash = $3, updated_at = now() WHERE chain = $1`,
    [chainKey(organizationId), last.seq, last.hash],
  );
  return stored;
}
