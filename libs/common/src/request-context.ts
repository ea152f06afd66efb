import type { EntityManager } from 'typeorm';
import type { RateLimitReport } from './rate-limit.js';

/** Who acts: a signed-in user, an API key (service account), or the platform itself. */
export type ActorType = 'user' | 'api_key' | 'system' | 'anonymous';

export interface Actor {
  type: ActorType;
  /** User id, API key id, or a fixed name for system actors. */
  id: string;
  /** The user behind the actor: the user itself, or the creator of an API key. */
  userId?: string;
  /** Shown in audit trails (email, key name). Never a secret. */
  label?: string;
  isPlatformAdmin?: boolean;
}

export interface RequestContextInit {
  requestId: string;
  actor?: Actor;
  organizationId?: string;
  ip?: string;
  userAgent?: string;
  /** Whether the credentials used in this request included a second factor. */
  mfa?: boolean;
  /** Permissions an API key is limited to (undefined for users). */
  apiKeyScope?: { permissions: string[]; projectId?: string | null };
  /** Session id behind an access token, when there is one. */
  sessionId?: string;
  now?: Date;
  manager?: EntityManager;
  /** Where services report the rate limits the request met (shared by every context derived from it). */
  rateLimits?: RateLimitReport;
}

/**
 * Everything a service needs to know about who is acting and where. Passed as the first
 * argument of every service method that acts for someone.
 */
export class RequestContext {
  readonly requestId: string;
  readonly actor: Actor;
  readonly organizationId?: string;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly mfa: boolean;
  readonly apiKeyScope?: { permissions: string[]; projectId?: string | null };
  readonly sessionId?: string;
  readonly now: Date;
  /** Set inside a transaction so that nested writes (and the audit event) share it. */
  readonly manager?: EntityManager;
  /** Rate limits this request met, sent as `RateLimit` headers on its answer (HTTP requests only). */
  readonly rateLimits?: RateLimitReport;

  constructor(init: RequestContextInit) {
    this.requestId = init.requestId;
    this.actor = init.actor ?? { type: 'anonymous', id: 'anonymous' };
    this.organizationId = init.organizationId;
    this.ip = init.ip;
    this.userAgent = init.userAgent;
    this.mfa = init.mfa ?? false;
    this.apiKeyScope = init.apiKeyScope;
    this.sessionId = init.sessionId;
    this.now = init.now ?? new Date();
    this.manager = init.manager;
    this.rateLimits = init.rateLimits;
  }

  /** A context for work the platform does on its own (schedulers, CLI, workers). */
  static system(name: string, requestId: string = `system-${name}`): RequestContext {
    return new RequestContext({ requestId, actor: { type: 'system', id: name, label: name } });
  }

  with(patch: Partial<RequestContextInit>): RequestContext {
    return new RequestContext({ ...this, ...patch });
  }

  /** The same context bound to a transaction's entity manager. */
  withManager(manager: EntityManager): RequestContext {
    return this.with({ manager });
  }

  /** The same context scoped to an organization (taken from the route, never a body). */
  forOrganization(organizationId: string): RequestContext {
    return this.with({ organizationId });
  }

  /** Plain data for queue payloads: ids only, never entities or managers. */
  serialize(): SerializedRequestContext {
    return {
      requestId: this.requestId,
      actor: this.actor,
      organizationId: this.organizationId,
      ip: this.ip,
      userAgent: this.userAgent,
      mfa: this.mfa,
      apiKeyScope: this.apiKeyScope,
      sessionId: this.sessionId,
    };
  }

  static deserialize(data: SerializedRequestContext): RequestContext {
    return new RequestContext(data);
  }
}

export type SerializedRequestContext = Omit<RequestContextInit, 'manager' | 'now'>;
