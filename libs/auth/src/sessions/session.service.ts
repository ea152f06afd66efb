import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { IsNull, Not, type EntityManager } from 'typeorm';
import { newestFirstPage, NotFoundError, UnauthorizedError, type Page, type RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS, Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { randomToken, SecretBox, sha256Hex } from '../crypto/secret-box.js';
import { AccessTokenService, type AuthMethod } from '../tokens/access-token.service.js';
import { UserEntity } from '../users/user.entity.js';
import { PrincipalCache } from './principal-cache.js';
import { RefreshTokenEntity, SessionEntity } from './session.entity.js';

/** What login and refresh answer. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Seconds until the access token expires. */
  expiresIn: number;
  sessionId: string;
}

/** The methods a session was opened with; sessions from before `amr` was stored are read from `mfa`. */
function sessionAmr(session: SessionEntity): AuthMethod[] {
  if (session.amr) return session.amr as AuthMethod[];
  return session.mfa ? ['pwd', 'otp', 'mfa'] : ['pwd'];
}

/** Associated data binding a cached successor refresh token to its use. */
const SUCCESSOR_PURPOSE = 'refresh-successor';
const successorKey = (tokenHash: string) => `auth:refresh:successor:${tokenHash}`;

const invalidRefresh = () =>
  new UnauthorizedError({ code: 'token_invalid', detail: 'The refresh token is not valid; sign in again.' });

/** True when the account may act now (active and not past its expiry). */
export function isUserUsable(user: { status: string; expiresAt: Date | null }, now: Date): boolean {
  return user.status === 'active' && (!user.expiresAt || user.expiresAt.getTime() > now.getTime());
}

