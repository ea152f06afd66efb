import { Injectable } from '@nestjs/common';
import {
  anonymousContext,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  type ContextRequest,
  type RequestContext,
  type RoutePolicy,
} from '#libs/common';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { PrincipalCache } from '../sessions/principal-cache.js';
import { VerifiedTokenCache } from '../tokens/verified-token-cache.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/**
 * Who is calling a route that carries a policy: a Bearer access token (`Authorization`) or an API
 * key (`X-API-Key`), never both. Yields the request's RequestContext or throws 401:
 * `token_missing`, `token_expired`, `token_invalid` (bad signature, revoked session, unknown or
 * revoked key), `account_disabled` (disabled or expired account); and 403 `api_key_not_allowed`
 * (or 404 outside the key's organization) when an API key calls where keys may not.
 *
 * The token's signature is checked once per token (VerifiedTokenCache); the session and account
 * are checked on every request against the state every process keeps (PrincipalCache), so
 * revocation and disabling apply at once.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: VerifiedTokenCache,
    private readonly principals: PrincipalCache,
    private readonly apiKeys: ApiKeyService,
  ) {}

  async authenticate(request: ContextRequest, policy: RoutePolicy): Promise<RequestContext> {
    const { authorization } = request.headers;
    const apiKey = request.headers['x-api-key'];
    if (authorization !== undefined && apiKey !== undefined) {
      throw new UnauthorizedError({
        code: 'token_invalid',
        detail: 'Send either a Bearer token or an API key, not both.',
      });
    }
    if (authorization !== undefined) return this.bearer(request, authorization);
    if (apiKey !== undefined) return this.apiKey(request, apiKey, policy);
    throw new UnauthorizedError({ code: 'token_missing', detail: 'Send a Bearer access token or an X-API-Key.' });
  }

  private async bearer(request: ContextRequest, header: string): Promise<RequestContext> {
    const match = BEARER.exec(header);
    if (!match) {
      throw new UnauthorizedError({
        code: 'token_invalid',
        detail: 'The Authorization header must be "Bearer <access token>".',
      });
    }
    const claims = await this.tokens.verify(match[1]);
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
      mfa: claims.amr.includes('mfa'),
      sessionId: claims.sessionId,
    });
  }

  /** A service account bound to one organization and a permission scope. */
  private async apiKey(request: ContextRequest, raw: string | string[], policy: RoutePolicy): Promise<RequestContext> {
    if (typeof raw !== 'string') {
      throw new UnauthorizedError({ code: 'token_invalid', detail: 'Send exactly one X-API-Key header.' });
    }
    const key = await this.apiKeys.authenticate(raw);
    const ctx = anonymousContext(request).with({
      actor: { type: 'api_key', id: key.id, userId: key.createdBy ?? undefined, label: key.name },
      organizationId: key.organizationId,
      apiKeyScope: { permissions: key.permissions, projectId: key.projectId },
      mfa: false,
    });
    await this.apiKeys.recordUse(
      ctx,
      key,
      `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`,
    );
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
    return ctx;
  }
}
