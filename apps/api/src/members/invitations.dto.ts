import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { IsVisibleText } from '#libs/common';
import type { InvitationView, Registration, RequiredAction } from '#libs/organizations';
import { TokenResponseDto, toTokenResponse } from '../auth/auth.dto.js';
import { RoleRefDto } from './members.dto.js';

export class RegisterDto {
  @ApiProperty({ description: 'The token from the invitation (the `token` of its link).' })
  @IsString()
  @Length(20, 200)
  token: string;

  @ApiProperty({ description: 'At least 12 characters, not a common password.', format: 'password' })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  displayName: string;
}

export class RegistrationResponseDto extends TokenResponseDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
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

export class PendingInvitationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ type: RoleRefDto }) role: RoleRefDto;
  @ApiProperty({ enum: ['pending', 'expired'], description: 'Expired invitations can be resent.' })
  status: 'pending' | 'expired';
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) invitedBy: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Last mailed (null: not mailed).' })
  sentAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class InvitationListDto {
  @ApiProperty({ type: [PendingInvitationDto] }) items: PendingInvitationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toRegistrationResponse(r: Registration): RegistrationResponseDto {
  return {
    ...toTokenResponse(r),
    userId: r.user.id,
    organizationId: r.organizationId,
    role: { id: r.role.id, name: r.role.name },
    requiredActions: r.requiredActions,
  };
}

export function toPendingInvitation(i: InvitationView): PendingInvitationDto {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status,
    invitedBy: i.invitedBy,
    expiresAt: i.expiresAt.toISOString(),
    sentAt: i.sentAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
  };
}
