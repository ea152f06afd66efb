import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from '#libs/common';
import { EVENT_COLUMNS, type AuditEventRow, type EventColumn } from './audit-chain.js';
import type { AuditEventRecord, AuditOutcome } from './audit.types.js';
import { mergePersonal, type PersonalValue } from './personal-data.js';

/** Filters of the audit list and export. All optional; combined with AND. */
export interface AuditFilter {
  actorId?: string;
  /** Exact action, or a prefix ending in `.*` (e.g. `model.*`). */
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
}

/** A stored event with its personal data joined (absent once erased). */
export interface AuditEventReadRow extends AuditEventRow {
  joined_label?: string | null;
  personal_data?: PersonalValue[] | null;
}

/**
 * Selects events (alias `e`) with their personal data: the actor's label from `audit_actor` and
 * the personal values of details from `audit_event_personal`. Both are outside the hashed
 * content; erasure deletes them, after which the event shows the pseudonymous actor id only.
 */
export const EVENT_WITH_PERSONAL_SQL = `SELECT e.*, a.label AS joined_label, p.data AS personal_data
   FROM audit_event e
   LEFT JOIN audit_actor a ON a.actor_id = e.actor_id AND e.actor_label IS NULL AND e.actor_type IN ('user', 'api_key')
   LEFT JOIN audit_event_personal p ON p.event_id = e.id`;

/** The API and export shape of a stored event: hashed content with its personal data put back. */
export function toAuditRecord(r: AuditEventReadRow): AuditEventRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    seq: r.seq === null ? null : Number(r.seq),
    occurredAt: new Date(r.occurred_at),
    actor: {
      type: r.actor_type,
      id: r.actor_id,
      userId: r.actor_user_id,
      label: r.actor_label ?? r.joined_label ?? null,
    },
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    outcome: r.outcome as AuditOutcome,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    details: mergePersonal(r.details, r.personal_data),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export type ExportFormat = 'jsonl' | 'csv';

/** The export's columns: those of `audit_event` but its id and organization, in table order. */
type CsvColumn = Exclude<EventColumn, 'id' | 'organization_id'>;
export const CSV_COLUMNS = (Object.keys(EVENT_COLUMNS) as EventColumn[]).filter(
  (c): c is CsvColumn => c !== 'id' && c !== 'organization_id',
);

/** Escapes the line separators JSON.stringify leaves raw (U+2028/2029), so one event is one line. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}\n`;
}

/**
 * One CSV cell: always quoted; line breaks written as `\n` so a cell never spans lines; a leading
 * `=`, `+`, `-`, `@`, tab or CR (a formula to spreadsheets) neutralised with a leading `'`.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  text = text.replace(/\r\n|\r|\n|\u2028|\u2029/g, (m) =>
    m === '\u2028' ? '\\u2028' : m === '\u2029' ? '\\u2029' : '\\n',
  );
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(value)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(r: AuditEventRecord): string {
  // Keyed by column, so the compiler holds the export to the table's column definition.
  const cells: Record<CsvColumn, unknown> = {
    seq: r.seq,
    occurred_at: r.occurredAt.toISOString(),
    actor_type: r.actor.type,
    actor_id: r.actor.id,
    actor_user_id: r.actor.userId,
    actor_label: r.actor.label,
    action: r.action,
    resource_type: r.resourceType,
    resource_id: r.resourceId,
    outcome: r.outcome,
    ip: r.ip,
    user_agent: r.userAgent,
    request_id: r.requestId,
    details: r.details,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
  return `${CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',')}\r\n`;
}

const EXPORT_BATCH = 1_000;

/**
 * Reads the audit trail of an organization: paginated lists and streamed exports. By organization
 * id and unaudited, for work that acts for no one; requests go through AuditReadService.
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  /** Events newest first, `limit` per page, continued with `nextCursor`. */
  async list(
    organizationId: string,
    filter: AuditFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<AuditEventRecord>> {
    const limit = page.limit ?? 50;
    const { where, params } = this.where(organizationId, filter);
    if (page.cursor) {
      const { p } = decodeCursor<{ p: number }>(page.cursor, { p: 'seq' });
      params.push(p);
      where.push(`e.pos < $${params.length}`);
    }
    params.push(limit + 1);
    const rows: AuditEventReadRow[] = await this.dataSource.query(
      `${EVENT_WITH_PERSONAL_SQL} WHERE ${where.join(' AND ')} ORDER BY e.pos DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(toAuditRecord);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor({ p: Number(rows[limit - 1].pos) }) : null,
    };
  }

  /**
   * The matching events, oldest first, as a stream of JSONL or CSV lines. Rows are fetched in
   * keyset batches only when the consumer asks for more, so memory stays flat on any size.
   */
  exportStream(organizationId: string, filter: AuditFilter, format: ExportFormat): Readable {
    return Readable.from(this.lines(organizationId, filter, format), { objectMode: false, highWaterMark: 64 * 1024 });
  }

  private async *lines(organizationId: string, filter: AuditFilter, format: ExportFormat): AsyncGenerator<string> {
    if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
    let after = 0;
    for (;;) {
      const { where, params } = this.where(organizationId, filter);
      params.push(after);
      where.push(`e.pos > $${params.length}`);
      const rows: AuditEventReadRow[] = await this.dataSource.query(
        `${EVENT_WITH_PERSONAL_SQL} WHERE ${where.join(' AND ')} ORDER BY e.pos LIMIT ${EXPORT_BATCH}`,
        params,
      );
      if (rows.length === 0) return;
      let chunk = '';
      for (const row of rows) {
        const record = toAuditRecord(row);
        chunk += format === 'csv' ? csvLine(record) : jsonLine(record);
      }
      yield chunk;
      if (rows.length < EXPORT_BATCH) return;
      after = Number(rows[rows.length - 1].pos);
    }
  }

  private where(organizationId: string, f: AuditFilter): { where: string[]; params: unknown[] } {
    const where = ['e.organization_id = $1'];
    const params: unknown[] = [organizationId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actorId) add('e.actor_id = ?', f.actorId);
    if (f.action?.endsWith('.*')) add(`starts_with(e.action, ?)`, f.action.slice(0, -1));
    else if (f.action) add('e.action = ?', f.action);
    if (f.resourceType) add('e.resource_type = ?', f.resourceType);
    if (f.resourceId) add('e.resource_id = ?', f.resourceId);
    if (f.outcome) add('e.outcome = ?', f.outcome);
    if (f.from) add('e.occurred_at >= ?', f.from);
    if (f.to) add('e.occurred_at < ?', f.to);
    return { where, params };
  }
}
