import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import { anonymousContext, UnauthorizedError, type ContextRequest, type RequestContext } from '#libs/common';
import { ApiKeyService } from '../api-keys/api-key.service.js';
import { PrincipalCache } from '../sessions/principal-cache.js';
import { AccessTokenService } from '../tokens/access-token.service.js';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

export const JWT_STRATEGY = 'jwt';
export const API_KEY_STRATEGY = 'api-key';

/**
 * `Authorization: Bearer <access token>`: verifies the JWT, then the session and the account
 * (cached briefly in Redis, cleared on revocation) so revocation and disabling apply at once.
 * Yields the request's RequestContext; a request without the header passes to the next strategy.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(CustomStrategy, JWT_STRATEGY) {
  constructor(
    private readonly accessTokens: AccessTokenService,
    private readonly principals: PrincipalCache,
  ) {
    super();
  }

  async validate(request: ContextRequest): Promise<RequestContext | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = BEARER.exec(header);
    if (!match) {
      throw new UnauthorizedError({
        code: 'token_invalid',
        detail: 'The Authorization header must be "Bearer <access token>".',
      });
    }
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
      mfa: claims.amr.includes('mfa'),
      sessionId: claims.sessionId,
    });
  }
}

/** `X-API-Key: fgk_…`: a service account bound to one organization and a permission scope. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CustomStrategy, API_KEY_STRATEGY) {
  constructor(private readonly apiKeys: ApiKeyService) {
    super();
  }

  async validate(request: ContextRequest): Promise<RequestContext | null> {
    const raw = request.headers['x-api-key'];
    if (raw === undefined) return null;
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
}
