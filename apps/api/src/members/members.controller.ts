import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Ctx, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { MembershipService } from '#libs/organizations';
import {
  AddMemberDto,
  AddMemberResponseDto,
  MemberListDto,
  MemberResponseDto,
  toAddMemberResponse,
  toMemberResponse,
  UpdateMemberDto,
} from './members.dto.js';
import { Allow } from '../auth/allow.decorator.js';

@ApiTags('members')
@ApiNotFoundResponse({ description: '`organization_not_found`, `member_not_found`, `role_not_found`.' })
@Controller('orgs/:orgId/members')
export class MembersController {
  constructor(private readonly members: MembershipService) {}

  @Get()
  @Allow({ apiKey: true })
  @ApiOperation({ summary: 'Members of the organization with their roles.' })
  @ApiOkResponse({ type: MemberListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<MemberListDto> {
    const page = await this.members.list(ctx, query);
    return { items: page.items.map(toMemberResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @Allow({
    permission: 'user:manage',
    forbidden: '`user:manage`, or a permission of the role you do not hold yourself.',
  })
  @ApiOperation({
    summary: 'Add an existing user by email, or invite the email (mailed; without mail, the token is shown once).',
  })
  @ApiCreatedResponse({ type: AddMemberResponseDto })
  @ApiConflictResponse({ description: '`member_exists`.' })
  async add(@Ctx() ctx: RequestContext, @Body() body: AddMemberDto): Promise<AddMemberResponseDto> {
    return toAddMemberResponse(await this.members.add(ctx, body));
  }

  @Patch(':userId')
  @HttpCode(200)
  @Allow({ permission: 'user:manage', stepUp: true })
  @ApiOperation({ summary: "Change a member's role or expiry (effective on their next request)." })
  @ApiOkResponse({ type: MemberResponseDto })
  @ApiConflictResponse({ description: '`last_admin`.' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('userId') userId: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MemberResponseDto> {
    return toMemberResponse(await this.members.update(ctx, userId, body));
  }

  @Delete(':userId')
  @HttpCode(204)
  @Allow({ permission: 'user:manage' })
  @ApiOperation({ summary: 'Remove a member (effective on their next request).' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`last_admin`.' })
  async remove(@Ctx() ctx: RequestContext, @Param('userId') userId: string): Promise<void> {
    await this.members.remove(ctx, userId);
  }
}
