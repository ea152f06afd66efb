import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateNested,
} from 'class-validator';
import { IsDateTime } from '#libs/common';
import { ACTIONS, SUBJECT_TYPES, type Action, type Explanation, type SubjectType } from '#libs/policies';

export class AuthzResourceDto {
  @ApiProperty({ enum: SUBJECT_TYPES, example: 'Model' })
  @IsIn(SUBJECT_TYPES)
  type: SubjectType;

  @ApiPropertyOptional({ description: 'A resource id; without it the question is “on some resource of this type”.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  id?: string;
}

export class AuthzQueryDto {
  @ApiProperty({ enum: ACTIONS, example: 'export' })
  @IsIn(ACTIONS)
  action: Action;

  @ApiProperty({ type: AuthzResourceDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AuthzResourceDto)
  resource: AuthzResourceDto;
}

export class AuthzCheckDto {
  @ApiProperty({ type: [AuthzQueryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AuthzQueryDto)
  checks: AuthzQueryDto[];
}

export class AuthzCheckResultDto {
  @ApiProperty({ enum: ACTIONS }) action: Action;
  @ApiProperty({ type: AuthzResourceDto }) resource: AuthzResourceDto;
  @ApiProperty() allowed: boolean;
}

export class AuthzCheckResponseDto {
  @ApiProperty({ type: [AuthzCheckResultDto] }) results: AuthzCheckResultDto[];
}

export class AuthzExplainDto extends AuthzQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Explain for this member (needs policy:manage).' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'Pretend the request came from this address (needs policy:manage).' })
  @IsOptional()
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ description: 'Pretend MFA was (not) used (needs policy:manage).' })
  @IsOptional()
  @IsBoolean()
  mfa?: boolean;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Pretend it is this instant (needs policy:manage).',
  })
  @IsOptional()
  @IsDateTime()
  at?: Date;
}

class RuleSourceDto {
  @ApiProperty({ enum: ['membership', 'role', 'project-role', 'grant', 'policy'] }) kind: string;
  @ApiProperty({ description: 'Role, grant or policy id.' }) id: string;
  @ApiPropertyOptional() name?: string;
}

class ExplainedRuleDto {
  @ApiProperty({ enum: ['allow', 'deny'] }) effect: 'allow' | 'deny';
  @ApiProperty({ type: RuleSourceDto }) source: RuleSourceDto;
  @ApiProperty({ type: Object, nullable: true }) conditions: Record<string, unknown> | null;
}

export class AuthzExplainResponseDto {
  @ApiProperty() allowed: boolean;
  @ApiProperty({ type: ExplainedRuleDto, nullable: true, description: 'The highest-priority matching rule.' })
  decidedBy: ExplainedRuleDto | null;
  @ApiProperty({ type: [ExplainedRuleDto] }) matched: ExplainedRuleDto[];
  @ApiProperty({
    type: [RuleSourceDto],
    description: 'Grants and policies whose IP, time or MFA conditions do not hold now.',
  })
  notInForce: RuleSourceDto[];
}

export function toExplainResponse(e: Explanation): AuthzExplainResponseDto {
  return { allowed: e.allowed, decidedBy: e.decidedBy, matched: e.matched, notInForce: e.notInForce };
}
