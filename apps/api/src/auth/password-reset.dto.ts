import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@studio.example' })
  @IsEmail()
  @MaxLength(320)
  email: string;
}

export class ResetPasswordDto {
  @ApiProperty({ description: 'The token of the emailed link (reset, or first password of a new account).' })
  @IsString()
  @Length(20, 200)
  token: string;

  @ApiProperty({ description: 'At least 12 characters, not a common password.', format: 'password' })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class ForgotPasswordResponseDto {
  @ApiProperty({
    example: 'If this email has an account, a reset link is on its way.',
    description: 'The same answer whether or not the email has an account.',
  })
  detail: string;
}

export class ResetPasswordResponseDto {
  @ApiProperty({ enum: ['reset', 'setup'], description: '`setup`: the first password of a new account.' })
  purpose: 'reset' | 'setup';

  @ApiProperty({ description: 'Sessions of the account that were signed out.' })
  revokedSessions: number;
}
