import type { Actor } from '#libs/common';
import type { AuditAction } from './audit-actions.js';

/** Whether the action happened, was refused by authorization, or failed (bad credentials, errors). */
export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** Names for the catalogue's actions that alert rules and dashboards look for (audit-actions.ts has them all). */
export const AuditActions = {
  loginSucceeded: 'auth.login.succeeded',
  loginFailed: 'auth.login.failed',
  loginMfaFailed: 'auth.mfa.failed',
  loginThrottled: 'auth.login.throttled',
  tokenRefreshed: 'auth.refresh.succeeded',
  refreshReuseDetected: 'auth.refresh.reused',
  logout: 'auth.logout',
  mfaEnabled: 'auth.mfa.enabled',
  mfaDisabled: 'auth.mfa.disabled',
  recoveryCodesGenerated: 'auth.mfa.recovery_codes_generated',
  recoveryCodeUsed: 'auth.mfa.recovery_code_used',
  stepUpSucceeded: 'auth.step_up.succeeded',
  stepUpFailed: 'auth.step_up.failed',
  sessionRevoked: 'auth.session.revoked',
  sessionsRevokedAll: 'auth.sessions.revoked_all',
  apiKeyUsed: 'apikey.used',
  apiKeyCreated: 'apikey.created',
  apiKeyRevoked: 'apikey.revoked',
  authorizationDenied: 'authz.denied',
  modelExported: 'model.export',
  auditRead: 'audit.read',
  auditExported: 'audit.export',
  auditVerified: 'audit.verify',
  auditRetention: 'audit.retention',
} as const satisfies Record<string, AuditAction>;

/** What a service hands to AuditService.record. The context supplies actor, ip, user agent, request id. */
export interface AuditEventInput {
  /** One of the catalogue's actions (audit-actions.ts). */
  action: AuditAction;
  /** Defaults to `allowed`. */
  outcome?: AuditOutcome;
  resourceType?: string;
  resourceId?: string;
  /**
   * Changed fields before/after, digests, reasons. Keys that look like secrets (password, token,
   * secret, totp, apiKey, ...) are redacted before anything is stored.
   */
  details?: Record<string, unknown>;
  /**
   * The chain to write to. Defaults to the context's organization; `null` writes to the platform
   * chain (events that belong to no tenant, such as logins).
   */
  organizationId?: string | null;
  /** Overrides the context's actor (e.g. the account a failed login was attempted for). */
  actor?: Actor;
}

/** A stored audit event, as read back and exported. */
export interface AuditEventRecord {
  id: string;
  organizationId: string | null;
  /** Its place in the chain; null for the moment between its commit and its linking. */
  seq: number | null;
  occurredAt: Date;
  actor: { type: string; id: string; userId: string | null; label: string | null };
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}
