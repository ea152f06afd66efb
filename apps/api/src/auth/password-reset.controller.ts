import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiGoneResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { PasswordTokenService } from '#libs/auth';
import { Ctx, Public, RequestContext } from '#libs/common';
import {
  ForgotPasswordDto,
  ForgotPasswordResponseDto,
  ResetPasswordDto,
  ResetPasswordResponseDto,
} from './password-reset.dto.js';

const FORGOT_ANSWER = 'If this email has an account, a reset link is on its way.';

/** Forgotten passwords: a single-use link by mail, then a new password with its token. */
@ApiTags('auth')
@Controller('auth/password')
export class PasswordResetController {
  constructor(private readonly tokens: PasswordTokenService) {}

  @Public()
  @Post('forgot')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a single-use reset link; the same answer whether or not the email has an account.' })
  @ApiAcceptedResponse({ type: ForgotPasswordResponseDto })
  @ApiTooManyRequestsResponse({ description: '`too_many_attempts` (this address asked too often).' })
  async forgot(@Ctx() ctx: RequestContext, @Body() body: ForgotPasswordDto): Promise<ForgotPasswordResponseDto> {
    await this.tokens.requestReset(ctx, body.email);
    return { detail: FORGOT_ANSWER };
  }

  @Public()
  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with an emailed token; signs out every session of the account.' })
  @ApiOkResponse({ type: ResetPasswordResponseDto })
  @ApiBadRequestResponse({ description: '`password_token_invalid`, `password_weak`.' })
  @ApiGoneResponse({ description: '`password_token_used`, `password_token_expired`.' })
  @ApiTooManyRequestsResponse({ description: '`too_many_attempts` (unknown tokens from this address).' })
  async reset(@Ctx() ctx: RequestContext, @Body() body: ResetPasswordDto): Promise<ResetPasswordResponseDto> {
    return this.tokens.setPassword(ctx, body.token, body.password);
  }
}
