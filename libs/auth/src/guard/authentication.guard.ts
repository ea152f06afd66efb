import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  anonymousContext,
  ForbiddenError,
  NotFoundError,
  PUBLIC_ROUTE,
  RequestContext,
  ROUTE_POLICY,
  UnauthorizedError,
  type ContextRequest,
  type RoutePolicy,
} from '../../../common/src/index.js';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { PrincipalCache } from '../sessions/principal-cache.js';
import { AccessTokenService } from '../tokens/access-token.service.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * The first global guard. Deny by default: a route that is neither `@Public()` nor carries a
 * policy is refused. Otherwise the caller must present a Bearer access token or an `X-API-Key`,
 * and the request gets its `ctx` (RequestContext). Authorization (membership, permissions) is the
 * next guard's job.
 *
 * 401 codes: `token_missing`, `token_expired`, `token_invalid` (bad signature, revoked session,
 * unknown or revoked key), `account_disabled` (disabled or expired account).
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly principals: PrincipalCache,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const request = execution.switchToHttp().getRequest<ContextRequest>();
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      request.ctx = anonymousContext(request);
      return true;
    }
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, targets);
    if (!policy) throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });

    const authorization = request.headers.authorization;
    const apiKey = request.headers['x-api-key'];
    if (authorization !== undefined && apiKey !== undefined) {
      throw new UnauthorizedError({
        code: 'token_invalid',
        detail: 'Send either a Bearer token or an API key, not both.',
      });
    }
    if (typeof apiKey === 'string') {
      request.ctx = await this.authenticateApiKey(request, apiKey, policy);
    } else if (authorization !== undefined) {
      request.ctx = await this.authenticateBearer(request, authorization);
    } else {
      throw new UnauthorizedError({ code: 'token_missing', detail: 'Send a Bearer access token or an X-API-Key.' });
    }
    return true;
  }

  private async authenticateBearer(request: ContextRequest, header: string): Promise<RequestContext> {
    const match = BEARER.exec(header);
    if (!match)
      throw new UnauthorizedError({
        code: 'token_invalid',
        detail: 'The Authorization header must be "Bearer <access token>".',
      });
    const claims = await this.accessTokens.verify(match[1]);
    const principal = await this.principals.get(claims.sessionId);
    const now = Date.now();
    if (
      !principal ||
      principal.userId !== claims.userId ||
      principal.sessionRevoked ||
      principal.sessionExpiresAt <= now
    ) {
      throw new UnauthorizedError({ code: 'token_invalid', detail: 'This session has ended; sign in again.' });
    }
    if (principal.status !== 'active' || (principal.userExpiresAt !== null && principal.userExpiresAt <= now)) {
      throw new UnauthorizedError({ code: 'account_disabled', detail: 'This account is disabled or has expired.' });
    }
    return anonymousContext(request).with({
      actor: {
        type: 'user',
        id: principal.userId,
        userId: principal.userId,
        label: principal.email,
        isPlatformAdmin: principal.isPlatformAdmin,
      },
      mfa: claims.amr.includes('otp'),
      sessionId: claims.sessionId,
    });
  }

  private async authenticateApiKey(request: ContextRequest, raw: string, policy: RoutePolicy): Promise<RequestContext> {
    const key = await this.apiKeys.authenticate(raw);
    if (policy.kind === 'platform-admin' || (policy.kind === 'authenticated' && !policy.allowApiKey)) {
      throw new ForbiddenError({
        code: 'api_key_not_allowed',
        detail: 'This route is for signed-in users, not API keys.',
      });
    }
    // A key lives inside its organization: elsewhere it finds nothing (404, never a hint).
    const orgId = request.params?.orgId;
    if (orgId !== undefined && orgId !== key.organizationId) {
      throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
    }
    return anonymousContext(request).with({
      actor: { type: 'api_key', id: key.id, userId: key.createdBy ?? undefined, label: key.name },
      organizationId: key.organizationId,
      apiKeyScope: { permissions: key.permissions, projectId: key.projectId },
      mfa: false,
    });
  }
}
