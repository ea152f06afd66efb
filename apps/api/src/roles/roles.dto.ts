import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PERMISSIONS, type Permission } from '#libs/common';
import type { RoleEntity } from '#libs/organizations';

export class CreateRoleDto {
  @ApiProperty({ example: 'lookdev' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'name must be lower-case letters, digits, "_" and "-" (max 63)' })
  name: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiProperty({ enum: PERMISSIONS, isArray: true })
  @IsArray()
  @ArrayMaxSize(PERMISSIONS.length)
  @IsIn(PERMISSIONS, { each: true })
  permissions: Permission[];
}

export class UpdateRoleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'name must be lower-case letters, digits, "_" and "-" (max 63)' })
  name?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string;

  @ApiPropertyOptional({ enum: PERMISSIONS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PERMISSIONS.length)
  @IsIn(PERMISSIONS, { each: true })
  permissions?: Permission[];
}

export class RoleResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() builtIn: boolean;
  @ApiProperty({ enum: PERMISSIONS, isArray: true }) permissions: Permission[];
}

export class RoleListDto {
  @ApiProperty({ type: [RoleResponseDto] }) items: RoleResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toRoleResponse(r: RoleEntity): RoleResponseDto {
  return { id: r.id, name: r.name, description: r.description, builtIn: r.builtIn, permissions: r.permissions };
}
