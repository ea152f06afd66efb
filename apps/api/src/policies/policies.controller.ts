import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  ETagged,
  CreatedLocation,
  Ctx,
  RequestContext,
  RequirePermission,
  StepUp,
  PageQueryDto,
  Idempotent,
} from '#libs/common';
import { AbacPolicyService } from '#libs/policies';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';
import {
  CreatePolicyDto,
  PolicyListDto,
  PolicyResponseDto,
  toPolicyResponse,
  UpdatePolicyDto,
} from './policies.dto.js';

@ApiTags('policies')
@ApiBearerAuth(BEARER_SCHEME)
@ApiSecurity(API_KEY_SCHEME)
@ApiNotFoundResponse({ description: '`organization_not_found`, `policy_not_found`.' })
@ApiForbiddenResponse({ description: '`policy:manage`.' })
@ApiBadRequestResponse({ description: '`policy_invalid`, `principal_not_found`.' })
@Controller('orgs/:orgId/policies')
export class PoliciesController {
  constructor(private readonly policies: AbacPolicyService) {}

  @Get()
  @RequirePermission('policy:manage')
  @ApiOperation({ summary: 'ABAC policies of the organization.' })
  @ApiOkResponse({ type: PolicyListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<PolicyListDto> {
    const page = await this.policies.list(ctx, query);
    return { items: page.items.map(toPolicyResponse), nextCursor: page.nextCursor };
  }

  @Get(':policyId')
  @ETagged()
  @RequirePermission('policy:manage')
  @ApiOperation({ summary: 'One policy.' })
  @ApiOkResponse({ type: PolicyResponseDto })
  async get(@Ctx() ctx: RequestContext, @Param('policyId') policyId: string): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.policies.get(ctx, policyId));
  }

  @Post()
  @Idempotent()
  @CreatedLocation('policies/:id')
  @RequirePermission('policy:manage')
  @StepUp()
  @ApiOperation({ summary: 'Add an allow or deny rule (effective on every instance within a second).' })
  @ApiCreatedResponse({ type: PolicyResponseDto })
  @ApiConflictResponse({ description: '`policy_lockout`: the change would lock policy management away.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreatePolicyDto): Promise<PolicyResponseDto> {
    return toPolicyResponse(await this.policies.create(ctx, body));
  }

  @Patch(':policyId')
  @ETagged()
  @HttpCode(200)
  @RequirePermission('policy:manage')
  @StepUp()
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
  @RequirePermission('policy:manage')
  @StepUp()
  @ApiOperation({ summary: 'Delete a policy.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`policy_lockout`: the change would lock policy management away.' })
  async delete(@Ctx() ctx: RequestContext, @Param('policyId') policyId: string): Promise<void> {
    await this.policies.delete(ctx, policyId);
  }
}
