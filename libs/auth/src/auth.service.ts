import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { BadRequestError, UnauthorizedError, type RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { AuthEvents } from './auth-events.js';
import { RecoveryCodeService } from './mfa/recovery-code.service.js';
import { TotpService } from './mfa/totp.service.js';
import { isUserUsable, SessionService, type TokenPair } from './sessions/session.service.js';
import { AttemptThrottleService } from './throttle/attempt-throttle.service.js';
import type { AuthMethod } from './tokens/access-token.service.js';
import { PasswordHasher } from './users/password-hasher.js';
import { UserEntity } from './users/user.entity.js';
import { normalizeEmail } from './users/user.service.js';

export interface LoginInput {
  email: string;
  password: string;
  totp?: string;
  /** Stands in for `totp` when the authenticator is lost (single use). */
  recoveryCode?: string;
}

/**
 * A rule a password sign-in must also pass once the password proved right, registered by the lib
 * that owns it (single sign-on refuses accounts whose organization requires it). It throws the
 * refusal; its `code` is audited as the failure's reason.
 */
export type PasswordSignInRule = (ctx: RequestContext, user: UserEntity) => Promise<void>;

/** A session plus, after a recovery-code sign-in, how many codes the account has left. */
export type LoginResult = TokenPair & { recoveryCodesRemaining?: number };

const credentialsInvalid = () =>
  new UnauthorizedError({ code: 'credentials_invalid', detail: 'The email or password is not correct.' });

/** Sign-in, sign-out and password change. */
@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodeService,
    private readonly throttle: AttemptThrottleService,
    private readonly events: AuthEvents,
    private readonly transactions: Transactions,
  ) {}

  private readonly passwordRules: PasswordSignInRule[] = [];

  /** Adds a rule every password sign-in must pass (checked after the password, so it reveals nothing). */
  addPasswordSignInRule(rule: PasswordSignInRule): void {
    this.passwordRules.push(rule);
  }

  /**
   * Checks email, password and (when enabled) the one-time code, then opens a session. Unknown
   * emails cost the same argon2 work and get the same answer as a wrong password.
   */
  async login(ctx: RequestContext, input: LoginInput): Promise<LoginResult> {
    if (input.totp !== undefined && input.recoveryCode !== undefined) {
      throw new BadRequestError({
        code: 'second_factor_ambiguous',
        detail: 'Send either `totp` or `recoveryCode`, not both.',
      });
    }
    const email = normalizeEmail(input.email).toLowerCase();
    // Reserved (checked and counted as a failure) before the slow hash, refunded once it proves right.
    await this.throttle.reserve('login', email, ctx).catch(async (error: unknown) => {
      await this.events.record(ctx, { action: 'auth.login.throttled', details: { email } });
      throw error;
    });
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = :email', { email })
      .getOne();
    if (!(await this.hasher.verify(user?.passwordHash, input.password))) {
      await this.events.record(ctx, { action: 'auth.login.failed', subjectId: user?.id, details: { email } });
      throw credentialsInvalid();
    }
    await this.throttle.refund('login', email, ctx);
    const account = user!;
    if (!isUserUsable(account, new Date())) {
      await this.events.record(ctx, {
        action: 'auth.login.failed',
        subjectId: account.id,
        details: { email, reason: 'account_disabled' },
      });
      throw new UnauthorizedError({ code: 'account_disabled', detail: 'This account is disabled or has expired.' });
    }
    for (const rule of this.passwordRules) {
      await rule(ctx, account).catch(async (error: unknown) => {
        const reason = (error as { code?: unknown }).code;
        await this.events.record(ctx, {
          action: 'auth.login.failed',
          subjectId: account.id,
          details: { email, reason: typeof reason === 'string' ? reason : 'refused' },
        });
        throw error;
      });
    }
    const amr: AuthMethod[] = ['pwd'];
    let recoveryCodesRemaining: number | undefined;
    if (account.mfaEnabled) {
      const code = input.totp ?? input.recoveryCode;
      if (!code) {
        throw new UnauthorizedError({
          code: 'mfa_required',
          detail: 'This account needs a one-time code (`totp`) or a recovery code (`recoveryCode`).',
        });
      }
      // A recovery code is a one-time password too (RFC 8176 `otp`); the audit names which was used.
      if (input.totp) await this.totp.verifyForLogin(ctx, account.id, input.totp);
      else recoveryCodesRemaining = await this.recoveryCodes.consume(ctx, account.id, code);
      amr.push('otp', 'mfa');
    }
    await this.throttle.rememberAddress('login', email, ctx.ip);
    await this.users.update({ id: account.id }, { lastLoginAt: new Date() });
    const pair = await this.sessions.start(ctx, account, amr);
    await this.events.record(ctx, {
      action: 'auth.login.succeeded',
      subjectId: account.id,
      details: {
        sessionId: pair.sessionId,
        amr,
        ...(recoveryCodesRemaining === undefined ? {} : { factor: 'recovery_code', recoveryCodesRemaining }),
      },
    });
    return recoveryCodesRemaining === undefined ? pair : { ...pair, recoveryCodesRemaining };
  }

  /** Ends the caller's session: its refresh tokens stop working at once, access tokens at the next request. */
  async logout(ctx: RequestContext): Promise<void> {
    if (!ctx.sessionId) return;
    await this.sessions.revoke(ctx, ctx.sessionId, 'logout');
    await this.events.record(ctx, {
      action: 'auth.logout',
      subjectId: ctx.actor.userId,
      details: { sessionId: ctx.sessionId },
    });
  }

  /** Changes the caller's password (current one required) and revokes every other session. */
  async changePassword(
    ctx: RequestContext,
    currentPassword: string,
    newPassword: string,
  ): Promise<{ revokedSessions: number }> {
    const userId = ctx.actor.userId!;
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :userId', { userId })
      .getOneOrFail();
    const subject = user.email.toLowerCase();
    await this.throttle.reserve('login', subject, ctx);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      throw new UnauthorizedError({ code: 'credentials_invalid', detail: 'The current password is not correct.' });
    }
    await this.throttle.refund('login', subject, ctx);
    this.hasher.assertAcceptable(newPassword);
    const passwordHash = await this.hasher.hash(newPassword);
    // The new password, the end of every other session and the event commit together: a failure
    // cannot leave the new password with the old sessions alive.
    return this.transactions.run(ctx, async (ctx, manager) => {
      await manager.getRepository(UserEntity).update({ id: userId }, { passwordHash, passwordChangedAt: new Date() });
      const revokedSessions = await this.sessions.revokeAllForUser(ctx, userId, 'password_changed', ctx.sessionId);
      await this.events.record(
        ctx,
        { action: 'auth.password.changed', subjectId: userId, details: { revokedSessions } },
        manager,
      );
      return { revokedSessions };
    });
  }
}
