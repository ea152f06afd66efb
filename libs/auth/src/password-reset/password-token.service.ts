import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { EntityManager } from 'typeorm';
import {
  BadRequestError,
  GoneError,
  TooManyRequestsError,
  type RateLimitState,
  type RequestContext,
} from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS, Transactions } from '#libs/database';
import { MailerService } from '#libs/mail';
import { AuthEvents } from '../auth-events.js';
import { randomToken, sha256Hex } from '../crypto/secret-box.js';
import { isUserUsable, SessionService } from '../sessions/session.service.js';
import { AttemptThrottleService } from '../throttle/attempt-throttle.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UserEntity } from '../users/user.entity.js';
import { normalizeEmail } from '../users/user.service.js';

/** `reset`: a forgotten password (mailed on request); `setup`: the first password of an account an admin created. */
export type PasswordTokenPurpose = 'reset' | 'setup';

export interface IssuedPasswordToken {
  token: string;
  expiresAt: Date;
}

const WINDOW_SECONDS = 3600;
/** A source address may ask for this many times the per-account allowance per hour. */
const IP_FACTOR = 10;

const tokenInvalid = () =>
  new BadRequestError({ code: 'password_token_invalid', detail: 'This password link is not valid.' });

/**
 * Single-use password tokens, stored as SHA-256: reset by mail (`POST /auth/password/forgot`, then
 * `/auth/password/reset`) and the set-up link of accounts created by a platform admin. Setting a
 * password with one revokes every session of the account and every other token it has.
 *
 * Asking for a reset answers the same, at once, whether or not the email has an account: the
 * lookup and the mail happen after the answer. Token guesses are throttled per source address.
 */
@Injectable()
export class PasswordTokenService implements OnApplicationShutdown {
  private readonly logger = new Logger('PasswordTokens');
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly transactions: Transactions,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly throttle: AttemptThrottleService,
    private readonly events: AuthEvents,
    private readonly mailer: MailerService,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /**
   * Inside the caller's transaction: a new token for `userId`. The account's earlier unused tokens
   * of the same purpose stop working, so only the latest link does.
   */
  async issueIn(manager: EntityManager, userId: string, purpose: PasswordTokenPurpose): Promise<IssuedPasswordToken> {
    const token = randomToken(32);
    const ttl =
      purpose === 'reset'
        ? this.config.onboarding.passwordResetTtlSeconds
        : this.config.onboarding.invitationTtlSeconds;
    await manager.query(`DELETE FROM password_token WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [
      userId,
      purpose,
    ]);
    const [row] = (await manager.query(
      `INSERT INTO password_token (user_id, purpose, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
      [userId, purpose, sha256Hex(token), ttl],
    )) as { expires_at: Date }[];
    return { token, expiresAt: new Date(row.expires_at) };
  }

