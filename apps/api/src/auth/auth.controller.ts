import { Body, Controller, Get, HttpCode, Post, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthService, RecoveryCodeService, SessionService, StepUpService, TotpService, UserService } from '#libs/auth';
import { Ctx, NoStore, Public, RequestContext } from '#libs/common';
import {
  ChangePasswordDto,
  LoginDto,
  MeResponseDto,
  MfaCodeDto,
  MfaEnabledResponseDto,
  MfaSetupResponseDto,
  PasswordChangedResponseDto,
  RecoveryCodesResponseDto,
  RefreshDto,
  SecondFactorCodeDto,
  StepUpDto,
  StepUpResponseDto,
  TokenResponseDto,
  toMeResponse,
  toMfaEnabledResponse,
  toMfaSetupResponse,
  toStepUpResponse,
  toTokenResponse,
} from './auth.dto.js';
import { Allow } from './allow.decorator.js';

/** 401 codes several routes here document, besides those every secured route shares. */
const UNAUTHORIZED = '`credentials_invalid`: wrong or reused code.';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionService,
    private readonly totp: TotpService,
    private readonly users: UserService,
    private readonly recoveryCodes: RecoveryCodeService,
    private readonly stepUps: StepUpService,
  ) {}

  @Public()
  @NoStore()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email, password and (when enabled) a TOTP or recovery code.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ description: '`second_factor_ambiguous`: both `totp` and `recoveryCode`.' })
  @ApiUnauthorizedResponse({ description: '`credentials_invalid`, `mfa_required`, `account_disabled`.' })
  @ApiTooManyRequestsResponse({ description: '`account_locked` or `too_many_attempts`, with Retry-After.' })
  async login(@Ctx() ctx: RequestContext, @Body() body: LoginDto): Promise<TokenResponseDto> {
    return toTokenResponse(await this.auth.login(ctx, body));
  }

  @Public()
  @NoStore()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old one stops working.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({
    description: '`token_invalid` (unknown, expired, revoked or reused), `account_disabled`.',
  })
  async refresh(@Ctx() ctx: RequestContext, @Body() body: RefreshDto): Promise<TokenResponseDto> {
    return toTokenResponse(await this.sessions.refresh(ctx, body.refreshToken));
  }

  @Allow()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End the current session (its refresh tokens stop working at once).' })
  @ApiNoContentResponse()
  async logout(@Ctx() ctx: RequestContext): Promise<void> {
    await this.auth.logout(ctx);
  }

  @Allow({ apiKey: true })
  @Get('me')
  @ApiOperation({ summary: 'Who am I: the signed-in user, or the API key in use.' })
  @ApiOkResponse({ type: MeResponseDto })
  async me(@Ctx() ctx: RequestContext): Promise<MeResponseDto> {
    if (ctx.actor.type !== 'user') return toMeResponse(ctx, null);
    const [user, recoveryCodesRemaining, stepUpExpiresAt] = await Promise.all([
      this.users.getById(ctx, ctx.actor.id),
      this.recoveryCodes.remaining(ctx, ctx.actor.id),
      this.stepUps.expiresAt(ctx),
    ]);
    return toMeResponse(ctx, user, { recoveryCodesRemaining, stepUpExpiresAt });
  }

  @Allow({ unauthorized: '`credentials_invalid`: wrong, used or replayed code, or wrong password.' })
  @Post('step-up')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Prove a factor again so this session may do sensitive actions for AUTH_STEP_UP_MINUTES.',
    description:
      'With two-factor on send `code` (TOTP or recovery code); without it send `password`. Signing in ' +
      'counts as a step-up too. API keys cannot step up.',
  })
  @ApiOkResponse({ type: StepUpResponseDto })
  @ApiBadRequestResponse({ description: '`step_up_code_required`, `step_up_password_required`.' })
  @ApiTooManyRequestsResponse({ description: '`account_locked` or `too_many_attempts`, with Retry-After.' })
  async stepUp(@Ctx() ctx: RequestContext, @Body() body: StepUpDto): Promise<StepUpResponseDto> {
    return toStepUpResponse(await this.stepUps.stepUp(ctx, body));
  }

  @Allow()
  @Post('password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password (current one required); signs out every other session.' })
  @ApiOkResponse({ type: PasswordChangedResponseDto })
  async changePassword(
    @Ctx() ctx: RequestContext,
    @Body() body: ChangePasswordDto,
  ): Promise<PasswordChangedResponseDto> {
    return this.auth.changePassword(ctx, body.currentPassword, body.newPassword);
  }

  @Allow()
  @NoStore()
  @Post('mfa/setup')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start two-factor enrolment: a TOTP secret, its otpauth URL and QR code.',
    description:
      'Scan the QR code with an authenticator app: in Swagger UI, run `GET /api/v1/auth/mfa/setup/qr.png` ' +
      '(`qrCodeUrl`), which shows it as an image; or type `secret` in by hand. Then confirm a code with ' +
      '`POST /api/v1/auth/mfa/enable`. A new setup replaces a pending one.',
  })
  @ApiOkResponse({ type: MfaSetupResponseDto })
  @ApiConflictResponse({ description: '`mfa_already_enabled`.' })
  async mfaSetup(@Ctx() ctx: RequestContext): Promise<MfaSetupResponseDto> {
    return toMfaSetupResponse(await this.totp.setup(ctx, ctx.actor.id));
  }

  @Allow()
  @NoStore()
  @Get('mfa/setup/qr.png')
  @ApiOperation({
    summary: 'The QR code of my pending two-factor enrolment, as a PNG to scan with an authenticator app.',
    description: 'Swagger UI shows the image under "Response body". Call `POST /api/v1/auth/mfa/setup` first.',
  })
  @ApiProduces('image/png')
  @ApiOkResponse({
    description: 'The QR code of the `otpauthUrl` that the last setup answered.',
    content: { 'image/png': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiConflictResponse({ description: '`mfa_setup_required` (no pending enrolment), `mfa_already_enabled`.' })
  async mfaSetupQrCode(@Ctx() ctx: RequestContext): Promise<StreamableFile> {
    return new StreamableFile(await this.totp.pendingQrCode(ctx, ctx.actor.id), { type: 'image/png' });
  }

  @Allow({ unauthorized: UNAUTHORIZED })
  @NoStore()
  @Post('mfa/enable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Turn two-factor on by confirming a code from the new secret; answers ten recovery codes, shown once.',
    description:
      'The current access token still does not carry the second factor: sign in again with `totp` ' +
      '(`signInAgain` in the answer) and Authorize with the new token before using routes that need it.',
  })
  @ApiOkResponse({ type: MfaEnabledResponseDto })
  @ApiTooManyRequestsResponse({
    description: '`account_locked` or `too_many_attempts`: too many wrong codes, with Retry-After.',
  })
  async mfaEnable(@Ctx() ctx: RequestContext, @Body() body: MfaCodeDto): Promise<MfaEnabledResponseDto> {
    return toMfaEnabledResponse(await this.totp.enable(ctx, ctx.actor.id, body.code));
  }

  @Allow({ unauthorized: UNAUTHORIZED })
  @NoStore()
  @Post('mfa/recovery-codes')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the recovery codes (a current TOTP code required); the old ones stop working.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  @ApiConflictResponse({ description: '`mfa_not_enabled`.' })
  @ApiTooManyRequestsResponse({
    description: '`account_locked` or `too_many_attempts`: too many wrong codes, with Retry-After.',
  })
  async regenerateRecoveryCodes(
    @Ctx() ctx: RequestContext,
    @Body() body: MfaCodeDto,
  ): Promise<RecoveryCodesResponseDto> {
    return { recoveryCodes: await this.totp.regenerateRecoveryCodes(ctx, ctx.actor.id, body.code) };
  }

  @Allow({ stepUp: true })
  @Post('mfa/disable')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn two-factor off; needs a current TOTP or recovery code and a recent step-up.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`mfa_not_enabled`.' })
  @ApiTooManyRequestsResponse({
    description: '`account_locked` or `too_many_attempts`: too many wrong codes, with Retry-After.',
  })
  async mfaDisable(@Ctx() ctx: RequestContext, @Body() body: SecondFactorCodeDto): Promise<void> {
    await this.totp.disable(ctx, ctx.actor.id, body.code);
  }
}
