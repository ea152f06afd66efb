import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { SelectQueryBuilder } from 'typeorm';
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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(value: Record<string, string | number>): string {
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
export function decodeCursor<T extends Record<string, string | number>>(
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
