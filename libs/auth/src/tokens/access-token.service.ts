import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { UnauthorizedError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { JWT_ALGORITHM, SigningKeyService } from './signing-key.service.js';

/** `typ` header of access tokens (RFC 9068); refresh tokens are opaque and never JWTs. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Clock skew tolerated between the instances that issue and verify tokens. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Authentication methods (RFC 8176) recorded in the `amr` claim; `fed` is a sign-in through an
 * OpenID Connect provider (single sign-on). `mfa` means a second factor was used, here or there.
 */
export type AuthMethod = 'pwd' | 'otp' | 'mfa' | 'fed';

export interface AccessTokenClaims {
  userId: string;
  sessionId: string;
  amr: AuthMethod[];
  expiresAt: Date;
}

/** Issues and verifies EdDSA access tokens with an explicit algorithm allow-list. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.auth.accessTokenTtlSeconds;
  }

  async issue(input: { userId: string; sessionId: string; amr: AuthMethod[] }): Promise<string> {
    const { kid, privateKey } = await this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ sid: input.sessionId, amr: input.amr })
      .setProtectedHeader({ alg: JWT_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.auth.issuer)
      .setAudience(this.config.auth.audience)
      .setSubject(input.userId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(privateKey);
  }

  /**
   * Verifies a token or throws 401 `token_expired` / `token_invalid`; a lifetime (`exp - iat`) over
   * the configured TTL is invalid.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header: JWTHeaderParameters) => {
          const key = header.kid ? await this.keys.verificationKey(header.kid) : undefined;
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: [JWT_ALGORITHM],
          issuer: this.config.auth.issuer,
          audience: this.config.auth.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'sid', 'exp', 'nbf', 'iat', 'amr'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        },
      ));
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new UnauthorizedError({ code: 'token_expired', detail: 'The access token has expired; refresh it.' });
      }
      throw new UnauthorizedError({ code: 'token_invalid', detail: 'The access token is not valid.' });
    }
    const { sub, sid, amr, exp, iat } = payload as JWTPayload & { sid?: unknown; amr?: unknown };
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      !Array.isArray(amr) ||
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      // Never longer-lived than this server issues, even when signed with a genuine key.
      exp - iat > this.ttlSeconds ||
      iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS
    ) {
      throw new UnauthorizedError({ code: 'token_invalid', detail: 'The access token is not valid.' });
    }
    return { userId: sub, sessionId: sid, amr: amr as AuthMethod[], expiresAt: new Date(exp * 1000) };
  }
}
