import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import type { ErasureResult, UserEntity, UserStatus } from '#libs/auth';
import { IsDateTime, IsVisibleText, PageQueryDto, type Page } from '#libs/common';

const USER_STATUSES: UserStatus[] = ['active', 'disabled', 'erased'];

export class UserListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the email or display name (any case).', maxLength: 320 })
  @IsOptional()
  @IsString()
  @Length(1, 320)
  @IsVisibleText()
  search?: string;

  @ApiPropertyOptional({ enum: USER_STATUSES })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ['active', 'disabled'], description: 'Disabling ends every session at once.' })
  @ValidateIf((_, v) => v !== undefined)
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ description: 'Why the account is disabled (with `status: disabled`).', maxLength: 500 })
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @MaxLength(500)
  @IsVisibleText()
  disabledReason?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The account stops working at this instant (contractors, interns); null clears it.',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsDateTime()
  expiresAt?: Date | null;

  @ApiPropertyOptional({ description: 'Platform administrator (accounts and organizations of the installation).' })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  isPlatformAdmin?: boolean;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null once the account is erased.' })
  email: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Null once the account is erased.' })
  displayName: string | null;
  @ApiProperty({ enum: USER_STATUSES }) status: UserStatus;
  @ApiProperty({ nullable: true, type: String }) disabledReason: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expiresAt: string | null;
  @ApiProperty({ description: 'Active, not expired: the account may sign in now.' }) usable: boolean;
  @ApiProperty() isPlatformAdmin: boolean;
  @ApiProperty() mfaEnabled: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) erasedAt: string | null;
}

export class UserPageDto {
  @ApiProperty({ type: [UserResponseDto] }) items: UserResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class RevokedSessionsResponseDto {
  @ApiProperty({ description: 'Sessions ended by this request.' }) revokedSessions: number;
}

export class ErasureResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The pseudonymous id that stays in the audit trail.' }) id: string;
  @ApiProperty({ enum: ['erased'] }) status: 'erased';
  @ApiProperty() sessions: number;
  @ApiProperty() apiKeys: number;
  @ApiProperty({ description: 'Rows of other tables that belonged to the account (memberships, factors, ...).' })
  ownedRows: number;
  @ApiProperty({ description: 'Actor labels removed from the audit trail.' }) auditLabels: number;
  @ApiProperty({ description: 'Audit events whose personal values were removed.' }) auditPersonalValues: number;
  @ApiProperty({ description: 'Older audit events redacted in place (recorded in their chain).' })
  auditRedactedEvents: number;
}

export function toUserResponse(user: UserEntity, now: Date = new Date()): UserResponseDto {
  const erased = user.status === 'erased';
  return {
    id: user.id,
    email: erased ? null : user.email,
    displayName: erased ? null : user.displayName,
    status: user.status,
    disabledReason: user.disabledReason,
    expiresAt: user.expiresAt?.toISOString() ?? null,
    usable: user.status === 'active' && (!user.expiresAt || user.expiresAt.getTime() > now.getTime()),
    isPlatformAdmin: user.isPlatformAdmin,
    mfaEnabled: user.mfaEnabled,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    erasedAt: user.erasedAt?.toISOString() ?? null,
  };
}

export function toUserPage(page: Page<UserEntity>, now: Date): UserPageDto {
  return { items: page.items.map((u) => toUserResponse(u, now)), nextCursor: page.nextCursor };
}

export function toErasureResponse(r: ErasureResult): ErasureResponseDto {
  const { userId, ...counts } = r;
  return { id: userId, status: 'erased', ...counts };
}
