import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { chainHash, GENESIS_HASH, type ChainedContent } from './canonical.js';
import { writePersonalData, type PersonalData } from './personal-data.js';

/**
 * An event ready to be written: everything but its place in the chain (sequence number and
 * hashes, given by the sequencer once it commits), and the personal data stored beside it.
 */
export type PreparedEvent = Omit<ChainedContent, 'seq'> & { personal?: PersonalData };

/** An event as written by its transaction: not yet linked into its chain (`seq` and `hash` null). */
export interface WrittenEvent extends Omit<ChainedContent, 'seq'> {
  id: string;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
  /** Written beside the event (label, emails): present on events just written, for alert rules. */
  personal?: PersonalData;
}

/** A linked event: its place in the chain and the hashes that bind it there. */
export interface StoredEvent extends ChainedContent {
  id: string;
  prevHash: string;
  hash: string;
  personal?: PersonalData;
}

/**
 * The columns of `audit_event`, once: the one definition every writer and reader of the table
 * uses (insert, row mapping, export). `pos` (the monotonic position) is given by the database.
 */
export const EVENT_COLUMNS = {
  id: 'id',
  organization_id: 'organizationId',
  seq: 'seq',
  occurred_at: 'occurredAt',
  actor_type: 'actorType',
  actor_id: 'actorId',
  actor_user_id: 'actorUserId',
  actor_label: 'actorLabel',
  action: 'action',
  resource_type: 'resourceType',
  resource_id: 'resourceId',
  outcome: 'outcome',
  ip: 'ip',
  user_agent: 'userAgent',
  request_id: 'requestId',
  details: 'details',
  prev_hash: 'prevHash',
  hash: 'hash',
} as const satisfies Record<string, keyof WrittenEvent>;

export type EventColumn = keyof typeof EVENT_COLUMNS;
const COLUMN_NAMES = Object.keys(EVENT_COLUMNS) as EventColumn[];

/** A row of `audit_event` as the driver returns it (`seq` and `pos` are bigints, so strings). */
export type AuditEventRow = {
  id: string;
  pos: string;
  organization_id: string | null;
  seq: string | null;
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
  prev_hash: string | null;
  hash: string | null;
} & Record<EventColumn, unknown>;

/** The event a stored row holds: the inverse of what {@link insertEvents} writes. */
export function fromEventRow(row: AuditEventRow): WrittenEvent {
  const event = {} as Record<string, unknown>;
  for (const column of COLUMN_NAMES) event[EVENT_COLUMNS[column]] = row[column];
  return {
    ...(event as unknown as WrittenEvent),
    seq: row.seq === null ? null : Number(row.seq),
    occurredAt: new Date(row.occurred_at),
  };
}

/** The event of a linked row (the verifier and the sequencer recompute hashes from these). */
export function fromLinkedRow(row: AuditEventRow): StoredEvent {
  return fromEventRow(row) as StoredEvent;
}

/** The chain of an organization is keyed by its id; platform events (no organization) share one. */
export const chainKey = (organizationId: string | null): string => organizationId ?? 'platform';

/** `organization_id` of one chain, as SQL that can use the indexes (`= $n` or `IS NULL`). */
export function chainCondition(organizationId: string | null, params: unknown[], alias = ''): string {
  const column = `${alias ? `${alias}.` : ''}organization_id`;
  if (organizationId === null) return `${column} IS NULL`;
  params.push(organizationId);
  return `${column} = $${params.length}`;
}

// PostgreSQL accepts at most 65535 parameters per statement.
const ROWS_PER_INSERT = Math.floor(60_000 / COLUMN_NAMES.length);

/**
 * Inserts events into `table` (default `audit_event`) with every column of {@link EVENT_COLUMNS};
 * `details` is written as JSON.
 */
