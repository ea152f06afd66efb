import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../../common/src/index.js';

/** Every security event identity raises; one call site per action in the services. */
export type AuthEventAction =
  | 'auth.login.succeeded'
  | 'auth.login.failed'
  | 'auth.login.throttled'
  | 'auth.refresh.reused'
  | 'auth.logout'
  | 'auth.password.changed'
  | 'auth.mfa.enabled'
  | 'auth.mfa.disabled'
  | 'auth.mfa.failed'
  | 'user.created'
  | 'user.disabled'
  | 'user.enabled'
  | 'user.expired'
  | 'apikey.created'
  | 'apikey.revoked'
  | 'signing_key.rotated';

export interface AuthEvent {
  action: AuthEventAction;
  /** The account or key concerned (may differ from the actor, e.g. a failed login's target). */
  subjectId?: string;
  organizationId?: string;
  details?: Record<string, unknown>;
}

/**
 * The seam between identity and the audit trail. Today it writes a structured log line (never a
 * secret); the audit module records the same events, inside `manager`'s transaction when given.
 */
@Injectable()
export class AuthEvents {
  private readonly logger = new Logger('AuthEvents');

  async record(ctx: RequestContext, event: AuthEvent, _manager?: EntityManager): Promise<void> {
    this.logger.log({
      event: event.action,
      actor: ctx.actor.type === 'anonymous' ? undefined : `${ctx.actor.type}:${ctx.actor.id}`,
      subject: event.subjectId,
      organizationId: event.organizationId,
      ip: ctx.ip,
      requestId: ctx.requestId,
      ...event.details,
    });
  }
}
