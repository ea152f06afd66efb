import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import type { ContextRequest, RequestContext } from '#libs/common';
import { Authenticator } from './authenticator.js';

export const JWT_STRATEGY = 'jwt';
export const API_KEY_STRATEGY = 'api-key';

/**
 * `Authorization: Bearer <access token>` (Authenticator.bearer: remembered signature, pushed
 * session state). Yields the request's RequestContext; a request without the header fails over to
 * the next strategy, and a bad token throws its problem (401 `token_expired`, `token_invalid`…).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(CustomStrategy, JWT_STRATEGY) {
  constructor(private readonly authenticator: Authenticator) {
    super();
  }

  validate(request: ContextRequest): Promise<RequestContext | null> {
    return this.authenticator.bearer(request);
  }
}

/** `X-API-Key: fgk_…` (Authenticator.apiKey), the same way. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(CustomStrategy, API_KEY_STRATEGY) {
  constructor(private readonly authenticator: Authenticator) {
    super();
  }

  validate(request: ContextRequest): Promise<RequestContext | null> {
    return this.authenticator.apiKey(request);
  }
}