/**
 * Sessions and their refresh-token families. A refresh token is opaque, stored as its SHA-256,
 * and rotated on every use; presenting one that was already rotated means it leaked, so the whole
 * session (every token of the family) is revoked. One exception keeps racing clients (two tabs
 * refreshing at once) signed in: for `refreshReuseGraceSeconds` after a rotation, and while its
 * successor is still unused, the rotated token yields that same successor (kept encrypted in
 * Redis for the grace period) instead of revoking the session.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly transactions: Transactions,
    private readonly accessTokens: AccessTokenService,
    private readonly principals: PrincipalCache,
    private readonly events: AuthEvents,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly box: SecretBox,
  ) {}

  /**
   * Opens a session for a user who just proved who they are. `stepUpFresh: false` when the sign-in
   * did not prove the account's strongest factor just now (single sign-on without the provider's
   * MFA for an account with two-factor on, or a provider session older than the step-up window).
   */
  async start(
    ctx: RequestContext,
    user: UserEntity,
    amr: AuthMethod[],
    options: { stepUpFresh?: boolean } = {},
  ): Promise<TokenPair> {
    return this.transactions
      .run(ctx, async (ctx, manager) => {
        const now = new Date();
        const session = await manager.getRepository(SessionEntity).save({
          userId: user.id,
          mfa: amr.includes('mfa'),
          amr,
          ip: ctx.ip ?? null,
          userAgent: ctx.userAgent?.slice(0, 512) ?? null,
          lastUsedAt: now,
          expiresAt: new Date(now.getTime() + this.config.auth.sessionMaxAgeSeconds * 1000),
          // Signing in proved every factor the account has: fresh for sensitive actions.
          stepUpAt: options.stepUpFresh === false ? null : now,
        });
        return this.storeRefreshToken(manager, session);
      })
      .then(({ session, refreshToken }) => this.pair(session, refreshToken, amr));
  }

  /** Exchanges a refresh token for a new pair; reuse of a rotated token revokes the session. */
  async refresh(ctx: RequestContext, refreshToken: string): Promise<TokenPair> {
    const tokenHash = sha256Hex(refreshToken);
    const outcome = await this.transactions.run(ctx, async (ctx, manager) => {
      // The conditional update is the rotation: of two concurrent uses only one can win.
      const claimed = (await manager.query(
        `UPDATE refresh_token SET rotated_at = now()
          WHERE token_hash = $1 AND rotated_at IS NULL AND expires_at > now()
          RETURNING session_id`,
        [tokenHash],
      )) as [{ session_id: string }[], number];
      const sessionId = claimed[0][0]?.session_id;
      if (!sessionId) {
        const known = await manager
          .getRepository(RefreshTokenEntity)
          .findOneBy({ tokenHash, rotatedAt: Not(IsNull()) });
        if (!known) return { error: invalidRefresh() };
        const successor = await this.graceSuccessor(manager, tokenHash);
        if (successor) {
          const session = await manager.getRepository(SessionEntity).findOneByOrFail({ id: known.sessionId });
          const user = await manager.getRepository(UserEntity).findOneByOrFail({ id: session.userId });
          const now = new Date();
          if (session.revokedAt || session.expiresAt <= now || !isUserUsable(user, now)) {
            return { error: invalidRefresh() };
          }
          await this.events.record(
            ctx,
            {
              action: 'auth.refresh.succeeded',
              subjectId: user.id,
              details: { sessionId: session.id, withinReuseGrace: true },
            },
            manager,
          );
          return { issued: { session, refreshToken: successor } };
        }
        const revoked = await this.revokeIn(manager, [known.sessionId], 'refresh_token_reuse');
        if (revoked.length) {
          await this.events.record(
            ctx,
            { action: 'auth.refresh.reused', details: { sessionId: known.sessionId } },
            manager,
          );
        }
        return { error: invalidRefresh(), revoked };
      }
      const session = await manager.getRepository(SessionEntity).findOneByOrFail({ id: sessionId });
      const user = await manager.getRepository(UserEntity).findOneByOrFail({ id: session.userId });
      const now = new Date();
      if (session.revokedAt || session.expiresAt <= now) return { error: invalidRefresh() };
      if (!isUserUsable(user, now)) {
        return { error: new UnauthorizedError({ code: 'account_disabled', detail: 'This account is disabled.' }) };
      }
      await manager.getRepository(SessionEntity).update({ id: session.id }, { lastUsedAt: now });
      await this.events.record(
        ctx,
        { action: 'auth.refresh.succeeded', subjectId: user.id, details: { sessionId: session.id } },
        manager,
      );
      const issued = await this.storeRefreshToken(manager, session);
      const grace = this.config.auth.refreshReuseGraceSeconds;
      if (grace > 0) {
        // Written before commit: a racing request that waited on this rotation finds it at once.
        await this.redis.set(
          successorKey(tokenHash),
          this.box.encrypt(issued.refreshToken, SUCCESSOR_PURPOSE),
          'EX',
          grace,
        );
      }
      return { issued };
    });
    // Thrown after the transaction so that the family revocation commits.
    if (outcome.revoked) await this.principals.invalidateSessions(outcome.revoked);
    if (outcome.error) throw outcome.error;
    const { session, refreshToken: next } = outcome.issued!;
    return this.pair(session, next, sessionAmr(session));
  }

  /**
   * The successor of a token rotated less than `refreshReuseGraceSeconds` ago (database clock),
   * while that successor is itself unused and live; otherwise undefined (a reuse).
   */
  private async graceSuccessor(manager: EntityManager, tokenHash: string): Promise<string | undefined> {
    const grace = this.config.auth.refreshReuseGraceSeconds;
    if (grace <= 0) return undefined;
    const [recent] = (await manager.query(
      `SELECT 1 FROM refresh_token WHERE token_hash = $1 AND rotated_at > now() - make_interval(secs => $2)`,
      [tokenHash, grace],
    )) as unknown[];
    if (!recent) return undefined;
    const sealed = await this.redis.get(successorKey(tokenHash));
    if (!sealed) return undefined;
    const successor = this.box.decrypt(sealed, SUCCESSOR_PURPOSE);
    const [unused] = (await manager.query(
      `SELECT 1 FROM refresh_token WHERE token_hash = $1 AND rotated_at IS NULL AND expires_at > now()`,
      [sha256Hex(successor)],
    )) as unknown[];
    return unused ? successor : undefined;
  }

  /** Revokes one session (logout). */
  async revoke(ctx: RequestContext, sessionId: string, reason: string): Promise<void> {
    await this.revoking(ctx, (_ctx, manager) => this.revokeIn(manager, [sessionId], reason));
  }

  /** Revokes every live session of a user, except `exceptSessionId` (password change keeps the caller's). */
  async revokeAllForUser(
    ctx: RequestContext,
    userId: string,
    reason: string,
    exceptSessionId?: string,
  ): Promise<number> {
    const revoked = await this.revoking(ctx, (_ctx, manager) =>
      this.revokeOthersIn(manager, userId, exceptSessionId, reason),
    );
    return revoked.length;
  }

  /**
   * Inside the caller's transaction, when the user's second factor goes away: revokes every other
   * live session (their tokens claim `otp`) and marks `keepSessionId` as single-factor, so its next
   * refresh no longer claims it. Returns the revoked ids for `forget` once the transaction commits.
   */
  async withdrawSecondFactorIn(
    manager: EntityManager,
    userId: string,
    keepSessionId: string | undefined,
    reason: string,
  ): Promise<string[]> {
    if (keepSessionId) {
      await manager.query(
        `UPDATE auth_session SET mfa = false, amr = array_remove(array_remove(amr, 'otp'), 'mfa')
          WHERE id = $1 AND user_id = $2`,
        [keepSessionId, userId],
      );
    }
    return this.revokeOthersIn(manager, userId, keepSessionId, reason);
  }

  /** Revokes every live session of the user but `exceptSessionId`; returns the revoked ids. */
  private async revokeOthersIn(
    manager: EntityManager,
    userId: string,
    exceptSessionId: string | undefined,
    reason: string,
  ): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT id FROM auth_session WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [userId, exceptSessionId ?? null],
    )) as { id: string }[];
    return this.revokeIn(
      manager,
      rows.map((r) => r.id),
      reason,
    );
  }

  /**
   * Inside the caller's transaction, when a user proves a new second factor in `sessionId` (MFA
   * turned on): that session is fresh for sensitive actions, the user's others are not until they
   * prove the new factor too (their freshness came from the password alone).
   */
  async secondFactorProvedIn(manager: EntityManager, userId: string, sessionId: string | undefined): Promise<void> {
    await manager.query(
      `UPDATE auth_session SET step_up_at = CASE WHEN id = $2::uuid THEN now() END
        WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, sessionId ?? null],
    );
  }

  /** The caller's live sessions (not revoked, not expired), newest first. */
  async listOwn(ctx: RequestContext, query: { limit?: number; cursor?: string }): Promise<Page<SessionEntity>> {
    const qb = this.transactions
      .manager(ctx)
      .getRepository(SessionEntity)
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId: ctx.actor.userId })
      .andWhere('s.revoked_at IS NULL')
      .andWhere('s.expires_at > now()');
    return newestFirstPage(qb, 's', query);
  }

  /**
   * Signs out one of the caller's own sessions (the current one included). Another user's
   * session, an unknown id or one already ended answers 404 `session_not_found`.
   */
  async revokeOwn(ctx: RequestContext, sessionId: string): Promise<void> {
    const userId = ctx.actor.userId!;
    const revoked = await this.revoking(ctx, async (ctx, manager) => {
      const [rows] = (await manager.query(
        `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'signed_out_by_user'
          WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
        [sessionId, userId],
      )) as [{ id: string }[], number];
      if (rows.length === 0) return [];
      await this.events.record(
        ctx,
        {
          action: 'auth.session.revoked',
          subjectId: userId,
          details: { sessionId, current: sessionId === ctx.sessionId },
        },
        manager,
      );
      return rows.map((r) => r.id);
    });
    if (revoked.length === 0) throw new NotFoundError({ code: 'session_not_found', detail: 'No such session.' });
  }

  /** "Sign out everywhere": every live session of the caller, but the current one when `keepCurrent`. */
  async revokeAllOwn(ctx: RequestContext, keepCurrent: boolean): Promise<number> {
    const userId = ctx.actor.userId!;
    const revoked = await this.revoking(ctx, async (ctx, manager) => {
      const ids = await this.revokeOthersIn(
        manager,
        userId,
        keepCurrent ? ctx.sessionId : undefined,
        'signed_out_everywhere',
      );
      await this.events.record(
        ctx,
        {
          action: 'auth.sessions.revoked_all',
          subjectId: userId,
          details: { revokedSessions: ids.length, keepCurrent },
        },
        manager,
      );
      return ids;
    });
    return revoked.length;
  }

  /**
   * Runs `work` (which revokes sessions and returns their ids) in the context's transaction, and
   * drops the revoked sessions' cached state once it commits: before that, a cache refill could
   * still read them as live.
   */
  private revoking(
    ctx: RequestContext,
    work: (ctx: RequestContext, manager: EntityManager) => Promise<string[]>,
  ): Promise<string[]> {
    return this.transactions.run(ctx, async (ctx, manager) => {
      const revoked = await work(ctx, manager);
      if (revoked.length) {
        await this.transactions.afterCommit(manager, () => this.principals.invalidateSessions(revoked));
      }
      return revoked;
    });
  }

  /** Drops cached state of sessions revoked in a transaction that has committed. */
  async forget(sessionIds: string[]): Promise<void> {
    await this.principals.invalidateSessions(sessionIds);
  }

  private async revokeIn(manager: EntityManager, sessionIds: string[], reason: string): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    const [rows] = (await manager.query(
      `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL RETURNING id`,
      [sessionIds, reason],
    )) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  /** Inside the caller's transaction: a new refresh token of the session's family. */
  private async storeRefreshToken(
    manager: EntityManager,
    session: SessionEntity,
  ): Promise<{ session: SessionEntity; refreshToken: string }> {
    const refreshToken = randomToken(32);
    const idleEnd = Date.now() + this.config.auth.refreshTokenTtlSeconds * 1000;
    await manager.getRepository(RefreshTokenEntity).insert({
      sessionId: session.id,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(Math.min(idleEnd, session.expiresAt.getTime())),
    });
    return { session, refreshToken };
  }

  /**
   * After commit: signs the access token. Signing may load keys from the database, which must not
   * happen while a transaction holds a pooled connection (concurrent logins would exhaust the pool).
   */
  private async pair(session: SessionEntity, refreshToken: string, amr: AuthMethod[]): Promise<TokenPair> {
    const accessToken = await this.accessTokens.issue({ userId: session.userId, sessionId: session.id, amr });
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.accessTokens.ttlSeconds,
      sessionId: session.id,
    };
  }
}
