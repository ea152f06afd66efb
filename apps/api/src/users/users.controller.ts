import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserAdministrationService } from '#libs/auth';
import { Ctx, ETagged, RequestContext } from '#libs/common';
import {
  ErasureResponseDto,
  RevokedSessionsResponseDto,
  toErasureResponse,
  toUserPage,
  toUserResponse,
  UpdateUserDto,
  UserListQueryDto,
  UserPageDto,
  UserResponseDto,
} from './users.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 401 codes several routes here document, besides those every secured route shares. */
const UNAUTHORIZED = '`step_up_required` on changes, MFA reset and erasure (see POST /auth/step-up).';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`platform_admin_required` (any account, any id: nothing is revealed).';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserAdministrationService) {}

  @Allow({
    admin: true,
    unauthorized: UNAUTHORIZED,
    forbidden: FORBIDDEN,
  })
  @Get()
  @ApiOperation({ summary: 'Accounts, newest first: search email or name, filter by status; last sign-in shown.' })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: UserListQueryDto): Promise<UserPageDto> {
    return toUserPage(await this.users.list(ctx, query), ctx.now);
  }

  @Allow({
    admin: true,
    unauthorized: UNAUTHORIZED,
    forbidden: FORBIDDEN,
  })
  @Get(':userId')
  @ETagged()
  @ApiOperation({ summary: 'One account.' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse({ description: '`user_not_found`.' })
  async get(@Ctx() ctx: RequestContext, @Param('userId') userId: string): Promise<UserResponseDto> {
    return toUserResponse(await this.users.get(ctx, userId), ctx.now);
  }

  @Patch(':userId')
  @ETagged()
  @Allow({
    admin: true,
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable or enable, set or clear the expiry, grant or withdraw platform admin.' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse({ description: '`user_not_found`.' })
  @ApiConflictResponse({ description: '`last_platform_admin` (the last active one stays), `user_erased`.' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('userId') userId: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return toUserResponse(await this.users.update(ctx, userId, body), ctx.now);
  }

  @Allow({
    admin: true,
    unauthorized: UNAUTHORIZED,
    forbidden: FORBIDDEN,
  })
  @Post(':userId/sessions/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of the account: its next request answers 401.' })
  @ApiOkResponse({ type: RevokedSessionsResponseDto })
  @ApiNotFoundResponse({ description: '`user_not_found`.' })
  @ApiConflictResponse({ description: '`user_erased`.' })
  async revokeSessions(
    @Ctx() ctx: RequestContext,
    @Param('userId') userId: string,
  ): Promise<RevokedSessionsResponseDto> {
    return this.users.revokeSessions(ctx, userId);
  }

  @Post(':userId/mfa/reset')
  @Allow({
    admin: true,
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Turn off the account’s MFA (lost authenticator): its sessions end, the user is notified and enrols again.',
  })
  @ApiOkResponse({ type: RevokedSessionsResponseDto })
  @ApiNotFoundResponse({ description: '`user_not_found`.' })
  @ApiConflictResponse({ description: '`mfa_not_enabled`, `user_erased`.' })
  async resetMfa(@Ctx() ctx: RequestContext, @Param('userId') userId: string): Promise<RevokedSessionsResponseDto> {
    return this.users.resetMfa(ctx, userId);
  }

  @Delete(':userId')
  @ETagged()
  @Allow({
    admin: true,
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Erase the person (GDPR art. 17): personal data, sessions, API keys, memberships, invitations; the audit trail keeps a pseudonymous id and stays verifiable.',
  })
  @ApiOkResponse({ type: ErasureResponseDto })
  @ApiNotFoundResponse({ description: '`user_not_found`.' })
  @ApiConflictResponse({
    description: '`last_platform_admin`, `last_admin` (the last admin of an organization), `user_erased`.',
  })
  async erase(@Ctx() ctx: RequestContext, @Param('userId') userId: string): Promise<ErasureResponseDto> {
    return toErasureResponse(await this.users.erase(ctx, userId));
  }
}