export async function insertEventRows(
  manager: EntityManager,
  events: WrittenEvent[],
  table = 'audit_event',
): Promise<void> {
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const chunk = events.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = chunk.map((e) => {
      const base = params.length;
      for (const column of COLUMN_NAMES) {
        const value = e[EVENT_COLUMNS[column]];
        params.push(column === 'details' ? JSON.stringify(value) : value);
      }
      return `(${COLUMN_NAMES.map((_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await manager.query(`INSERT INTO ${table} (${COLUMN_NAMES.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/**
 * Writes events of any chains in the caller's transaction, unlinked: they commit or roll back
 * with the change they describe, and take no lock another writer waits on. The sequencer links
 * them into their chains once committed.
 */
export async function insertEvents(manager: EntityManager, events: PreparedEvent[]): Promise<WrittenEvent[]> {
  if (events.length === 0) return [];
  const written: WrittenEvent[] = events.map((event) => ({
    ...event,
    id: randomUUID(),
    seq: null,
    prevHash: null,
    hash: null,
  }));
  await insertEventRows(manager, written);
  await writePersonalData(manager, written);
  return written;
}

/**
 * Takes a chain for the rest of the transaction and returns its head: first the chain's advisory
 * lock (so one process at a time links a chain, whichever instance it runs in), then the head
 * row (created on a chain's first event). Every writer of a chain's order (the sequencer,
 * checkpoints, retention) takes both, in this order, so they never deadlock or fork the chain.
 * `relaxedCommit` lets the transaction commit without waiting for its WAL flush: for linking only,
 * which a crash can undo without harm (the events stay committed, unlinked, and are linked again).
 */
export async function lockChain(
  manager: EntityManager,
  organizationId: string | null,
  options: { relaxedCommit?: boolean } = {},
): Promise<{ lastSeq: number; lastHash: string }> {
  // One round trip: the advisory lock is taken before the head row is read (the upsert returns
  // the latest committed head, whatever the statement's snapshot).
  const relaxed = options.relaxedCommit ? `, set_config('synchronous_commit', 'off', true)` : '';
  const rows: { last_seq: string; last_hash: string }[] = await manager.query(
    `WITH locked AS (SELECT pg_advisory_xact_lock(hashtextextended($4, 0))${relaxed})
     INSERT INTO audit_chain_head (chain, organization_id, last_seq, last_hash)
     SELECT $1, $2::uuid, 0, $3 FROM locked
     ON CONFLICT (chain) DO UPDATE SET last_seq = audit_chain_head.last_seq
     RETURNING last_seq, last_hash`,
    [chainKey(organizationId), organizationId, GENESIS_HASH, chainLockKey(organizationId)],
  );
  return { lastSeq: Number(rows[0].last_seq), lastHash: rows[0].last_hash };
}

const chainLockKey = (organizationId: string | null): string => `audit_chain:${chainKey(organizationId)}`;

/** The chain's advisory lock, held until the transaction ends: taken first by every writer of its order. */
export async function lockChainOrder(manager: EntityManager, organizationId: string | null): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [chainLockKey(organizationId)]);
}

/** Unlinked events taken per statement by {@link linkPending}. */
const LINK_BATCH = 2_000;

/**
 * Links every committed, unlinked event of a chain into it, in position order: numbers each after
 * the head, hashes it over the previous hash, and moves the head. Runs in the caller's
 * transaction, which must hold {@link lockChain}. Returns the events linked (oldest first).
 */
export async function linkPending(
  manager: EntityManager,
  organizationId: string | null,
  head: { lastSeq: number; lastHash: string },
): Promise<StoredEvent[]> {
  const linked: StoredEvent[] = [];
  let { lastSeq: seq, lastHash: prevHash } = head;
  for (;;) {
    const params: unknown[] = [];
    const where = chainCondition(organizationId, params);
    const rows: AuditEventRow[] = await manager.query(
      `SELECT * FROM audit_event WHERE ${where} AND seq IS NULL ORDER BY pos LIMIT ${LINK_BATCH}`,
      params,
    );
    if (rows.length === 0) break;
    const batch = rows.map((row) => {
      seq += 1;
      const content = { ...fromEventRow(row), organizationId, seq };
      const hash = chainHash(prevHash, content);
      const event: StoredEvent = { ...content, prevHash, hash };
      prevHash = hash;
      return event;
    });
    // The events and the head move in one statement; only unlinked events are ever linked.
    const [moved]: { count: number }[] = await manager.query(
      `WITH linked AS (
         UPDATE audit_event e SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash
           FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS l(id, seq, prev_hash, hash)
          WHERE e.id = l.id AND e.seq IS NULL
          RETURNING 1),
       head AS (
         UPDATE audit_chain_head SET last_seq = $6, last_hash = $7, updated_at = now() WHERE chain = $5)
       SELECT count(*)::int AS count FROM linked`,
      [
        batch.map((e) => e.id),
        batch.map((e) => e.seq),
        batch.map((e) => e.prevHash),
        batch.map((e) => e.hash),
        chainKey(organizationId),
        seq,
        prevHash,
      ],
    );
    if (moved.count !== batch.length) {
      throw new Error(`Audit chain ${chainKey(organizationId)}: events were linked by someone else meanwhile.`);
    }
    linked.push(...batch);
    if (rows.length < LINK_BATCH) break;
  }
  return linked;
}

/**
 * Writes events of one chain and links them at once, in the caller's transaction (which takes the
 * chain's lock until it ends): for work that already owns the chain, such as retention.
 */
export async function appendToChain(
  manager: EntityManager,
  organizationId: string | null,
  events: PreparedEvent[],
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const head = await lockChain(manager, organizationId);
  const written = await insertEvents(
    manager,
    events.map((e) => ({ ...e, organizationId })),
  );
  const ids = new Set(written.map((e) => e.id));
  return (await linkPending(manager, organizationId, head)).filter((e) => ids.has(e.id));
}
