import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { IsDateTime } from '#libs/common';
import type {
  AddMemberResult,
  InvitationDelivery,
  IssuedInvitation,
  MemberView,
  RequiredAction,
} from '#libs/organizations';

export class AddMemberDto {
  @ApiProperty({ example: 'artist@studio.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ example: 'developer', description: 'Role name or id.' })
  @IsString()
  @Length(1, 100)
  role: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Membership expiry (interns, contractors).',
  })
  @IsOptional()
  @IsDateTime()
  expiresAt?: Date | null;
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ example: 'tester', description: 'Role name or id.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  role?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsDateTime()
  expiresAt?: Date | null;
}

export class AcceptInvitationDto {
  @ApiProperty({ description: 'The token sent with the invitation.' })
  @IsString()
  @Length(20, 200)
  token: string;
}

export class RoleRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class MemberResponseDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: RoleRefDto }) role: RoleRefDto;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class MemberListDto {
  @ApiProperty({ type: [MemberResponseDto] }) items: MemberResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export class InvitationResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: RoleRefDto }) role: RoleRefDto;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({
    enum: ['email', 'email_failed', 'token'],
    description:
      '`email`: mailed to the invitee; `email_failed`: the SMTP server refused it (resend later); `token`: no mail is configured, hand `token` to the invitee.',
  })
  delivery: InvitationDelivery;
  @ApiPropertyOptional({ description: 'Only without mail (`delivery: token`); shown once.' }) token?: string;
}

export class AddMemberResponseDto {
  @ApiProperty({ enum: ['added', 'invited'] }) status: 'added' | 'invited';
  @ApiPropertyOptional({ type: MemberResponseDto }) member?: MemberResponseDto;
  @ApiPropertyOptional({ type: InvitationResponseDto }) invitation?: InvitationResponseDto;
}

export class AcceptInvitationResponseDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ type: RoleRefDto }) role: RoleRefDto;
  @ApiProperty({
    enum: ['mfa_enrolment_required'],
    isArray: true,
    description:
      '`mfa_enrolment_required`: the role requires two factors; nothing else in the organization works until you enrol (`/auth/mfa/setup`, `/auth/mfa/enable`) and sign in with a code.',
  })
  requiredActions: RequiredAction[];
}

export function toMemberResponse(m: MemberView): MemberResponseDto {
  return {
    userId: m.userId,
    email: m.email,
    displayName: m.displayName,
    role: m.role,
    expiresAt: m.expiresAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}

export function toInvitationResponse(issued: IssuedInvitation): InvitationResponseDto {
  return {
    id: issued.invitation.id,
    email: issued.invitation.email,
    role: { id: issued.role.id, name: issued.role.name },
    expiresAt: issued.invitation.expiresAt.toISOString(),
    delivery: issued.delivery,
    ...(issued.token ? { token: issued.token } : {}),
  };
}

export function toAddMemberResponse(result: AddMemberResult): AddMemberResponseDto {
  if (result.status === 'added') return { status: 'added', member: toMemberResponse(result.member) };
  return { status: 'invited', invitation: toInvitationResponse(result) };
}
