import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ETagged, CreatedLocation, Ctx, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { AbacPolicyService } from '#libs/policies';
import {
  CreatePolicyDto,
  PolicyListDto,
  PolicyResponseDto,
  toPolicyResponse,
  UpdatePolicyDto,
} from './policies.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`policy:manage`.';

@ApiTags('policies')
@ApiNotFoundResponse({ description: '`organization_not_found`, `policy_not_found`.' })
@ApiBadRequestResponse({ description: '`policy_invalid`, `principal_not_found`.' })
@Controller('orgs/:orgId/policies')
export class PoliciesController {
  constructor(private readonly policies: AbacPolicyService) {}

  @Get()
  @Allow({ permission: 'policy:manage', forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'ABAC policies of the organization.' })
  @ApiOkResponse({ type: PolicyListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<PolicyListDto> {
    const page = await this.policies.list(ctx, query);
    return { items: page.items.map(toPolicyResponse), nextCursor: page.nextCursor };
  }

  @Get(':policyId')
  @ETagged()
  @Allow({ permission: 'policy:manage', forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'One policy.' })
  @ApiOkResponse({ type: PolicyResponseDto })
  async get(@Ctx() ctx: RequestContext, @Param('policyId') policyId: string): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.policies.get(ctx, policyId));
  }

  @Post()
  @Idempotent()
  @CreatedLocation('policies/:id')
  @Allow({ permission: 'policy:manage', stepUp: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Add an allow or deny rule (effective on every instance within a second).' })
  @ApiCreatedResponse({ type: PolicyResponseDto })
  @ApiConflictResponse({ description: '`policy_lockout`: the change would lock policy management away.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreatePolicyDto): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.policies.create(ctx, body));
  }

  @Patch(':policyId')
  @ETagged()
  @HttpCode(200)
  @Allow({ permission: 'policy:manage', stepUp: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Change a policy.' })
  @ApiOkResponse({ type: PolicyResponseDto })
  @ApiConflictResponse({ description: '`policy_lockout`: the change would lock policy management away.' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('policyId') policyId: string,
    @Body() body: UpdatePolicyDto,
  ): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.policies.update(ctx, policyId, body));
  }

  @Delete(':policyId')
  @ETagged()
  @HttpCode(204)
  @Allow({ permission: 'policy:manage', stepUp: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Delete a policy.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`policy_lockout`: the change would lock policy management away.' })
  async delete(@Ctx() ctx: RequestContext, @Param('policyId') policyId: string): Promise<void> {
    await this.policies.delete(ctx, policyId);
  }
}
