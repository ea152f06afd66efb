/**
 * Every action fusiongate records in the audit trail, `area.verb`: the one typed catalogue that
 * services record, alert rules match and the audit API filters on. Recording an action that is not
 * here does not compile.
 */
export const AUDIT_ACTIONS = [
  // apikey
  'apikey.created',
  'apikey.revoked',
  'apikey.used',
  // audit
  'audit.export',
  'audit.read',
  'audit.redacted',
  'audit.retention',
  'audit.verify',
  // auth
  'auth.login.failed',
  'auth.login.succeeded',
  'auth.login.throttled',
  'auth.logout',
  'auth.mfa.disabled',
  'auth.mfa.enabled',
  'auth.mfa.failed',
  'auth.mfa.recovery_code_used',
  'auth.mfa.recovery_codes_generated',
  'auth.mfa.reset',
  'auth.password.changed',
  'auth.password.reset',
  'auth.password.reset_requested',
  'auth.password.set',
  'auth.refresh.reused',
  'auth.refresh.succeeded',
  'auth.session.revoked',
  'auth.sessions.revoked_all',
  'auth.sso.linked',
  'auth.step_up.failed',
  'auth.step_up.succeeded',
  // authz
  'authz.denied',
  // grant
  'grant.created',
  'grant.deleted',
  // job
  'job.cancel_requested',
  'job.cancelled',
  'job.completed',
  'job.failed',
  'job.result_downloaded',
  'job.started',
  'job.submitted',
  // member
  'member.added',
  'member.invitation_resent',
  'member.invitation_revoked',
  'member.invited',
  'member.joined',
  'member.removed',
  'member.updated',
  // model
  'model.created',
  'model.deleted',
  'model.export',
  'model.updated',
  'model.version_deleted',
  'model.version_rejected',
  'model.version_stage_changed',
  'model.version_uploaded',
  // organization
  'organization.created',
  'organization.updated',
  // platform
  'platform.maintenance_off',
  'platform.maintenance_on',
  // policy
  'policy.created',
  'policy.deleted',
  'policy.updated',
  // project
  'project.created',
  'project.deleted',
  'project.member_removed',
  'project.member_set',
  'project.updated',
  // queue_board
  'queue_board.opened',
  // role
  'role.created',
  'role.deleted',
  'role.updated',
  // signing_key
  'signing_key.rotated',
  // sso
  'sso.provider.created',
  'sso.provider.deleted',
  'sso.provider.updated',
  // user
  'user.created',
  'user.disabled',
  'user.enabled',
  'user.erased',
  'user.expired',
  'user.sessions.revoked',
  'user.setup_link_issued',
  'user.updated',
  // watermark
  'watermark.detected',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const isAuditAction = (value: unknown): value is AuditAction =>
  typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
