import { ServiceUnavailableError } from './errors.js';

/** Seconds a client is told to wait after a dependency failed (Retry-After). */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;
/** Seconds a client is told to wait for a read-only platform (maintenance, failover). */
export const READ_ONLY_RETRY_AFTER_SECONDS = 30;

/** SQLSTATEs of a database that is down, starting, shutting down or out of connections. */
const DATABASE_DOWN_STATES = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006']);
/** Node socket errors of a connection that could not be made or was cut. */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
/** What pg and pg-pool say when a connection cannot be had or dies mid-query. */
const DATABASE_MESSAGES =
  /timeout exceeded when trying to connect|timeout expired|Connection terminated|Client has encountered a connection error|Connection ended|terminating connection/i;
/** What ioredis (shared client and Bull's) says when Redis is down, frozen or unreachable. */
const REDIS_MESSAGES =
  /Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries per request|no answer from Redis/i;

/** Filesystem errors of a blob store that is full or cannot be written. */
const STORAGE_ERRORS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO']);

/** The readOnly answer: writes are refused for now, reads keep working. */
export function readOnlyError(detail?: string): ServiceUnavailableError {
  return new ServiceUnavailableError({
    code: 'read_only',
    detail: detail ?? 'fusiongate is read-only for now (maintenance or database failover): reads work, writes do not.',
    retryAfterSeconds: READ_ONLY_RETRY_AFTER_SECONDS,
  });
}

/**
 * Maps a failure of PostgreSQL or Redis (matched by shape: this library depends on neither) to the
 * 503 a client can act on: `read_only` when the database refuses writes (hot standby, read-only
 * transaction), `database_unavailable` when PostgreSQL cannot be reached, `temporarily_unavailable`
 * when Redis cannot, `storage_unavailable` when the local blob store is full or unwritable.
 * Anything else: undefined.
 */
export function dependencyUnavailable(error: unknown): ServiceUnavailableError | undefined {
  // Matched by shape, not `instanceof Error`: socket errors may come from another realm.
  if (typeof error !== 'object' || error === null || error instanceof ServiceUnavailableError) return undefined;
  const failed = error as Error & { code?: unknown; driverError?: { code?: unknown }; $metadata?: unknown };
  if (typeof failed.message !== 'string') return undefined;
  const state = failed.driverError?.code ?? failed.code;
  if (state === '25006') return readOnlyError();
  if (
    typeof state === 'string' &&
    STORAGE_ERRORS.has(state) &&
    typeof (failed as { syscall?: unknown }).syscall === 'string'
  ) {
    return new ServiceUnavailableError({
      code: 'storage_unavailable',
      detail: 'The file store is full or cannot be written right now; nothing was stored. Try again later.',
      retryAfterSeconds: READ_ONLY_RETRY_AFTER_SECONDS,
    });
  }
  const fromDatabase =
    (typeof state === 'string' && DATABASE_DOWN_STATES.has(state)) ||
    (failed.$metadata === undefined &&
      ((typeof state === 'string' && SOCKET_ERRORS.has(state)) || DATABASE_MESSAGES.test(failed.message)));
  if (fromDatabase && !REDIS_MESSAGES.test(failed.message)) {
    return new ServiceUnavailableError({
      code: 'database_unavailable',
      detail: 'The database cannot be reached right now; try again shortly.',
      retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
    });
  }
  if (failed.name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(failed.message)) {
    return new ServiceUnavailableError({
      code: 'temporarily_unavailable',
      detail: 'A service fusiongate depends on is not answering; try again shortly.',
      retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
    });
  }
  return undefined;
}
