import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Ctx, RequestContext, RequirePermission, PageQueryDto, Idempotent } from '#libs/common';
import { ModelService, modelRow } from '#libs/model-registry';
import { GrantService } from '#libs/policies';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';
import { CreateGrantDto, GrantListDto, GrantResponseDto, toGrantResponse } from './grants.dto.js';

@ApiTags('models')
@ApiBearerAuth(BEARER_SCHEME)
@ApiSecurity(API_KEY_SCHEME)
@ApiNotFoundResponse({ description: '`model_not_found`, `grant_not_found`, `principal_not_found`.' })
@ApiForbiddenResponse({ description: '`model:grant`, or the permission you tried to grant but do not hold.' })
@Controller('orgs/:orgId/models/:modelId/grants')
export class ModelGrantsController {
  constructor(
    private readonly models: ModelService,
    private readonly grants: GrantService,
  ) {}

  @Get()
  @RequirePermission('model:grant')
  @ApiOperation({ summary: 'Per-model grants of this model.' })
  @ApiOkResponse({ type: GrantListDto })
  async list(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Query() query: PageQueryDto,
  ): Promise<GrantListDto> {
    const model = await this.models.load(ctx, modelId);
    const page = await this.grants.list(ctx, modelRow(model), query);
    return { items: page.items.map(toGrantResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @RequirePermission('model:grant')
  @ApiOperation({ summary: 'Grant a user, role or project some of view/infer/test/edit/export/delete/grant.' })
  @ApiCreatedResponse({ type: GrantResponseDto })
  async create(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Body() body: CreateGrantDto,
  ): Promise<GrantResponseDto> {
    const model = await this.models.load(ctx, modelId);
    const grant = await this.grants.create(ctx, modelRow(model), {
      principalType: body.principalType,
      principalId: body.principalId,
      actions: body.permissions,
      conditions: body.conditions,
      expiresAt: body.expiresAt ?? null,
    });
    return toGrantResponse(grant);
  }

  @Delete(':grantId')
  @HttpCode(204)
  @RequirePermission('model:grant')
  @ApiOperation({ summary: 'Revoke a grant.' })
  @ApiNoContentResponse()
  async delete(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Param('grantId') grantId: string,
  ): Promise<void> {
    const model = await this.models.load(ctx, modelId);
    await this.grants.delete(ctx, modelRow(model), grantId);
  }
}
