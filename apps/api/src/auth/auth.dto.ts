import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  RECOVERY_CODE_PATTERN,
  type LoginResult,
  type SessionEntity,
  type StepUpResult,
  type TokenPair,
  type TotpSetup,
  type UserEntity,
} from '#libs/auth';
import { PageQueryDto, type Page, type RequestContext } from '#libs/common';

/** A 6-digit TOTP code or a recovery code (`xxxx-xxxx-xxxx-xxxx`). */
const SECOND_FACTOR = new RegExp(`^(?:\\d{6}|${RECOVERY_CODE_PATTERN.source.slice(1, -1)})$`, 'i');
const RECOVERY_CODE_EXAMPLE = '7k2m-9qfa-x3hd-0bwe';
/** Where the caller's pending enrolment is shown as a PNG (relative to the API's origin). */
const MFA_QR_CODE_PATH = '/api/v1/auth/mfa/setup/qr.png';
const MFA_ENABLED_MESSAGE =
  'Two-factor authentication is on. Store the recovery codes, then sign in again (POST /api/v1/auth/login with ' +
  '`totp`) and use the new access token (Swagger UI: Authorize): this one does not carry the second factor.';

export class LoginDto {
  @ApiProperty({ example: 'ada@studio.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ description: 'The account password.', format: 'password' })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ description: 'Current 6-digit TOTP code; required when two-factor is on.', example: '123456' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be 6 digits' })
  totp?: string;

  @ApiPropertyOptional({
    description: 'A recovery code instead of `totp` (each works once), when the authenticator is lost.',
    example: RECOVERY_CODE_EXAMPLE,
  })
  @IsOptional()
  @IsString()
  @Matches(RECOVERY_CODE_PATTERN, { message: 'recoveryCode must look like xxxx-xxxx-xxxx-xxxx' })
  recoveryCode?: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh (single use).' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ format: 'password', minLength: 12, description: 'At least 12 characters, not a common password.' })
  @IsString()
  @MaxLength(1024)
  newPassword: string;
}

export class MfaCodeDto {
  @ApiProperty({ example: '123456', description: 'Current 6-digit code from the authenticator app.' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class SecondFactorCodeDto {
  @ApiProperty({
    example: '123456',
    description: 'Current 6-digit code from the authenticator app, or an unused recovery code.',
  })
  @IsString()
  @Matches(SECOND_FACTOR, { message: 'code must be 6 digits or a recovery code (xxxx-xxxx-xxxx-xxxx)' })
  code: string;
}

export class StepUpDto {
  @ApiPropertyOptional({
    example: '123456',
    description: 'Accounts with two-factor on: a current TOTP code or an unused recovery code.',
  })
  @IsOptional()
  @IsString()
  @Matches(SECOND_FACTOR, { message: 'code must be 6 digits or a recovery code (xxxx-xxxx-xxxx-xxxx)' })
  code?: string;

  @ApiPropertyOptional({ format: 'password', description: 'Accounts without two-factor: the password.' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}

export class StepUpResponseDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Sensitive actions are allowed in this session until then.',
  })
  stepUpExpiresAt: string;

  @ApiProperty({ enum: ['totp', 'recovery_code', 'password'] })
  factor: string;

  @ApiPropertyOptional({ description: 'After a recovery code: how many unused codes are left.' })
  recoveryCodesRemaining?: number;
}

export class RecoveryCodesResponseDto {
  @ApiProperty({
    type: [String],
    example: [RECOVERY_CODE_EXAMPLE],
    description: 'Ten single-use recovery codes. Shown this once: store them somewhere safe.',
  })
  recoveryCodes: string[];
}

export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'User agent of the device that signed in.' })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Address the session signed in from.' })
  ip: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Last request or refresh (updated at most once a minute).',
  })
  lastUsedAt: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'The session ends then at the latest.' })
  expiresAt: string;

  @ApiProperty({ description: 'Signed in with a second factor.' })
  mfa: boolean;

  @ApiProperty({ description: 'The session making this request.' })
  current: boolean;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionResponseDto] })
  items: SessionResponseDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class SessionListQueryDto extends PageQueryDto {}

export class RevokeAllSessionsDto {
  @ApiPropertyOptional({ default: true, description: 'Keep the session making this request signed in.' })
  @IsOptional()
  @IsBoolean()
  keepCurrent?: boolean;
}

export class SessionsRevokedResponseDto {
  @ApiProperty({ description: 'How many sessions were signed out.' })
  revokedSessions: number;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'EdDSA-signed JWT to send as `Authorization: Bearer ...`.' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, single-use token for `POST /auth/refresh`.' })
  refreshToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expiresIn: number;

  @ApiPropertyOptional({ description: 'After a recovery-code sign-in: how many unused codes are left.' })
  recoveryCodesRemaining?: number;
}

export class MeResponseDto {
  @ApiProperty({ enum: ['user', 'api_key'] })
  type: 'user' | 'api_key';

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiPropertyOptional()
  email?: string;

