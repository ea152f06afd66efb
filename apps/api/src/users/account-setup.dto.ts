import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import type { SetupDelivery, UserEntity } from '#libs/auth';
import { IsDateTime, IsVisibleText } from '#libs/common';

export class CreateAccountDto {
  @ApiProperty({ example: 'ada@studio.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', description: 'Defaults to the part of the email before @.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  displayName?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  isPlatformAdmin?: boolean;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Account expiry.' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsDateTime()
  expiresAt?: Date | null;
}

export class AccountSetupLinkDto {
  @ApiProperty({
    enum: ['email', 'email_failed', 'token'],
    description:
      '`email`: the set-up link was mailed; `email_failed`: the SMTP server refused it; `token`: no mail is configured, hand `token` to the person (they choose their password at `POST /auth/password/reset`).',
  })
  delivery: SetupDelivery['delivery'];

  @ApiProperty({ format: 'date-time' }) expiresAt: string;

  @ApiPropertyOptional({ description: 'Only without mail (`delivery: token`); shown once.' }) token?: string;
}

export class CreatedAccountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty() isPlatformAdmin: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: AccountSetupLinkDto }) setup: AccountSetupLinkDto;
}

export function toCreatedAccount(user: UserEntity, setup: SetupDelivery): CreatedAccountDto {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    isPlatformAdmin: user.isPlatformAdmin,
    expiresAt: user.expiresAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    setup: {
      delivery: setup.delivery,
      expiresAt: setup.expiresAt.toISOString(),
      ...(setup.delivery === 'token' ? { token: setup.token } : {}),
    },
  };
}