  /**
   * Asks for a reset mail. Answers at once and the same for every email (nothing is looked up
   * before the answer); 429 only when this source address asked too often. An account gets at
   * most `PASSWORD_RESET_MAX_PER_HOUR` mails an hour; further requests are dropped silently.
   */
  async requestReset(ctx: RequestContext, email: string): Promise<void> {
    const perHour = this.config.onboarding.passwordResetMaxPerHour;
    const ipKey = `auth:reset:ip:${ctx.ip ?? 'unknown'}`;
    const emailKey = `auth:reset:email:${createHash('sha256').update(normalizeEmail(email).toLowerCase()).digest('base64url')}`;
    const [[, ipCount], , [, ipTtl], [, emailCount]] = (await this.redis
      .multi()
      .incr(ipKey)
      .expire(ipKey, WINDOW_SECONDS, 'NX')
      .ttl(ipKey)
      .incr(emailKey)
      .expire(emailKey, WINDOW_SECONDS, 'NX')
      .exec()) as [Error | null, number][];
    // Only the address's allowance is announced: the account's says whether an email is known.
    const standing: RateLimitState = {
      policy: 'password-reset',
      limit: perHour * IP_FACTOR,
      windowSeconds: WINDOW_SECONDS,
      remaining: Math.max(0, perHour * IP_FACTOR - ipCount),
      resetSeconds: Math.max(1, ipTtl),
    };
    ctx.rateLimits?.report(standing);
    if (ipCount > perHour * IP_FACTOR) {
      throw new TooManyRequestsError({
        code: 'too_many_attempts',
        detail: 'Too many password reset requests from this address; try again later.',
        retryAfterSeconds: Math.max(1, ipTtl),
        rateLimit: standing,
      });
    }
    if (emailCount > perHour) return;
    const work = this.sendReset(ctx, email).catch((error: unknown) =>
      this.logger.error({ err: (error as Error).message }, 'Password reset request failed'),
    );
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  private async sendReset(ctx: RequestContext, email: string): Promise<void> {
    const issued = await this.transactions.run(ctx, async (ctx, manager) => {
      const user = await manager
        .getRepository(UserEntity)
        .createQueryBuilder('u')
        .where('lower(u.email) = lower(:email)', { email: normalizeEmail(email) })
        .getOne();
      if (!user || !isUserUsable(user, new Date())) return undefined;
      const token = await this.issueIn(manager, user.id, 'reset');
      await this.events.record(
        ctx,
        { action: 'auth.password.reset_requested', subjectId: user.id, details: { mailed: this.mailer.enabled } },
        manager,
      );
      return { user, ...token };
    });
    if (!issued) return;
    await this.mailer.send(issued.user.email, {
      kind: 'password_reset',
      link: this.mailer.link('password-reset', issued.token),
      expiresAt: issued.expiresAt,
    });
  }

  /**
   * Sets a new password with a token (reset or set-up). Unknown tokens answer 400
   * `password_token_invalid`, used or expired ones 410 `password_token_used` /
   * `password_token_expired`, weak passwords 400 `password_weak`; none of them consumes the token.
   * Of two concurrent uses of one token, one wins. Every session of the account is revoked.
   */
  async setPassword(
    ctx: RequestContext,
    token: string,
    password: string,
  ): Promise<{ purpose: PasswordTokenPurpose; revokedSessions: number }> {
    await this.throttle.reserveTokenGuess('password', ctx);
    const tokenHash = sha256Hex(token);
    const [found] = (await this.transactions
      .manager(ctx)
      // Tokens of accounts that are not active (disabled, erased) are unknown tokens.
      .query(
        `SELECT t.used_at, t.expires_at <= now() AS expired FROM password_token t
          JOIN user_account u ON u.id = t.user_id AND u.status = 'active' WHERE t.token_hash = $1`,
        [tokenHash],
      )) as { used_at: Date | null; expired: boolean }[];
    if (!found) throw tokenInvalid();
    await this.throttle.refundTokenGuess('password', ctx);
    if (found.used_at) throw used();
    if (found.expired) throw expired();
    this.hasher.assertAcceptable(password);
    const passwordHash = await this.hasher.hash(password);
    const outcome = await this.transactions.run(ctx, async (ctx, manager) => {
      // The conditional update is the use: of two concurrent requests only one claims the token.
      const [claimed] = (await manager.query(
        `UPDATE password_token SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING user_id, purpose`,
        [tokenHash],
      )) as [{ user_id: string; purpose: PasswordTokenPurpose }[], number];
      const row = claimed[0];
      if (!row) return undefined;
      await manager
        .getRepository(UserEntity)
        .update({ id: row.user_id }, { passwordHash, passwordChangedAt: new Date() });
      await manager.query(`DELETE FROM password_token WHERE user_id = $1 AND used_at IS NULL`, [row.user_id]);
      // The new password, the end of every session and the event commit together.
      const revokedSessions = await this.sessions.revokeAllForUser(ctx, row.user_id, 'password_reset');
      await this.events.record(
        ctx,
        {
          action: row.purpose === 'reset' ? 'auth.password.reset' : 'auth.password.set',
          subjectId: row.user_id,
          details: { revokedSessions },
        },
        manager,
      );
      return { ...row, revokedSessions };
    });
    if (!outcome) throw used();
    const { revokedSessions } = outcome;
    return { purpose: outcome.purpose, revokedSessions };
  }

  /** Lets reset mails already being prepared go out before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }
}

function used(): GoneError {
  return new GoneError({ code: 'password_token_used', detail: 'This password link was already used.' });
}

function expired(): GoneError {
  return new GoneError({
    code: 'password_token_expired',
    detail: 'This password link has expired; ask for a new one.',
  });
}
