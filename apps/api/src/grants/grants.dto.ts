import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';
import { IsDateTime, MODEL_GRANT_ACTIONS, type ModelGrantAction } from '#libs/common';
import type { ModelGrant } from '#libs/policies';

const GRANT_ACTIONS = Object.keys(MODEL_GRANT_ACTIONS) as ModelGrantAction[];

export class CreateGrantDto {
  @ApiProperty({ enum: ['user', 'role', 'project'] })
  @IsIn(['user', 'role', 'project'])
  principalType: 'user' | 'role' | 'project';

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  principalId: string;

  @ApiProperty({ enum: GRANT_ACTIONS, isArray: true, example: ['view', 'infer'] })
  @IsArray()
  @ArrayMaxSize(GRANT_ACTIONS.length)
  @IsIn(GRANT_ACTIONS, { each: true })
  permissions: ModelGrantAction[];

  @ApiPropertyOptional({
    description: 'Conditions: sourceIp (CIDR list), time window, mfa, stages, labels (see the policies docs).',
    type: 'object',
    additionalProperties: true,
  })
  @IsOptional()
  @IsObject()
  conditions?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @IsDateTime()
  expiresAt?: Date | null;
}

export class GrantResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiProperty({ enum: ['user', 'role', 'project'] }) principalType: string;
  @ApiProperty({ format: 'uuid' }) principalId: string;
  @ApiProperty({ enum: GRANT_ACTIONS, isArray: true }) permissions: ModelGrantAction[];
  @ApiProperty({ type: 'object', additionalProperties: true }) conditions: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: string;
}

export class GrantListDto {
  @ApiProperty({ type: [GrantResponseDto] }) items: GrantResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toGrantResponse(g: ModelGrant): GrantResponseDto {
  return {
    id: g.id,
    modelId: g.modelId,
    principalType: g.principalType,
    principalId: g.principalId,
    permissions: g.actions,
    conditions: g.conditions as Record<string, unknown>,
    expiresAt: g.expiresAt ? g.expiresAt.toISOString() : null,
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
  };
}
