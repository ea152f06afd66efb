import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ExpiringLru } from '../cache/expiring-lru.js';
import { AccessTokenService, type AccessTokenClaims } from './access-token.service.js';

/** Access tokens whose signature check is remembered per process (about 300 bytes each). */
const CAPACITY = 20_000;

/**
 * Verifies access tokens, remembering the ones that verified: a client sends the same token for
 * its whole lifetime, and checking an EdDSA signature costs far more than the rest of
 * authentication. Entries are keyed by the token's SHA-256 (the token itself is never kept), bounded
 * (least recently used first out) and expire with the token, so an expired token is verified, and
 * refused, again. Refusals are not remembered. Revocation is not this cache's business: the session
 * behind a token is checked on every request (PrincipalCache).
 */
@Injectable()
export class VerifiedTokenCache {
  private readonly verified = new ExpiringLru<string, AccessTokenClaims>(CAPACITY);

  constructor(private readonly tokens: AccessTokenService) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = this.verified.get(key);
    if (hit) return hit;
    const claims = await this.tokens.verify(token);
    this.verified.set(key, claims, claims.expiresAt.getTime());
    return claims;
  }
}
