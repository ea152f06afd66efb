import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '#libs/common';
import { chainKey, fromLinkedRow, type AuditEventRow } from './audit-chain.js';
import { AuditSequencer } from './audit-sequencer.js';
import { AuditService } from './audit.service.js';
import { chainHash } from './canonical.js';

/** Who is erased: the account id (the pseudonym that stays) and what identified the person. */
export interface ErasedPerson {
  userId: string;
  email: string;
  displayName: string;
}

/** What erasure removed from the audit trail's storage. */
export interface AuditErasureResult {
  /** Actor labels (the person's, and their API keys') removed from `audit_actor`. */
  labels: number;
  /** Events whose personal values were removed from `audit_event_personal`. */
  personalValues: number;
  /** Events written before labels moved out of hashed content, redacted in place. */
  redactedEvents: number;
}

/** A redaction record: the event, and the hash its redacted content chains to. */
export interface RedactionRecord {
  seq: number;
  redactedHash: string;
}

/** What replaces an erased value inside an old event. */
export const ERASED = '[erased]';

/**
 * The digest an `audit.redacted` event carries over the redaction records it covers, so that
 * verification can tell a recorded redaction from an edit.
 */
export function redactionDigest(records: RedactionRecord[]): string {
  const lines = [...records].sort((a, b) => a.seq - b.seq).map((r) => `${r.seq}:${r.redactedHash}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/**
 * Erases a person from the audit trail's storage while every chain stays verifiable: their label
 * and their API keys' labels (`audit_actor`, kept as erased so a late event cannot write them
 * back), the personal values of events about them or naming their email (`audit_event_personal`),
 * alert summaries naming them, and, for events written before personal data moved out of hashed
 * content, an in-place redaction recorded under an `audit.redacted` event in the same chain.
 * Runs in the caller's transaction (`ctx.manager`).
 */
@Injectable()
export class AuditErasure {
  constructor(
    private readonly audit: AuditService,
    private readonly sequencer: AuditSequencer,
  ) {}

  /**
   * Writes the events still buffered in this process and links every committed event, so erasure
   * sees every label they carry (it redacts linked events; see `redactOldEvents`).
   */
  async settle(): Promise<void> {
    await this.audit.flush();
    await this.sequencer.sweep();
  }

  async erase(ctx: RequestContext, person: ErasedPerson): Promise<AuditErasureResult> {
    const manager = ctx.manager;
    if (!manager?.queryRunner?.isTransactionActive) throw new Error('Audit erasure runs inside a transaction.');
    const userId = person.userId.toLowerCase();
    const labelled = (await manager.query(
      `SELECT label FROM audit_actor WHERE (actor_id = $1::text OR user_id = $1::uuid) AND label IS NOT NULL`,
      [userId],
    )) as { label: string }[];
    await manager.query(
      `INSERT INTO audit_actor (actor_id, actor_type, user_id, label, erased_at) VALUES ($1::text, 'user', $1::uuid, NULL, now())
       ON CONFLICT (actor_id) DO UPDATE SET label = NULL, erased_at = coalesce(audit_actor.erased_at, now())`,
      [userId],
    );
    await manager.query(
      `UPDATE audit_actor SET label = NULL, erased_at = coalesce(erased_at, now()), updated_at = now() WHERE user_id = $1`,
      [userId],
    );

    const [, deletedAbout] = (await manager.query(`DELETE FROM audit_event_personal WHERE user_id = $1`, [userId])) as [
      unknown,
      number,
    ];
    // Elsewhere (e.g. a failed login typed with their email, about no account), only the values
    // naming them go; a row left with none goes too.
    const [, trimmed] = (await manager.query(
      `UPDATE audit_event_personal SET data = (
          SELECT coalesce(jsonb_agg(v), '[]'::jsonb) FROM jsonb_array_elements(data) v
           WHERE NOT (jsonb_typeof(v->'value') = 'string' AND strpos(lower(v->>'value'), lower($1)) > 0))
        WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(data) v
                       WHERE jsonb_typeof(v->'value') = 'string' AND strpos(lower(v->>'value'), lower($1)) > 0)`,
      [person.email],
    )) as [unknown, number];
    await manager.query(`DELETE FROM audit_event_personal WHERE data = '[]'::jsonb`);

    const labels = [...new Set([person.email, ...labelled.map((l) => l.label)])].filter((l) => l.length > 0);
    for (const label of labels) {
      await manager.query(`UPDATE alert SET summary = replace(summary, $1, $2) WHERE strpos(summary, $1) > 0`, [
        label,
        userId,
      ]);
    }

    const redactedEvents = await this.redactOldEvents(ctx, manager, person, userId);
    return { labels: labelled.length, personalValues: deletedAbout + trimmed, redactedEvents };
  }

  /**
   * Events written before this release carry labels and emails inside their hashed content. Each
   * one naming the person is redacted in place (label and matching values replaced), and the hash
   * its redacted content chains to is recorded; one `audit.redacted` event per chain, appended to
   * that chain, carries the count and digest of those records under its own hash.
   */
  private async redactOldEvents(
    ctx: RequestContext,
    manager: EntityManager,
    person: ErasedPerson,
    userId: string,
  ): Promise<number> {
    const rows = (await manager.query(
      // Linked events (`settle` links what was committed before): only those have a hash to redact against.
      `SELECT * FROM audit_event
        WHERE seq IS NOT NULL AND ((actor_label IS NOT NULL AND actor_type IN ('user', 'api_key')
               AND (lower(actor_label) = lower($2) OR actor_id = $1 OR actor_user_id = $1))
           OR strpos(lower(details::text), lower($2)) > 0
           OR ((actor_user_id = $1 OR resource_id = $1) AND strpos(details::text, to_jsonb($3::text)::text) > 0))
        ORDER BY organization_id NULLS FIRST, seq`,
      [userId, person.email, person.displayName],
    )) as AuditEventRow[];
    if (rows.length === 0) return 0;
    const byChain = new Map<string, { organizationId: string | null; rows: AuditEventRow[] }>();
    for (const row of rows) {
      const key = chainKey(row.organization_id);
      const entry = byChain.get(key) ?? { organizationId: row.organization_id, rows: [] };
      entry.rows.push(row);
      byChain.set(key, entry);
    }
    await manager.query(`SELECT set_config('fusiongate.audit_redaction', 'on', true)`);
    try {
      for (const { organizationId, rows: chainRows } of byChain.values()) {
        const redacted = chainRows.map((row) => {
          const aboutThem = row.actor_user_id === userId || row.resource_id === userId || row.actor_id === userId;
          const label = row.actor_label !== null && isTheirLabel(row, person, userId) ? null : row.actor_label;
          const details = redactValues(row.details, person, aboutThem) as Record<string, unknown>;
          const content = { ...fromLinkedRow(row), actorLabel: label, details };
          return {
            row,
            label,
            details,
            record: { seq: Number(row.seq), redactedHash: chainHash(row.prev_hash!, content) },
          };
        });
        const records = redacted.map((r) => r.record);
        const event = await this.audit.record(ctx.withManager(manager), {
          action: 'audit.redacted',
          organizationId,
          resourceType: 'user',
          resourceId: userId,
          details: { reason: 'erasure', events: records.length, digest: redactionDigest(records) },
        });
        for (const { row, label, details, record } of redacted) {
          await manager.query(`UPDATE audit_event SET actor_label = $2, details = $3 WHERE id = $1`, [
            row.id,
            label,
            JSON.stringify(details),
          ]);
          await manager.query(
            `INSERT INTO audit_redaction (event_id, redaction_event_id, organization_id, seq, redacted_hash)
             VALUES ($1, $2, $3, $4, $5)`,
            [row.id, event.id, organizationId, record.seq, record.redactedHash],
          );
        }
      }
    } finally {
      await manager.query(`SELECT set_config('fusiongate.audit_redaction', 'off', true)`);
    }
    return rows.length;
  }
}

function isTheirLabel(row: AuditEventRow, person: ErasedPerson, userId: string): boolean {
  if (row.actor_type !== 'user' && row.actor_type !== 'api_key') return false;
  return (
    row.actor_id === userId ||
    row.actor_user_id === userId ||
    row.actor_label!.toLowerCase() === person.email.toLowerCase()
  );
}

/**
 * Replaces the person's email wherever it appears in a string (any case), and their display name
 * where the event is by or about them (a name alone identifies no one elsewhere).
 */
function redactValues(value: unknown, person: ErasedPerson, aboutThem: boolean): unknown {
  if (typeof value === 'string') {
    let out = replaceInsensitive(value, person.email);
    if (aboutThem && person.displayName && out === person.displayName) out = ERASED;
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redactValues(v, person, aboutThem));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactValues(v, person, aboutThem)]),
    );
  }
  return value;
}

function replaceInsensitive(text: string, needle: string): string {
  if (!needle) return text;
  const lower = text.toLowerCase();
  const target = needle.toLowerCase();
  let out = '';
  let from = 0;
  for (let at = lower.indexOf(target); at >= 0; at = lower.indexOf(target, from)) {
    out += text.slice(from, at) + ERASED;
    from = at + needle.length;
  }
  return out + text.slice(from);
}
