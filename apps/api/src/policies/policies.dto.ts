import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import type { AbacPolicyEntity } from '#libs/policies';
import { IsVisibleText } from '#libs/common';

const POLICY_CONDITIONS_DOC =
  '{ sourceIp?: { in?: CIDR[], notIn?: CIDR[] }, time?: { within?: Window[], outside?: Window[] } ' +
  '(Window = { days: 1..7[], from: "HH:MM", to: "HH:MM", timezone: IANA }), mfa?: boolean, ' +
  'modelIds?: uuid[], projectIds?: uuid[], stages?: ("draft"|"staging"|"production"|"archived")[], labels?: string[] }';
const PRINCIPALS_DOC =
  '{ all?: true, roles?: uuid[], users?: uuid[], projects?: uuid[], exceptRoles?: uuid[], exceptUsers?: uuid[] }';

export class CreatePolicyDto {
  @ApiProperty({ example: 'ff-pro only from the studio network' })
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiProperty({ enum: ['allow', 'deny'], description: 'A matching deny always wins over any allow.' })
  @IsIn(['allow', 'deny'])
  effect: 'allow' | 'deny';

  @ApiProperty({ type: [String], example: ['model:*'], description: 'Permissions, `subject:*` or `*`.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  actions: string[];

  @ApiProperty({ type: Object, description: PRINCIPALS_DOC, example: { all: true } })
  @IsObject()
  principals: Record<string, unknown>;

  @ApiPropertyOptional({
    type: Object,
    description: POLICY_CONDITIONS_DOC,
    example: { sourceIp: { notIn: ['10.0.0.0/8'] } },
  })
  @IsOptional()
  @IsObject()
  conditions?: Record<string, unknown>;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdatePolicyDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ enum: ['allow', 'deny'] })
  @IsOptional()
  @IsIn(['allow', 'deny'])
  effect?: 'allow' | 'deny';

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  actions?: string[];

  @ApiPropertyOptional({ type: Object, description: PRINCIPALS_DOC })
  @IsOptional()
  @IsObject()
  principals?: Record<string, unknown>;

  @ApiPropertyOptional({ type: Object, description: POLICY_CONDITIONS_DOC })
  @IsOptional()
  @IsObject()
  conditions?: Record<string, unknown>;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class PolicyResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['allow', 'deny'] }) effect: 'allow' | 'deny';
  @ApiProperty({ type: [String] }) actions: string[];
  @ApiProperty({ type: Object, description: PRINCIPALS_DOC }) principals: object;
  @ApiProperty({ type: Object, description: POLICY_CONDITIONS_DOC }) conditions: object;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PolicyListDto {
  @ApiProperty({ type: [PolicyResponseDto] }) items: PolicyResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toPolicyResponse(p: AbacPolicyEntity): PolicyResponseDto {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    effect: p.effect,
    actions: p.actions,
    principals: p.principals,
    conditions: p.conditions,
    enabled: p.enabled,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
