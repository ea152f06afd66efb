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
import { ETagged, CreatedLocation, Ctx, RequestContext, Idempotent } from '#libs/common';
import { ModelService } from '#libs/model-registry';
import {
  CreateModelDto,
  DeleteModelQueryDto,
  ModelListQueryDto,
  ModelPageDto,
  ModelResponseDto,
  toModelResponse,
  UpdateModelDto,
} from './models.dto.js';
import { Allow } from '../auth/allow.decorator.js';

@ApiTags('models')
@ApiNotFoundResponse({ description: '`model_not_found`: absent, in another organization, or not visible to you.' })
@Controller('orgs/:orgId/models')
export class ModelsController {
  constructor(private readonly models: ModelService) {}

  @Get()
  @Allow({ permission: 'model:read' })
  @ApiOperation({ summary: 'List the models you may see (filtered by your roles, grants and policies).' })
  @ApiOkResponse({ type: ModelPageDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: ModelListQueryDto): Promise<ModelPageDto> {
    // The rows are already the answer's shape (the list selects exactly its fields, instants as text).
    return this.models.list(ctx, query);
  }

  @Post()
  @Idempotent()
  @CreatedLocation('models/:id')
  @Allow({ permission: 'model:create' })
  @ApiOperation({ summary: 'Register a model (metadata; upload weights as versions).' })
  @ApiCreatedResponse({ type: ModelResponseDto })
  @ApiConflictResponse({ description: '`model_slug_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateModelDto): Promise<ModelResponseDto> {
    return toModelResponse(await this.models.create(ctx, body));
  }

  @Get(':modelId')
  @ETagged()
  @Allow({ permission: 'model:read' })
  @ApiOperation({ summary: 'One model.' })
  @ApiOkResponse({ type: ModelResponseDto })
  async get(@Ctx() ctx: RequestContext, @Param('modelId') modelId: string): Promise<ModelResponseDto> {
    return toModelResponse(await this.models.load(ctx, modelId));
  }

  @Patch(':modelId')
  @ETagged()
  @Allow({ permission: 'model:edit', forbidden: '`model:edit`, or `org:manage` for exportOverride.' })
  @ApiOperation({ summary: 'Change metadata; `exportOverride` is for administrators (org:manage).' })
  @ApiOkResponse({ type: ModelResponseDto })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Body() body: UpdateModelDto,
  ): Promise<ModelResponseDto> {
    return toModelResponse(await this.models.update(ctx, modelId, body));
  }

  @Delete(':modelId')
  @ETagged()
  @HttpCode(204)
  @Allow({ permission: 'model:delete', stepUp: true })
  @ApiOperation({ summary: 'Delete a model and its versions; with a production version, pass ?confirm=<slug>.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`model_delete_confirmation_required`.' })
  async delete(
    @Ctx() ctx: RequestContext,
    @Param('modelId') modelId: string,
    @Query() query: DeleteModelQueryDto,
  ): Promise<void> {
    await this.models.delete(ctx, modelId, query.confirm);
  }
}
