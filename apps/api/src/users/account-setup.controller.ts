import { Body, Controller, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountSetupService } from '#libs/auth';
import { Ctx, NoStore, RequestContext, Idempotent } from '#libs/common';
import { CreateAccountDto, CreatedAccountDto, toCreatedAccount } from './account-setup.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** Platform admins create accounts; the owner chooses the password from a single-use link. */
@ApiTags('users')
@Controller('users')
export class AccountSetupController {
  constructor(private readonly accounts: AccountSetupService) {}

  @NoStore()
  @Post()
  @Idempotent()
  @Allow({
    admin: true,
    stepUp: true,
    unauthorized: '`step_up_required`: prove a factor again (`POST /auth/step-up`).',
    forbidden: '`platform_admin_required`.',
  })
  @ApiOperation({
    summary:
      'Create an account without a password, with a single-use link to set it (mailed, or returned without mail).',
  })
  @ApiCreatedResponse({ type: CreatedAccountDto })
  @ApiConflictResponse({ description: '`email_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateAccountDto): Promise<CreatedAccountDto> {
    const { user, setup } = await this.accounts.create(ctx, body);
    return toCreatedAccount(user, setup);
  }
}
