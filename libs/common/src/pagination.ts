import { createHash } from 'node:crypto';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadRequestError } from './errors.js';
import { isUuid } from './ids.js';

/** Query parameters of every cursor-paginated list. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page’s `nextCursor`.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** What a service needs of a list request: how many rows, and where the previous page ended. */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(value: Record<string, string | number | boolean>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * What each value of a cursor must be. A forged cursor is decoded from client input, so every value
 * is checked before it reaches a query: `uuid` (a row id), `timestamp` (an ISO 8601 instant as
 * encodeCursor writes `Date.toISOString()`), `seq` (a non-negative safe integer); `string` and
 * `number` only check the JSON type.
 */
export type CursorValueKind = 'uuid' | 'timestamp' | 'seq' | 'string' | 'number';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

const CURSOR_CHECKS: Record<CursorValueKind, (value: unknown) => boolean> = {
  uuid: isUuid,
  timestamp: (v) => typeof v === 'string' && ISO_INSTANT.test(v) && Number.isFinite(Date.parse(v)),
  seq: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
};

/**
 * Decodes a cursor made by encodeCursor; a forged or corrupt cursor is a 400 `cursor_invalid`.
 * `shape` names each key with the kind of value it must hold (a bare key list only checks that
 * each value is a string or a finite number).
 */
export function decodeCursor<T extends Record<string, string | number | boolean>>(
  cursor: string,
  shape: (keyof T)[] | Record<keyof T, CursorValueKind>,
): T {
  const checks: [string, (value: unknown) => boolean][] = Array.isArray(shape)
    ? shape.map((key) => [String(key), (v) => CURSOR_CHECKS.string(v) || CURSOR_CHECKS.number(v)])
    : Object.entries<CursorValueKind>(shape).map(([key, kind]) => [key, CURSOR_CHECKS[kind]]);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (checks.every(([key, check]) => check(record[key]))) return record as T;
  }
  throw new BadRequestError({ code: 'cursor_invalid', detail: 'The pagination cursor is not valid.' });
}

/**
 * Newest-first keyset pagination on `(created_at, id)` of `alias`: orders the query, applies the
 * decoded cursor, fetches one row more than `limit` and returns the page with its next cursor.
 */
export async function newestFirstPage<T extends { id: string; createdAt: Date }>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  query: { limit?: number; cursor?: string },
): Promise<Page<T>> {
  const limit = query.limit ?? 50;
  qb.orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(limit + 1);
  if (query.cursor) {
    const c = decodeCursor<{ t: string; id: string }>(query.cursor, { t: 'timestamp', id: 'uuid' });
    qb.andWhere(`(${alias}.created_at, ${alias}.id) < (:cursorT, :cursorId)`, { cursorT: c.t, cursorId: c.id });
  }
  const rows = await qb.getMany();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

/** One key of a keyset order: the SQL expression ordered on and how to read it back from a row. */
export interface KeysetKey<R> {
  /** The SQL expression, e.g. `p.name` (a `timestamp` key is compared at millisecond precision). */
  column: string;
  direction: 'ASC' | 'DESC';
  /** What the value must be when a cursor brings it back. */
  kind: CursorValueKind;
  /** The key's value on a fetched row, as the cursor stores it. */
  value: (row: R) => string | number | boolean;
}

/**
 * Keyset pagination in any stable order: orders `qb` by `keys` (the last must be unique, e.g. the
 * id), resumes strictly after the row an opaque cursor names, fetches `limit + 1` rows with `fetch`
 * (`getMany` by default; pass `(q) => q.getRawMany()` for raw rows) and returns the page. A forged
 * or corrupt cursor, one of another list, or one whose values were edited is a 400 `cursor_invalid`.
 *
 * Timestamps are ordered and compared truncated to milliseconds, the precision a cursor written
 * from a JavaScript `Date` carries, so rows created within the same millisecond are never skipped.
 */
export function keysetPage<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  keys: KeysetKey<NoInfer<E>>[],
  query: PageQuery,
): Promise<Page<E>>;
export function keysetPage<R, E extends ObjectLiteral = ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  keys: KeysetKey<R>[],
  query: PageQuery,
  fetch: (qb: SelectQueryBuilder<E>) => Promise<R[]>,
): Promise<Page<R>>;
export async function keysetPage<R, E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  keys: KeysetKey<R>[],
  query: PageQuery,
  fetch: (qb: SelectQueryBuilder<E>) => Promise<R[]> = (q) => q.getMany() as unknown as Promise<R[]>,
): Promise<Page<R>> {
  const limit = query.limit ?? 50;
  const exprs = keys.map((k) => (k.kind === 'timestamp' ? `date_trunc('milliseconds', ${k.column})` : k.column));
  keys.forEach((k, i) => (i === 0 ? qb.orderBy(exprs[i]!, k.direction) : qb.addOrderBy(exprs[i]!, k.direction)));
  qb.limit(limit + 1);
  // Binds a cursor to this list's order and to its values: a cursor of another list, or one whose
  // values were edited, is refused rather than read as some other position. Cursors are positions,
  // not credentials (every page is still filtered by what the caller may see), so no key is needed.
  const order = keys.map((k) => `${k.column} ${k.direction}`).join(',');
  const seal = (values: unknown[]) =>
    createHash('sha256').update(order).update('\n').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
  if (query.cursor) {
    const shape = {
      ...Object.fromEntries(keys.map((k, i) => [`k${i}`, k.kind])),
      s: 'string',
    } as Record<string, CursorValueKind>;
    const c = decodeCursor<Record<string, string | number | boolean>>(query.cursor, shape);
    if (c.s !== seal(keys.map((_, i) => c[`k${i}`]))) {
      throw new BadRequestError({ code: 'cursor_invalid', detail: 'The pagination cursor is not valid.' });
    }
    const params = Object.fromEntries(keys.map((_, i) => [`keyset${i}`, c[`k${i}`]]));
    // (k0 > c0) OR (k0 = c0 AND k1 > c1) OR …, each comparison in its key's own direction.
    const branches = keys.map((k, i) =>
      [
        ...exprs.slice(0, i).map((e, j) => `${e} = :keyset${j}`),
        `${exprs[i]} ${k.direction === 'ASC' ? '>' : '<'} :keyset${i}`,
      ].join(' AND '),
    );
    qb.andWhere(`((${branches.join(') OR (')}))`, params);
  }
  const rows = await fetch(qb);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({
            ...Object.fromEntries(keys.map((k, i) => [`k${i}`, k.value(last)])),
            s: seal(keys.map((k) => k.value(last))),
          })
        : null,
  };
}

/** Ascending `(name, id)`: the order of lists people read by name. */
export const byNameThenId = <R extends { name: string; id: string }>(alias: string): KeysetKey<R>[] => [
  { column: `${alias}.name`, direction: 'ASC', kind: 'string', value: (r) => r.name },
  { column: `${alias}.id`, direction: 'ASC', kind: 'uuid', value: (r) => r.id },
];

/** `(created_at, id)` in one direction: the order of lists read by age. */
export const byCreatedThenId = <R extends { createdAt: Date; id: string }>(
  alias: string,
  direction: 'ASC' | 'DESC',
): KeysetKey<R>[] => [
  { column: `${alias}.created_at`, direction, kind: 'timestamp', value: (r) => r.createdAt.toISOString() },
  { column: `${alias}.id`, direction, kind: 'uuid', value: (r) => r.id },
];
