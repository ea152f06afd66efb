import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Ctx, NoStore, PageQueryDto, Public, RequestContext, SmallBody } from '#libs/common';
import { InvitationService, MembershipService } from '#libs/organizations';
import {
  InvitationListDto,
  RegisterDto,
  RegistrationResponseDto,
  toPendingInvitation,
  toRegistrationResponse,
} from './invitations.dto.js';
import {
  AcceptInvitationDto,
  AcceptInvitationResponseDto,
  InvitationResponseDto,
  toInvitationResponse,
} from './members.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`user:manage`, or a permission of the role you do not hold yourself.';

/** What an invitee does with the token: register (no account yet) or accept (signed in). */
@ApiTags('members')
@Controller('invitations')
export class InvitationsController {
  constructor(
    private readonly members: MembershipService,
    private readonly invitations: InvitationService,
  ) {}

  @NoStore()
  @Post('register')
  @Public()
  @ApiOperation({
    summary: 'Create my account from an invitation (no account yet): account, membership and a session.',
  })
  @ApiCreatedResponse({ type: RegistrationResponseDto })
  @ApiBadRequestResponse({ description: '`password_weak`, `validation_failed`.' })
  @ApiNotFoundResponse({ description: '`invitation_not_found`.' })
  @ApiGoneResponse({ description: '`invitation_used`, `invitation_revoked`, `invitation_expired`.' })
  @ApiConflictResponse({ description: '`account_exists`: sign in and use /invitations/accept.' })
  @ApiTooManyRequestsResponse({ description: '`too_many_attempts` (unknown tokens from this address).' })
  async register(@Ctx() ctx: RequestContext, @Body() body: RegisterDto): Promise<RegistrationResponseDto> {
    return toRegistrationResponse(await this.invitations.register(ctx, body));
  }

  @Post('accept')
  @HttpCode(200)
  @Allow()
  @SmallBody()
  @ApiOperation({ summary: 'Accept an invitation sent to my email address.' })
  @ApiOkResponse({ type: AcceptInvitationResponseDto })
  @ApiNotFoundResponse({
    description: '`invitation_not_found` (unknown, used, revoked, expired or for another email).',
  })
  async accept(@Ctx() ctx: RequestContext, @Body() body: AcceptInvitationDto): Promise<AcceptInvitationResponseDto> {
    const { organizationId, role, requiredActions } = await this.members.acceptInvitation(ctx, body.token);
    return { organizationId, role: { id: role.id, name: role.name }, requiredActions };
  }
}

/** The inviter's side: pending invitations of an organization. */
@ApiTags('members')
@ApiNotFoundResponse({ description: '`organization_not_found`, `invitation_not_found`.' })
@Controller('orgs/:orgId/invitations')
export class OrganizationInvitationsController {
  constructor(private readonly invitations: InvitationService) {}

  @Get()
  @Allow({
    permission: 'user:manage',
    apiKey: false,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Invitations not yet accepted or revoked (expired ones included), newest first.' })
  @ApiOkResponse({ type: InvitationListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<InvitationListDto> {
    const page = await this.invitations.list(ctx, query);
    return { items: page.items.map(toPendingInvitation), nextCursor: page.nextCursor };
  }

  @Post(':invitationId/resend')
  @HttpCode(200)
  @Allow({
    permission: 'user:manage',
    apiKey: false,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Send again with a new token and expiry; the previous token stops working.' })
  @ApiOkResponse({ type: InvitationResponseDto })
  async resend(
    @Ctx() ctx: RequestContext,
    @Param('invitationId') invitationId: string,
  ): Promise<InvitationResponseDto> {
    return toInvitationResponse(await this.invitations.resend(ctx, invitationId));
  }

  @Delete(':invitationId')
  @HttpCode(204)
  @Allow({
    permission: 'user:manage',
    apiKey: false,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Revoke an invitation; its token stops working at once.' })
  @ApiNoContentResponse()
  async revoke(@Ctx() ctx: RequestContext, @Param('invitationId') invitationId: string): Promise<void> {
    await this.invitations.revoke(ctx, invitationId);
  }
}
