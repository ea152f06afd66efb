import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { Repository } from 'typeorm';
import { ConflictError, UnauthorizedError, type RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { SessionService } from '../sessions/session.service.js';
import { SecretBox } from '../crypto/secret-box.js';
import { AttemptThrottleService } from '../throttle/attempt-throttle.service.js';
import { UserEntity } from '../users/user.entity.js';
import { isRecoveryCode, RecoveryCodeService } from './recovery-code.service.js';

const PERIOD_SECONDS = 30;
/** Associated data binding sealed TOTP secrets to their use. */
export const TOTP_SECRET_PURPOSE = 'totp-secret';

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  /** PNG of the otpauth URL as a data URL, for authenticator apps. */
  qrCodeDataUrl: string;
}

const codeInvalid = () =>
  new UnauthorizedError({ code: 'credentials_invalid', detail: 'The one-time code is not valid.' });

/**
 * TOTP (RFC 6238, 6 digits, 30 s, ±1 step). Secrets are encrypted at rest; the last accepted time
 * step is stored and only later steps are accepted, so a code works once. Wrong codes are
 * throttled per user like passwords.
 */
@Injectable()
export class TotpService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly box: SecretBox,
    private readonly throttle: AttemptThrottleService,
    private readonly transactions: Transactions,
    private readonly events: AuthEvents,
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
    private readonly recoveryCodes: RecoveryCodeService,
  ) {}

  /** Starts enrolment: a new pending secret, replaced by any later setup until enabled. */
  async setup(ctx: RequestContext, userId: string): Promise<TotpSetup> {
    const user = await this.users.findOneByOrFail({ id: userId });
    if (user.mfaEnabled)
      throw new ConflictError({ code: 'mfa_already_enabled', detail: 'Two-factor authentication is already on.' });
    const secret = generateSecret();
    await this.users.update({ id: userId }, { mfaPendingSecretEnc: this.box.encrypt(secret, TOTP_SECRET_PURPOSE) });
    const otpauthUrl = this.otpauthUrl(user, secret);
    return { secret, otpauthUrl, qrCodeDataUrl: await QRCode.toDataURL(otpauthUrl) };
  }

  /**
   * The QR code (PNG) of the caller's pending enrolment, the image `setup` answered as a data URL,
   * so an authenticator app can scan it from a browser (Swagger UI renders image answers).
   * 409 `mfa_setup_required` without a pending enrolment, `mfa_already_enabled` once it is on.
   */
  async pendingQrCode(ctx: RequestContext, userId: string): Promise<Buffer> {
    const user = await this.withSecrets(userId);
    if (user.mfaEnabled)
      throw new ConflictError({ code: 'mfa_already_enabled', detail: 'Two-factor authentication is already on.' });
    if (!user.mfaPendingSecretEnc)
      throw new ConflictError({ code: 'mfa_setup_required', detail: 'Call /auth/mfa/setup first.' });
    const secret = this.box.decrypt(user.mfaPendingSecretEnc, TOTP_SECRET_PURPOSE);
    return QRCode.toBuffer(this.otpauthUrl(user, secret), { type: 'png' });
  }

  /**
   * Confirms enrolment with a code from the pending secret and returns the ten recovery codes,
   * shown this once. The code just proved the new factor, so the caller's session is fresh for
   * sensitive actions; the account's other sessions must prove it before theirs are.
   */
  async enable(ctx: RequestContext, userId: string, code: string): Promise<string[]> {
    const user = await this.withSecrets(userId);
    if (user.mfaEnabled)
      throw new ConflictError({ code: 'mfa_already_enabled', detail: 'Two-factor authentication is already on.' });
    if (!user.mfaPendingSecretEnc)
      throw new ConflictError({ code: 'mfa_setup_required', detail: 'Call /auth/mfa/setup first.' });
    const secret = this.box.decrypt(user.mfaPendingSecretEnc, TOTP_SECRET_PURPOSE);
    return this.transactions.run(ctx, async (ctx, manager) => {
      await this.consume(ctx, user, secret, code, manager.getRepository(UserEntity));
      await manager
        .getRepository(UserEntity)
        .update(
          { id: userId },
          { mfaEnabled: true, mfaSecretEnc: user.mfaPendingSecretEnc, mfaPendingSecretEnc: null },
        );
      await this.sessions.secondFactorProvedIn(manager, userId, ctx.sessionId);
      const codes = await this.recoveryCodes.replaceIn(manager, userId);
      await this.events.record(
        ctx,
        { action: 'auth.mfa.enabled', subjectId: userId, details: { recoveryCodes: codes.length } },
        manager,
      );
      return codes;
    });
  }

  /** New recovery codes for a user with MFA on, against a current TOTP code; the old ones stop working. */
  async regenerateRecoveryCodes(ctx: RequestContext, userId: string, code: string): Promise<string[]> {
    const user = await this.withSecrets(userId);
    if (!user.mfaEnabled || !user.mfaSecretEnc)
      throw new ConflictError({ code: 'mfa_not_enabled', detail: 'Two-factor authentication is off.' });
    const secret = this.box.decrypt(user.mfaSecretEnc, TOTP_SECRET_PURPOSE);
    return this.transactions.run(ctx, async (ctx, manager) => {
      await this.consume(ctx, user, secret, code, manager.getRepository(UserEntity));
      const codes = await this.recoveryCodes.replaceIn(manager, userId);
      await this.events.record(
        ctx,
        { action: 'auth.mfa.recovery_codes_generated', subjectId: userId, details: { count: codes.length } },
        manager,
      );
      return codes;
    });
  }

  /**
   * Turns MFA off; needs a current code (TOTP or recovery code), and the route a recent step-up.
   * The recovery codes go with it. Every other session of the user ends and the caller's own stops
   * claiming a second factor from its next refresh, so no token outlives the factor it claims.
   */
  async disable(ctx: RequestContext, userId: string, code: string): Promise<void> {
    const user = await this.withSecrets(userId);
    if (!user.mfaEnabled || !user.mfaSecretEnc)
      throw new ConflictError({ code: 'mfa_not_enabled', detail: 'Two-factor authentication is off.' });
    const revoked = await this.transactions.run(ctx, async (ctx, manager) => {
      if (isRecoveryCode(code)) await this.recoveryCodes.consume(ctx, userId, code, manager);
      else {
        await this.consume(
          ctx,
          user,
          this.box.decrypt(user.mfaSecretEnc!, TOTP_SECRET_PURPOSE),
          code,
          manager.getRepository(UserEntity),
        );
      }
      await this.recoveryCodes.deleteIn(manager, userId);
      await manager
        .getRepository(UserEntity)
        .update(
          { id: userId },
          { mfaEnabled: false, mfaSecretEnc: null, mfaPendingSecretEnc: null, mfaLastStep: null },
        );
      const revoked = await this.sessions.withdrawSecondFactorIn(manager, userId, ctx.sessionId, 'mfa_disabled');
      await this.events.record(
        ctx,
        { action: 'auth.mfa.disabled', subjectId: userId, details: { revokedSessions: revoked.length } },
        manager,
      );
      return revoked;
    });
    await this.sessions.forget(revoked);
  }

  /** Checks a login code of a user with MFA on; throws 401/429 when it is wrong, replayed or throttled. */
  async verifyForLogin(ctx: RequestContext, userId: string, code: string): Promise<void> {
    const user = await this.withSecrets(userId);
    if (!user.mfaEnabled || !user.mfaSecretEnc) throw codeInvalid();
    await this.consume(ctx, user, this.box.decrypt(user.mfaSecretEnc, TOTP_SECRET_PURPOSE), code, this.users);
  }

  /**
   * Checks the second factor of a user with MFA on: a TOTP code, or a recovery code (consumed).
   * Throws 401 `credentials_invalid` / 429 like `verifyForLogin`.
   */
  async verifySecondFactor(
    ctx: RequestContext,
    userId: string,
    code: string,
  ): Promise<{ factor: 'totp' | 'recovery_code'; recoveryCodesRemaining?: number }> {
    if (!isRecoveryCode(code)) {
      await this.verifyForLogin(ctx, userId, code);
      return { factor: 'totp' };
    }
    return { factor: 'recovery_code', recoveryCodesRemaining: await this.recoveryCodes.consume(ctx, userId, code) };
  }

  /** Verifies `code` and records its time step so it cannot be used again. */
  private async consume(
    ctx: RequestContext,
    user: UserEntity,
    secret: string,
    code: string,
    repo: Repository<UserEntity>,
  ): Promise<void> {
    await this.throttle.reserve('totp', user.id, ctx).catch(async (error: unknown) => {
      await this.events.record(ctx, {
        action: 'auth.login.throttled',
        subjectId: user.id,
        details: { factor: 'totp' },
      });
      throw error;
    });
    // The code counts as a failed guess from here until it proves right (parallel guesses are bounded).
    const lastStep = user.mfaLastStep === null ? undefined : Number(user.mfaLastStep);
    const result = /^\d{6}$/.test(code)
      ? await verify({ secret, token: code, epochTolerance: PERIOD_SECONDS, afterTimeStep: lastStep }).catch(() => ({
          valid: false as const,
        }))
      : { valid: false as const };
    if (!result.valid) {
      await this.events.record(ctx, { action: 'auth.mfa.failed', subjectId: user.id });
      throw codeInvalid();
    }
    const step = (result as { timeStep: number }).timeStep;
    // Conditional on the stored step: two concurrent uses of one code cannot both pass.
    const [, affected] = (await repo.query(
      `UPDATE user_account SET mfa_last_step = $2 WHERE id = $1 AND (mfa_last_step IS NULL OR mfa_last_step < $2)`,
      [user.id, step],
    )) as [unknown, number];
    if (affected !== 1) throw codeInvalid();
    await this.throttle.refund('totp', user.id, ctx);
  }

  private withSecrets(userId: string): Promise<UserEntity> {
    return this.users
      .createQueryBuilder('u')
      .addSelect(['u.mfaSecretEnc', 'u.mfaPendingSecretEnc', 'u.mfaLastStep'])
      .where('u.id = :userId', { userId })
      .getOneOrFail();
  }

  private otpauthUrl(user: UserEntity, secret: string): string {
    return generateURI({ issuer: this.issuerName(), label: user.email, secret });
  }

  private issuerName(): string {
    try {
      return new URL(this.config.auth.issuer).host || 'fusiongate';
    } catch {
      return this.config.auth.issuer;
    }
  }
}
