/** Keys whose values are never stored in an audit event, whatever the caller passes. */
const SECRET_KEY =
  /pass(word|wd|phrase)?$|secret|token|totp|otp$|otpauth|api[-_]?key$|apikey|authorization|cookie|private[-_]?key|credential|recovery[-_]?code|signature/i;

export const REDACTED = '[redacted]';

const MAX_DEPTH = 6;
const MAX_STRING = 2_000;
const MAX_ITEMS = 100;

/** Removes characters PostgreSQL cannot store (NUL) and unpaired surrogates (invalid in jsonb). */
export function cleanText(value: string, max = MAX_STRING): string {
  const cleaned = value
    .replaceAll(String.fromCharCode(0), '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return cleaned.length > max ? `${cleaned.slice(0, max)}…` : cleaned;
}

/** Whether a details key names a secret (password, token, totp, apiKey, ...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function clean(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => clean(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      if (n++ >= MAX_ITEMS) break;
      out[cleanText(key, 200)] = isSecretKey(key) ? REDACTED : clean(v, depth + 1);
    }
    return out;
  }
  return null;
}

/**
 * The details object as stored: secret-looking keys replaced by `[redacted]`, long strings and
 * deep or wide structures cut, values PostgreSQL cannot hold replaced. Pure and deterministic, so
 * what is hashed is exactly what is stored.
 */
export function redactDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  return clean(details, 0) as Record<string, unknown>;
}
