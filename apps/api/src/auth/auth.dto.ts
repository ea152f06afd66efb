import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { TokenPair, TotpSetup, UserEntity } from '../../../../libs/auth/src/index.js';
import type { RequestContext } from '../../../../libs/common/src/index.js';

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

export class TokenResponseDto {
  @ApiProperty({ description: 'EdDSA-signed JWT to send as `Authorization: Bearer ...`.' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, single-use token for `POST /auth/refresh`.' })
  refreshToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expiresIn: number;
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
}

export class MfaSetupResponseDto {
  @ApiProperty({ description: 'Base32 TOTP secret, for manual entry.' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/fusiongate:ada%40studio.example?secret=...&issuer=fusiongate' })
  otpauthUrl: string;

  @ApiProperty({ description: 'QR code of `otpauthUrl` as a PNG data URL.' })
  qrCodeDataUrl: string;
}

export class PasswordChangedResponseDto {
  @ApiProperty({ description: 'How many other sessions were signed out.' })
  revokedSessions: number;
}

export const toTokenResponse = (pair: TokenPair): TokenResponseDto => ({
  accessToken: pair.accessToken,
  refreshToken: pair.refreshToken,
  tokenType: pair.tokenType,
  expiresIn: pair.expiresIn,
});

export const toMfaSetupResponse = (setup: TotpSetup): MfaSetupResponseDto => ({ ...setup });

export function toMeResponse(ctx: RequestContext, user: UserEntity | null): MeResponseDto {
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
  };
}
