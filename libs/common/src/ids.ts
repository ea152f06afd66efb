import { randomBytes } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** Whether `value` is a UUID string (what every id column holds). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID_RE.test(value);

/** URL-safe random token with `bytes` bytes of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
/** Accepts a caller's request id only if it is short and made of safe characters. */
export const acceptRequestId = (value: unknown): string | undefined =>
  typeof value === 'string' && REQUEST_ID_RE.test(value) ? value : undefined;
