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
 * key (`X-API-Key`), never both. The passport strategies (auth.strategies.ts) delegate here: each
 * method yields the request's RequestContext, `null` when the request does not carry its kind of
 * credential (passport then tries the other strategy), or throws 401: `token_expired`,
 * `token_invalid` (bad signature, revoked session, unknown or revoked key, both credentials),
 * `account_disabled` (disabled or expired account). `assertApiKeyMayCall` answers 403
 * `api_key_not_allowed` (or 404 outside the key's organization) when an API key calls where keys
 * may not.
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

  /** `Authorization: Bearer <access token>`: a signed-in user's session. */
  async bearer(request: ContextRequest): Promise<RequestContext | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    assertOneCredential(request);
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

  /** `X-API-Key: fgk_…`: a service account bound to one organization and a permission scope. */
  async apiKey(request: ContextRequest): Promise<RequestContext | null> {
    const raw = request.headers['x-api-key'];
    if (raw === undefined) return null;
    assertOneCredential(request);
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
    return ctx;
  }

  /** An authenticated API key calls only routes open to keys, and only inside its organization. */
  assertApiKeyMayCall(request: ContextRequest, ctx: RequestContext, policy: RoutePolicy): void {
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

function assertOneCredential(request: ContextRequest): void {
  if (request.headers.authorization !== undefined && request.headers['x-api-key'] !== undefined) {
    throw new UnauthorizedError({
      code: 'token_invalid',
      detail: 'Send either a Bearer token or an API key, not both.',
    });
  }
}
