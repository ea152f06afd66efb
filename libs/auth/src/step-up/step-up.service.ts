import { Injectable } from '@nestjs/common';
import { BadRequestError, ForbiddenError, UnauthorizedError, type RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { TotpService } from '../mfa/totp.service.js';
import { AttemptThrottleService } from '../throttle/attempt-throttle.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UserEntity } from '../users/user.entity.js';

export interface StepUpInput {
  /** TOTP or recovery code: accounts with MFA on. */
  code?: string;
  /** The password: accounts without MFA. */
  password?: string;
}

export interface StepUpResult {
  /** Until when sensitive actions are allowed without proving a factor again. */
  expiresAt: Date;
  factor: 'totp' | 'recovery_code' | 'password';
  recoveryCodesRemaining?: number;
}

/**
 * Step-up: sensitive actions (routes marked `@StepUp()`) need the session to have proven the
 * account's strongest factor within `AUTH_STEP_UP_MINUTES`: a second factor (TOTP or recovery
 * code) when MFA is on, the password otherwise. Signing in counts, and so does
 * `POST /auth/step-up`. The time is kept on the session row (`auth_session.step_up_at`), so a
 * client cannot claim it, and it ends with the session. API keys have no session and no second
 * factor: they can never be fresh (403 `step_up_unavailable`).
 */
@Injectable()
export class StepUpService {
  constructor(
    private readonly transactions: Transactions,
    private readonly totp: TotpService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: AttemptThrottleService,
    private readonly events: AuthEvents,
    private readonly config: AppConfig,
  ) {}

  /** Throws unless the caller's session proved its factor recently enough. */
  async assertFresh(ctx: RequestContext): Promise<void> {
    if (ctx.actor.type !== 'user' || !ctx.sessionId) {
      throw new ForbiddenError({
        code: 'step_up_unavailable',
        detail: 'This action needs a person who signed in and recently proved a second factor; API keys cannot.',
      });
    }
    if (!(await this.expiresAt(ctx))) {
      throw new UnauthorizedError({
        code: 'step_up_required',
        detail: `This action needs a second factor (or, without two-factor, your password) from the last ${this.minutes()}; send it to POST /api/v1/auth/step-up and retry.`,
      });
    }
  }

  /** When the caller's freshness ends, or null when it is not fresh now (database clock). */
  async expiresAt(ctx: RequestContext): Promise<Date | null> {
    if (ctx.actor.type !== 'user' || !ctx.sessionId) return null;
    const [row] = (await this.transactions.manager(ctx).query(
      `SELECT step_up_at + make_interval(secs => $3) AS until FROM auth_session
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
          AND step_up_at > now() - make_interval(secs => $3)`,
      [ctx.sessionId, ctx.actor.userId, this.config.auth.stepUpSeconds],
    )) as { until: Date }[];
    return row ? new Date(row.until) : null;
  }

  /**
   * Proves the account's strongest factor again and marks the session fresh. Accounts with MFA
   * send `code` (TOTP or recovery code, 400 `step_up_code_required` otherwise); accounts without
   * send `password` (400 `step_up_password_required`). Wrong: 401 `credentials_invalid`; guesses
   * are throttled like sign-in (429).
   */
  async stepUp(ctx: RequestContext, input: StepUpInput): Promise<StepUpResult> {
    if (ctx.actor.type !== 'user' || !ctx.sessionId) {
      throw new ForbiddenError({ code: 'step_up_unavailable', detail: 'Only a signed-in session can step up.' });
    }
    const userId = ctx.actor.userId!;
    const user = await this.transactions
      .manager(ctx)
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :userId', { userId })
      .getOneOrFail();
    let factor: StepUpResult['factor'];
    let recoveryCodesRemaining: number | undefined;
    if (user.mfaEnabled) {
      if (!input.code || input.password !== undefined) {
        throw new BadRequestError({
          code: 'step_up_code_required',
          detail: 'This account uses two-factor authentication: send `code` (a TOTP or recovery code) only.',
        });
      }
      ({ factor, recoveryCodesRemaining } = await this.totp.verifySecondFactor(ctx, userId, input.code));
    } else {
      if (!input.password || input.code !== undefined) {
        throw new BadRequestError({
          code: 'step_up_password_required',
          detail: 'Two-factor authentication is off for this account: send `password` only.',
        });
      }
      await this.verifyPassword(ctx, user, input.password);
      factor = 'password';
    }
    const expiresAt = await this.transactions.run(ctx, async (ctx, manager) => {
      const [rows] = (await manager.query(
        `UPDATE auth_session SET step_up_at = now()
          WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
          RETURNING step_up_at + make_interval(secs => $3) AS until`,
        [ctx.sessionId, userId, this.config.auth.stepUpSeconds],
      )) as [{ until: Date }[], number];
      if (!rows[0])
        throw new UnauthorizedError({ code: 'token_invalid', detail: 'This session has ended; sign in again.' });
      await this.events.record(
        ctx,
        { action: 'auth.step_up.succeeded', subjectId: userId, details: { sessionId: ctx.sessionId, factor } },
        manager,
      );
      return new Date(rows[0].until);
    });
    return { expiresAt, factor, recoveryCodesRemaining };
  }

  private async verifyPassword(ctx: RequestContext, user: UserEntity, password: string): Promise<void> {
    const subject = user.email.toLowerCase();
    // The same counters as sign-in: step-up is no side door for password guesses.
    await this.throttle.reserve('login', subject, ctx).catch(async (error: unknown) => {
      await this.events.record(ctx, {
        action: 'auth.login.throttled',
        subjectId: user.id,
        details: { factor: 'password', stepUp: true },
      });
      throw error;
    });
    if (!(await this.hasher.verify(user.passwordHash, password))) {
      await this.events.record(ctx, {
        action: 'auth.step_up.failed',
        subjectId: user.id,
        details: { sessionId: ctx.sessionId, factor: 'password' },
      });
      throw new UnauthorizedError({ code: 'credentials_invalid', detail: 'The password is not correct.' });
    }
    await this.throttle.refund('login', subject, ctx);
  }

  private minutes(): string {
    const minutes = this.config.auth.stepUpSeconds / 60;
    return minutes === 1 ? '1 minute' : `${Number(minutes.toFixed(2))} minutes`;
  }
}
