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
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ETagged, CreatedLocation, Ctx, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { SsoProviderService } from '#libs/sso';
import {
  CreateSsoProviderDto,
  SsoProviderListDto,
  SsoProviderResponseDto,
  toSsoProviderResponse,
  UpdateSsoProviderDto,
} from './sso.dto.js';
import { Allow } from '../auth/allow.decorator.js';

@ApiTags('single sign-on')
@Controller('orgs/:orgId/sso/providers')
export class SsoProvidersController {
  constructor(private readonly providers: SsoProviderService) {}

  @Get()
  @Allow({ permission: 'org:manage', apiKey: false, forbidden: '`org:manage`.' })
  @ApiOperation({ summary: "The organization's identity providers (client secrets are never returned)." })
  @ApiOkResponse({ type: SsoProviderListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<SsoProviderListDto> {
    const page = await this.providers.list(ctx, query);
    return { items: page.items.map(toSsoProviderResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @CreatedLocation('providers/:id')
  @Allow({
    permission: 'org:manage',
    apiKey: false,
    forbidden: '`org:manage`, or a mapped role with permissions you do not hold.',
  })
  @ApiOperation({ summary: 'Add an OpenID Connect provider; its issuer must answer discovery. Audited.' })
  @ApiCreatedResponse({ type: SsoProviderResponseDto })
  @ApiBadRequestResponse({ description: '`validation_failed`, `sso_issuer_invalid`, `role_not_found`.' })
  @ApiConflictResponse({ description: '`sso_provider_slug_taken`.' })
  @ApiUnprocessableEntityResponse({ description: '`sso_issuer_unreachable`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateSsoProviderDto): Promise<SsoProviderResponseDto> {
    return toSsoProviderResponse(await this.providers.create(ctx, body));
  }

  @Get(':providerId')
  @ETagged()
  @Allow({ permission: 'org:manage', apiKey: false })
  @ApiOperation({ summary: 'One identity provider.' })
  @ApiOkResponse({ type: SsoProviderResponseDto })
  @ApiNotFoundResponse({ description: '`sso_provider_not_found`.' })
  async get(@Ctx() ctx: RequestContext, @Param('providerId') providerId: string): Promise<SsoProviderResponseDto> {
    return toSsoProviderResponse(await this.providers.get(ctx, providerId));
  }

  @Patch(':providerId')
  @ETagged()
  @HttpCode(200)
  @Allow({ permission: 'org:manage', apiKey: false })
  @ApiOperation({ summary: 'Change a provider (mappings apply at each member’s next sign-in). Audited.' })
  @ApiOkResponse({ type: SsoProviderResponseDto })
  @ApiNotFoundResponse({ description: '`sso_provider_not_found`.' })
  @ApiConflictResponse({ description: '`sso_provider_slug_taken`.' })
  @ApiUnprocessableEntityResponse({ description: '`sso_issuer_unreachable`.' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('providerId') providerId: string,
    @Body() body: UpdateSsoProviderDto,
  ): Promise<SsoProviderResponseDto> {
    return toSsoProviderResponse(await this.providers.update(ctx, providerId, body));
  }

  @Delete(':providerId')
  @ETagged()
  @HttpCode(204)
  @Allow({ permission: 'org:manage', apiKey: false })
  @ApiOperation({ summary: 'Remove a provider; identities linked through it are removed, accounts stay. Audited.' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: '`sso_provider_not_found`.' })
  async remove(@Ctx() ctx: RequestContext, @Param('providerId') providerId: string): Promise<void> {
    await this.providers.remove(ctx, providerId);
  }
}
