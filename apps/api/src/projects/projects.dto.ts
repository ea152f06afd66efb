import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import type { ProjectEntity, ProjectMemberView } from '#libs/organizations';
import { IsVisibleText } from '#libs/common';

export class CreateProjectDto {
  @ApiProperty({ example: 'Feature film: Tidewater' })
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name: string;

  @ApiProperty({ example: 'tidewater' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lower-case letters, digits and "-" (max 63)' })
  slug: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;
}

export class UpdateProjectDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lower-case letters, digits and "-" (max 63)' })
  slug?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;
}

export class SetProjectMemberDto {
  @ApiProperty({ example: 'developer', description: 'Role name or id; applies to the project’s models only.' })
  @IsString()
  @Length(1, 100)
  role: string;
}

export class ProjectResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty() description: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ProjectListDto {
  @ApiProperty({ type: [ProjectResponseDto] }) items: ProjectResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

class ProjectRoleRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class ProjectMemberResponseDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: ProjectRoleRefDto }) role: ProjectRoleRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ProjectMemberListDto {
  @ApiProperty({ type: [ProjectMemberResponseDto] }) items: ProjectMemberResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toProjectResponse(p: ProjectEntity): ProjectResponseDto {
  return { id: p.id, name: p.name, slug: p.slug, description: p.description, createdAt: p.createdAt.toISOString() };
}

export function toProjectMemberResponse(m: ProjectMemberView): ProjectMemberResponseDto {
  return { userId: m.userId, email: m.email, role: m.role, createdAt: m.createdAt.toISOString() };
}
