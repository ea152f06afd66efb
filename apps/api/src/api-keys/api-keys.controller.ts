import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiKeyService } from '#libs/auth';
import { Ctx, NoStore, isUuid, NotFoundError, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { ProjectService } from '#libs/organizations';
import { PolicyService } from '#libs/policies';
import { ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyResponseDto, toApiKeyResponse } from './api-keys.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`apikey:manage`, or a permission you do not hold yourself.';

@ApiTags('api keys')
@ApiNotFoundResponse({ description: '`organization_not_found`, `api_key_not_found`, `project_not_found`.' })
@Controller('orgs/:orgId/api-keys')
export class ApiKeysController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly policies: PolicyService,
    private readonly projects: ProjectService,
  ) {}

  @Get()
  @Allow({ permission: 'apikey:manage', forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'API keys of the organization (secrets are never shown again).' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<ApiKeyListDto> {
    const page = await this.keys.list(ctx, ctx.organizationId!, query);
    return { items: page.items.map(toApiKeyResponse), nextCursor: page.nextCursor };
  }

  @NoStore()
  @Post()
  @Idempotent()
  @Allow({
    permission: 'apikey:manage',
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Create a key with a subset of your own permissions, optionally for one project.' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    await this.policies.assertHoldsAll(ctx, body.permissions);
    if (body.projectId) await this.projects.get(ctx, body.projectId);
    const { apiKey, secret } = await this.keys.create(ctx, {
      organizationId: ctx.organizationId!,
      name: body.name,
      permissions: body.permissions,
      projectId: body.projectId ?? null,
      expiresAt: body.expiresAt ?? null,
    });
    return { ...toApiKeyResponse(apiKey), secret };
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Allow({ permission: 'apikey:manage', forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Revoke a key; it stops working at once.' })
  @ApiNoContentResponse()
  async revoke(@Ctx() ctx: RequestContext, @Param('keyId') keyId: string): Promise<void> {
    if (!isUuid(keyId)) throw new NotFoundError({ code: 'api_key_not_found', detail: 'No such API key.' });
    await this.keys.revoke(ctx, ctx.organizationId!, keyId);
  }
}
