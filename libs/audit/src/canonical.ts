import { createHash } from 'node:crypto';

/** The `prevHash` of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Two values that
 * are equal as JSON serialise to the same string, whatever their key order (jsonb reorders keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return 'null';
}

/** The content of an event that its hash covers: everything but its own id and hash. */
export interface ChainedContent {
  organizationId: string | null;
  seq: number;
  occurredAt: Date;
  actorType: string;
  actorId: string;
  actorUserId: string | null;
  actorLabel: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** SHA-256 (hex) over the previous hash and the canonical JSON of the event's content. */
export function chainHash(prevHash: string, content: ChainedContent): string {
  const body = canonicalJson({
    v: 1,
    organizationId: content.organizationId,
    seq: content.seq,
    occurredAt: content.occurredAt.toISOString(),
    actor: {
      type: content.actorType,
      id: content.actorId,
      userId: content.actorUserId,
      label: content.actorLabel,
    },
    action: content.action,
    resourceType: content.resourceType,
    resourceId: content.resourceId,
    outcome: content.outcome,
    ip: content.ip,
    userAgent: content.userAgent,
    requestId: content.requestId,
    details: content.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}
