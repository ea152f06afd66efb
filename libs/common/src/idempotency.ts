import { createHash } from 'node:crypto';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { WithRouteInterceptors } from './route-interceptors.js';
import { BadRequestError } from './errors.js';

export const IDEMPOTENT_ROUTE = 'fusiongate:idempotent';

/** An `Idempotency-Key`: 1–255 visible ASCII characters (a UUID is the usual choice). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** How long a create is remembered for replay under its key. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** What a route streams instead of a JSON body, read back from its answer to check a replay against. */
export interface StreamedBodyDigest {
  /** Lower-case hex SHA-256 of the bytes the original request streamed. */
  sha256: string;
  bytes: number;
}

export interface IdempotentOptions {
  /**
   * For routes whose body is a stream (uploads): where the answer says what was received. A replay
   * hashes the body it is sent as it streams (never buffering it) and compares.
   */
  streamed?: (answer: unknown) => StreamedBodyDigest;
}

/**
 * `Idempotency-Key` on a create: a retry with the same key, caller and path answers what the first
 * request answered (status, `Location`, body) with `Idempotent-Replayed: true` and creates nothing;
 * the same key with a different request is 422 `idempotency_key_reused`; while the first is still
 * running, 409 `idempotency_key_in_progress`. Served by the API's IdempotencyInterceptor.
 */
export const Idempotent = (options: IdempotentOptions = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_ROUTE, options),
    WithRouteInterceptors(),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Any unique string (1–255 visible ASCII characters, e.g. a UUID): a retry with the same key within 24 h ' +
        'answers the first result with `Idempotent-Replayed: true` and creates nothing more.',
    }),
    ApiResponse({
      status: 409,
      description: '`idempotency_key_in_progress`: a request with this Idempotency-Key is still running; retry.',
    }),
    ApiResponse({
      status: 422,
      description: '`idempotency_key_reused`: this Idempotency-Key was used for a different request.',
    }),
  );

/** The `Idempotency-Key` header, checked; undefined when none was sent. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw new BadRequestError({
      code: 'idempotency_key_invalid',
      detail: 'Idempotency-Key must be 1–255 visible ASCII characters.',
    });
  }
  return header;
}

/**
 * SHA-256 (base64url) of a JSON value with object keys sorted, so the same request sent with its
 * fields in another order has the same fingerprint.
 */
export function jsonFingerprint(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(sorted(value)) ?? 'undefined')
    .digest('base64url');
}