  @ApiPropertyOptional()
  displayName?: string;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  status?: string;

  @ApiProperty()
  isPlatformAdmin: boolean;

  @ApiProperty({ description: 'Two-factor authentication is on for the account.' })
  mfaEnabled: boolean;

  @ApiProperty({ description: 'This request was authenticated with a second factor.' })
  mfa: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  expiresAt?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  lastLoginAt?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'API keys: the organization the key belongs to.' })
  organizationId?: string;

  @ApiPropertyOptional({ type: [String], description: 'API keys: the permissions the key is limited to.' })
  permissions?: string[];

  @ApiPropertyOptional({ description: 'Users with two-factor on: unused recovery codes left.' })
  recoveryCodesRemaining?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Users: until when sensitive actions need no step-up (null: step up first).',
  })
  stepUpExpiresAt?: string | null;
}

export class MfaSetupResponseDto {
  @ApiProperty({ description: 'Base32 TOTP secret, for manual entry.' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/fusiongate:ada%40studio.example?secret=...&issuer=fusiongate' })
  otpauthUrl: string;

  @ApiProperty({ description: 'QR code of `otpauthUrl` as a PNG data URL.' })
  qrCodeDataUrl: string;

  @ApiProperty({
    example: MFA_QR_CODE_PATH,
    description: 'The same QR code as an image (`GET`, with the same bearer token): Swagger UI displays it.',
  })
  qrCodeUrl: string;
}

export class MfaEnabledResponseDto extends RecoveryCodesResponseDto {
  @ApiProperty({
    example: true,
    description:
      'Always true: the token used here does not carry the second factor; sign in again with `totp` to get one that does.',
  })
  signInAgain: true;

  @ApiProperty({ example: MFA_ENABLED_MESSAGE })
  message: string;
}

export class PasswordChangedResponseDto {
  @ApiProperty({ description: 'How many other sessions were signed out.' })
  revokedSessions: number;
}

export const toTokenResponse = (pair: TokenPair | LoginResult): TokenResponseDto => ({
  accessToken: pair.accessToken,
  refreshToken: pair.refreshToken,
  tokenType: pair.tokenType,
  expiresIn: pair.expiresIn,
  ...('recoveryCodesRemaining' in pair && pair.recoveryCodesRemaining !== undefined
    ? { recoveryCodesRemaining: pair.recoveryCodesRemaining }
    : {}),
});

export const toStepUpResponse = (result: StepUpResult): StepUpResponseDto => ({
  stepUpExpiresAt: result.expiresAt.toISOString(),
  factor: result.factor,
  ...(result.recoveryCodesRemaining === undefined ? {} : { recoveryCodesRemaining: result.recoveryCodesRemaining }),
});

export const toSessionResponse = (ctx: RequestContext, session: SessionEntity): SessionResponseDto => ({
  id: session.id,
  userAgent: session.userAgent,
  ip: session.ip,
  createdAt: session.createdAt.toISOString(),
  lastUsedAt: session.lastUsedAt.toISOString(),
  expiresAt: session.expiresAt.toISOString(),
  mfa: session.mfa,
  current: session.id === ctx.sessionId,
});

export const toSessionPage = (ctx: RequestContext, page: Page<SessionEntity>): SessionPageDto => ({
  items: page.items.map((session) => toSessionResponse(ctx, session)),
  nextCursor: page.nextCursor,
});

export const toMfaSetupResponse = (setup: TotpSetup): MfaSetupResponseDto => ({
  ...setup,
  qrCodeUrl: MFA_QR_CODE_PATH,
});

export const toMfaEnabledResponse = (recoveryCodes: string[]): MfaEnabledResponseDto => ({
  recoveryCodes,
  signInAgain: true,
  message: MFA_ENABLED_MESSAGE,
});

export function toMeResponse(
  ctx: RequestContext,
  user: UserEntity | null,
  factors: { recoveryCodesRemaining?: number; stepUpExpiresAt?: Date | null } = {},
): MeResponseDto {
  if (ctx.actor.type === 'api_key' || !user) {
    return {
      type: 'api_key',
      id: ctx.actor.id,
      isPlatformAdmin: false,
      mfaEnabled: false,
      mfa: false,
      organizationId: ctx.organizationId,
      permissions: ctx.apiKeyScope?.permissions ?? [],
    };
  }
  return {
    type: 'user',
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    status: user.status,
    isPlatformAdmin: user.isPlatformAdmin,
    mfaEnabled: user.mfaEnabled,
    mfa: ctx.mfa,
    expiresAt: user.expiresAt?.toISOString() ?? null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    ...(user.mfaEnabled ? { recoveryCodesRemaining: factors.recoveryCodesRemaining ?? 0 } : {}),
    stepUpExpiresAt: factors.stepUpExpiresAt?.toISOString() ?? null,
  };
}
