import { Body, Controller, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AccountSetupService } from '#libs/auth';
import { Ctx, NoStore, PlatformAdmin, RequestContext, StepUp, Idempotent } from '#libs/common';
import { BEARER_SCHEME } from '../swagger.js';
import { CreateAccountDto, CreatedAccountDto, toCreatedAccount } from './account-setup.dto.js';

/** Platform admins create accounts; the owner chooses the password from a single-use link. */
@ApiTags('users')
@ApiBearerAuth(BEARER_SCHEME)
@Controller('users')
export class AccountSetupController {
  constructor(private readonly accounts: AccountSetupService) {}

  @NoStore()
  @Post()
  @Idempotent()
  @PlatformAdmin()
  @StepUp()
  @ApiOperation({
    summary:
      'Create an account without a password, with a single-use link to set it (mailed, or returned without mail).',
  })
  @ApiCreatedResponse({ type: CreatedAccountDto })
  @ApiForbiddenResponse({ description: '`platform_admin_required`.' })
  @ApiUnauthorizedResponse({ description: '`step_up_required`: prove a factor again (`POST /auth/step-up`).' })
  @ApiConflictResponse({ description: '`email_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateAccountDto): Promise<CreatedAccountDto> {
    const { user, setup } = await this.accounts.create(ctx, body);
    return toCreatedAccount(user, setup);
  }
}
