import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import {
  anonymousContext,
  ForbiddenError,
  NotFoundError,
  PUBLIC_ROUTE,
  rateLimitReportOf,
  ROUTE_POLICY,
  UnauthorizedError,
  type ContextRequest,
  type RequestContext,
  type RoutePolicy,
} from '#libs/common';
import { API_KEY_STRATEGY, JWT_STRATEGY } from './auth.strategies.js';

/**
 * The first global guard. Deny by default: a route that is neither `@Public()` nor carries a
 * policy is refused. Otherwise the caller must present a Bearer access token or an `X-API-Key`
 * (the passport strategies in auth.strategies.ts), and the request gets its `ctx`.
 * Authorization (membership, permissions) is the next guard's job.
 *
 * 401 codes: `token_missing`, `token_expired`, `token_invalid` (bad signature, revoked session,
 * unknown or revoked key), `account_disabled` (disabled or expired account).
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard([API_KEY_STRATEGY, JWT_STRATEGY]) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  /** Stateless, and the strategies' result is the request's RequestContext. */
  override getAuthenticateOptions(): { session: boolean; property: string } {
    return { session: false, property: 'ctx' };
  }

  override async canActivate(execution: ExecutionContext): Promise<boolean> {
    const request = execution.switchToHttp().getRequest<ContextRequest>();
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      request.ctx = anonymousContext(request);
      return true;
    }
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, targets);
    if (!policy) throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });

    const { authorization } = request.headers;
    const apiKey = request.headers['x-api-key'];
    if (authorization !== undefined && apiKey !== undefined) {
      throw new UnauthorizedError({
        code: 'token_invalid',
        detail: 'Send either a Bearer token or an API key, not both.',
      });
    }
    if (authorization === undefined && apiKey === undefined) {
      throw new UnauthorizedError({ code: 'token_missing', detail: 'Send a Bearer access token or an X-API-Key.' });
    }
    await super.canActivate(execution);
    const ctx = (request.ctx as RequestContext).with({ rateLimits: rateLimitReportOf(request) });
    request.ctx = ctx;
    if (ctx.actor.type === 'api_key') this.assertApiKeyMayCall(request, ctx, policy);
    return true;
  }

  /** Strategy errors are already problem-shaped; a strategy that found nothing is a missing token. */
  override handleRequest<T>(error: unknown, ctx: T | false | null): T {
    if (error) throw error;
    if (!ctx)
      throw new UnauthorizedError({ code: 'token_missing', detail: 'Send a Bearer access token or an X-API-Key.' });
    return ctx;
  }

  private assertApiKeyMayCall(request: ContextRequest, ctx: RequestContext, policy: RoutePolicy): void {
    if (policy.kind === 'platform-admin' || (policy.kind === 'authenticated' && !policy.allowApiKey)) {
      throw new ForbiddenError({
        code: 'api_key_not_allowed',
        detail: 'This route is for signed-in users, not API keys.',
      });
    }
    // A key lives inside its organization: elsewhere it finds nothing (404, never a hint).
    const orgId = request.params?.orgId;
    if (orgId !== undefined && orgId !== ctx.organizationId) {
      throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
    }
  }
}
