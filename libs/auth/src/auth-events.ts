import { Injectable, Logger, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, type AuditEventInput, type AuditOutcome } from '#libs/audit';
import { metrics, type RequestContext } from '#libs/common';

/** Every security event identity raises; one call site per action in the services. */
export type AuthEventAction =
  | 'auth.login.succeeded'
  | 'auth.login.failed'
  | 'auth.login.throttled'
  | 'auth.refresh.succeeded'
  | 'auth.refresh.reused'
  | 'auth.logout'
  | 'auth.password.changed'
  | 'auth.password.reset_requested'
  | 'auth.password.reset'
  | 'auth.password.set'
  | 'auth.mfa.enabled'
  | 'auth.mfa.disabled'
  | 'auth.mfa.failed'
  | 'auth.sso.linked'
  | 'auth.mfa.recovery_codes_generated'
  | 'auth.mfa.recovery_code_used'
  | 'auth.step_up.succeeded'
  | 'auth.step_up.failed'
  | 'auth.session.revoked'
  | 'auth.sessions.revoked_all'
  /** A platform admin turned a user's MFA off (lost device); security notices alert the user. */
  | 'auth.mfa.reset'
  | 'user.created'
  | 'user.setup_link_issued'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.expired'
  | 'user.updated'
  | 'user.sessions.revoked'
  | 'user.erased'
  | 'apikey.created'
  | 'apikey.revoked'
  | 'apikey.used'
  | 'signing_key.rotated';

export interface AuthEvent {
  action: AuthEventAction;
  /** The account or key concerned (may differ from the actor, e.g. a failed login's target). */
  subjectId?: string;
  organizationId?: string;
  details?: Record<string, unknown>;
}

/**
 * Called for every recorded event, inside the recording transaction when `manager` is given: a
 * listener with effects outside the database defers them until commit (Transactions.afterCommit).
 */
export type AuthEventListener = (ctx: RequestContext, event: AuthEvent, manager?: EntityManager) => void;

/**
 * The seam between identity and the audit trail. Today it writes a structured log line (never a
 * secret); the audit module records the same events, inside `manager`'s transaction when given.
 */
@Injectable()
export class AuthEvents {
  private readonly logger = new Logger('AuthEvents');
  private readonly listeners: AuthEventListener[] = [];

  constructor(@Optional() private readonly audit?: AuditService) {}

  async record(ctx: RequestContext, event: AuthEvent, manager?: EntityManager): Promise<void> {
    const failure = FAILURE_KINDS[event.action];
    if (failure) metrics.authFailures.inc({ kind: failure });
    this.logger.log({
      event: event.action,
      actor: ctx.actor.type === 'anonymous' ? undefined : `${ctx.actor.type}:${ctx.actor.id}`,
      subject: event.subjectId,
      organizationId: event.organizationId,
      ip: ctx.ip,
      requestId: ctx.requestId,
      ...event.details,
    });
    // With a manager the event commits with the change; without one it must survive the caller's
    // rollback (a failed login throws), so it is written on its own even if ctx carries a transaction.
    // Written on its own, it is committed before the answer leaves and linked into the chain right
    // after, without the answer waiting: a burst of failed sign-ins must not queue on the chain.
    await this.audit?.record(
      manager ? ctx.withManager(manager) : ctx.with({ manager: undefined }),
      this.toInput(event),
      { waitForLink: manager !== undefined },
    );
    for (const listener of this.listeners) {
      try {
        listener(ctx, event, manager);
      } catch (error) {
        this.logger.error({ err: error, event: event.action }, 'An auth event listener failed');
      }
    }
  }

  /** Registers a listener of recorded events (security notices by mail). */
  subscribe(listener: AuthEventListener): void {
    this.listeners.push(listener);
  }

  /**
   * Queues an event that describes no state change (an API key's use): buffered by the audit
   * trail, so authentication never waits for an audit write.
   */
  recordBuffered(ctx: RequestContext, event: AuthEvent): void {
    this.logger.debug({
      event: event.action,
      actor: ctx.actor.type === 'anonymous' ? undefined : `${ctx.actor.type}:${ctx.actor.id}`,
      organizationId: event.organizationId,
      ip: ctx.ip,
      requestId: ctx.requestId,
    });
    this.audit?.recordBuffered(ctx, this.toInput(event));
  }

  private toInput(event: AuthEvent): AuditEventInput {
    return {
      action: event.action,
      outcome: outcomeOf(event.action),
      resourceType: event.action.startsWith('apikey.') ? 'api_key' : event.subjectId ? 'user' : undefined,
      resourceId: event.subjectId,
      organizationId: event.organizationId ?? null,
      details: event.details,
    };
  }
}

/** Events counted as authentication failures, by the `kind` label they carry. */
const FAILURE_KINDS: Partial<Record<AuthEventAction, string>> = {
  'auth.login.failed': 'login',
  'auth.mfa.failed': 'mfa',
  'auth.step_up.failed': 'step_up',
  'auth.refresh.reused': 'refresh_reuse',
};

function outcomeOf(action: AuthEventAction): AuditOutcome {
  if (action === 'auth.login.failed' || action === 'auth.mfa.failed' || action === 'auth.step_up.failed')
    return 'failed';
  if (action === 'auth.login.throttled' || action === 'auth.refresh.reused') return 'denied';
  return 'allowed';
}
