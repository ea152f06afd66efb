import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Ctx, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { ModelService, modelRow } from '#libs/model-registry';
import { GrantService } from '#libs/policies';
import { CreateGrantDto, GrantListDto, GrantResponseDto, toGrantResponse } from './grants.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`model:grant`, or the permission you tried to grant but do not hold.';

@ApiTags('models')
@ApiNotFoundResponse({ description: '`model_not_found`, `grant_not_found`, `principal_not_found`.' })
@Controller('orgs/:orgId/models/:modelId/grants')
export class ModelGrantsController {
  constructor(
    private readonly models: ModelService,
    private readonly grants: GrantService,
  ) {}

  @Get()
  @Allow({
    permission: 'model:grant',
    forbidden: FORBIDDEN,
  })
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
  @Allow({
    permission: 'model:grant',
    forbidden: FORBIDDEN,
  })
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
  @Allow({
    permission: 'model:grant',
    forbidden: FORBIDDEN,
  })
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
