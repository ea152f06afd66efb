import type { AuditAction } from '../audit-actions.js';
import type { WrittenEvent } from '../audit-chain.js';

/** Actions counted by the bulk-export rule. */
export const EXPORT_ACTIONS = new Set<string>(['model.export', 'audit.export'] satisfies AuditAction[]);
/**
 * An export refused because its actor went over the per-user export rate limit: a bulk-export
 * attempt in itself, whatever the alert threshold.
 */
export function isExportRateLimitRefusal(event: WrittenEvent): boolean {
  return EXPORT_ACTIONS.has(event.action) && event.outcome === 'denied' && event.details.reason === 'rate_limited';
}
/** Actions counted by the login-failure rule. */
export const LOGIN_FAILURE_ACTIONS = new Set<string>(['auth.login.failed', 'auth.mfa.failed'] satisfies AuditAction[]);

export type AlertRule =
  | 'bulk_export'
  | 'denial_burst'
  | 'login_failures_many_accounts'
  | 'off_hours_access'
  | 'deny_policy_removed'
  | 'audit_checkpoints_missing';

/**
 * Whether an event takes an enabled deny policy out of force: deleting it, disabling it or turning
 * it into an allow rule. A deny rule is a defence; whoever removes it may be clearing the way.
 */
export function removesDenyPolicy(event: WrittenEvent): boolean {
  if (event.outcome !== 'allowed') return false;
  const d = event.details as {
    effect?: unknown;
    enabled?: unknown;
    after?: { enabled?: unknown; effect?: unknown };
  };
  if (d.effect !== 'deny' || d.enabled === false) return false;
  if (event.action === ('policy.deleted' satisfies AuditAction)) return true;
  return (
    event.action === ('policy.updated' satisfies AuditAction) &&
    (d.after?.enabled === false || d.after?.effect === 'allow')
  );
}

/** The hour (0-23) and ISO date of an instant in a time zone. */
export function localHour(at: Date, timezone: string): { hour: number; date: string } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { hour: Number(get('hour')) % 24, date: `${get('year')}-${get('month')}-${get('day')}` };
}

/** Whether `hour` lies in [start, end); a window may wrap midnight (e.g. 22-6). */
export function withinHours(hour: number, hours: { start: number; end: number }): boolean {
  if (hours.start === hours.end) return true;
  return hours.start < hours.end ? hour >= hours.start && hour < hours.end : hour >= hours.start || hour < hours.end;
}

/** Whether an event is someone (not the platform) acting successfully inside an organization. */
export function isPersonalAccess(event: WrittenEvent): boolean {
  return (
    event.organizationId !== null &&
    (event.actorType === 'user' || event.actorType === 'api_key') &&
    event.outcome === 'allowed'
  );
}

/** The account a failed login was attempted for: the email typed, else the account id. */
export function attemptedAccount(event: WrittenEvent): string {
  const typed = event.personal?.values.find((v) => v.path.length === 1 && v.path[0] === 'email')?.value;
  const email = typed ?? event.details.email;
  return typeof email === 'string' ? email.toLowerCase() : (event.resourceId ?? event.actorId);
}

/** How an alert names the actor: its label (email, key name) when known, else its id. */
export function actorName(event: WrittenEvent): string {
  return event.actorLabel ?? event.personal?.actorLabel ?? event.actorId;
}

/** Who a counter is kept for: the actor, or the source address of anonymous callers. */
export function counterSubject(event: WrittenEvent): string {
  return event.actorType === 'anonymous' ? `ip:${event.ip ?? 'unknown'}` : event.actorId;
}
