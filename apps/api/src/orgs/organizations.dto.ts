import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import type { OrganizationEntity } from '#libs/organizations';
import { IsVisibleText } from '#libs/common';

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Northlight VFX' })
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name: string;

  @ApiProperty({ example: 'northlight', description: 'Unique: a-z, 0-9 and "-".' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lower-case letters, digits and "-" (max 63)' })
  slug: string;
}

/** Limits are stored in 32-bit integer columns. */
const INT4_MAX = 2_147_483_647;

export class UpdateOrganizationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['10.0.0.0/8', '2001:db8::/32'],
    description: 'Empty: from anywhere.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  allowedIpRanges?: string[];

  @ApiPropertyOptional({ type: [String], example: ['admin'], description: 'Role names whose members must use MFA.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  mfaRequiredRoles?: string[];

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: INT4_MAX })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  dailyInferenceQuota?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, maximum: INT4_MAX })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  concurrentJobLimit?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: 36500 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(36500)
  auditRetentionDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650, description: 'Days a fusion result stays downloadable.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  resultRetentionDays?: number;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'IANA timezone in which a quota day starts.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timezone?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0,
    maximum: INT4_MAX,
    description: 'Fusion jobs one member may submit per day (null: no per-member cap).',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  memberDailyInferenceQuota?: number | null;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 86_400,
    description: 'Longest video target accepted, in seconds (default 600).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(86_400)
  videoMaxDurationSeconds?: number;

  @ApiPropertyOptional({
    minimum: 16,
    maximum: 16_384,
    description: 'Longest side of a video frame accepted, upright, in pixels (default 3840).',
  })
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(16_384)
  videoMaxLongSide?: number;

  @ApiPropertyOptional({
    minimum: 16,
    maximum: 16_384,
    description: 'Shortest side of a video frame accepted, upright, in pixels (default 2160).',
  })
  @IsOptional()
  @IsInt()
  @Min(16)
  @Max(16_384)
  videoMaxShortSide?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 240,
    description: 'Highest video frame rate accepted, in frames per second (default 60).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(240)
  videoMaxFrameRate?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: INT4_MAX,
    description: 'Most frames a video target may have (default 36000).',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  videoMaxFrameCount?: number;

  @ApiPropertyOptional({
    description:
      'Refuse model uploads that do not declare their SHA-256 in X-Content-SHA256 (428 `content_digest_required`).',
  })
  @IsOptional()
  @IsBoolean()
  requireUploadDigest?: boolean;

  @ApiPropertyOptional({
    description:
      'Members who have a single sign-on identity for this organization must sign in through it: a password sign-in answers 403 `sso_required`.',
  })
  @IsOptional()
  @IsBoolean()
  ssoRequired?: boolean;
}

export class OrganizationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ type: [String] }) allowedIpRanges: string[];
  @ApiProperty({ type: [String] }) mfaRequiredRoles: string[];
  @ApiProperty({ nullable: true, type: Number }) dailyInferenceQuota: number | null;
  @ApiProperty({ nullable: true, type: Number }) concurrentJobLimit: number | null;
  @ApiProperty() auditRetentionDays: number;
  @ApiProperty() resultRetentionDays: number;
  @ApiProperty() timezone: string;
  @ApiProperty({ nullable: true, type: Number }) memberDailyInferenceQuota: number | null;
  @ApiProperty() videoMaxDurationSeconds: number;
  @ApiProperty() videoMaxLongSide: number;
  @ApiProperty() videoMaxShortSide: number;
  @ApiProperty() videoMaxFrameRate: number;
  @ApiProperty() videoMaxFrameCount: number;
  @ApiProperty() requireUploadDigest: boolean;
  @ApiProperty() ssoRequired: boolean;
  @ApiProperty() createdAt: string;
}

export class OrganizationListDto {
  @ApiProperty({ type: [OrganizationResponseDto] }) items: OrganizationResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toOrganizationResponse(o: OrganizationEntity): OrganizationResponseDto {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    allowedIpRanges: o.allowedIpRanges,
    mfaRequiredRoles: o.mfaRequiredRoles,
    dailyInferenceQuota: o.dailyInferenceQuota,
    concurrentJobLimit: o.concurrentJobLimit,
    auditRetentionDays: o.auditRetentionDays,
    resultRetentionDays: o.resultRetentionDays,
    timezone: o.timezone,
    memberDailyInferenceQuota: o.memberDailyInferenceQuota,
    videoMaxDurationSeconds: o.videoMaxDurationSeconds,
    videoMaxLongSide: o.videoMaxLongSide,
    videoMaxShortSide: o.videoMaxShortSide,
    videoMaxFrameRate: o.videoMaxFrameRate,
    videoMaxFrameCount: o.videoMaxFrameCount,
    requireUploadDigest: o.requireUploadDigest,
    ssoRequired: o.ssoRequired,
    createdAt: o.createdAt.toISOString(),
  };
}
