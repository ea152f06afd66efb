import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  ETagged,
  Authenticated,
  CreatedLocation,
  Ctx,
  PlatformAdmin,
  RequestContext,
  RequirePermission,
  PageQueryDto,
  Idempotent,
} from '#libs/common';
import { OrganizationService } from '#libs/organizations';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';
import {
  CreateOrganizationDto,
  OrganizationListDto,
  OrganizationResponseDto,
  toOrganizationResponse,
  UpdateOrganizationDto,
} from './organizations.dto.js';

@ApiTags('organizations')
@ApiBearerAuth(BEARER_SCHEME)
@Controller('orgs')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationService) {}

  @Post()
  @Idempotent()
  @CreatedLocation('orgs/:id')
  @PlatformAdmin()
  @ApiOperation({ summary: 'Create an organization (platform administrators); the creator becomes its admin.' })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  @ApiConflictResponse({ description: '`slug_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateOrganizationDto): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.create(ctx, body));
  }

  @Get()
  @Authenticated({ allowApiKey: true })
  @ApiSecurity(API_KEY_SCHEME)
  @ApiOperation({ summary: 'Organizations I belong to.' })
  @ApiOkResponse({ type: OrganizationListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<OrganizationListDto> {
    const page = await this.organizations.listMine(ctx, query);
    return { items: page.items.map(toOrganizationResponse), nextCursor: page.nextCursor };
  }

  @Get(':orgId')
  @ETagged()
  @Authenticated({ allowApiKey: true })
  @ApiSecurity(API_KEY_SCHEME)
  @ApiOperation({ summary: 'One organization I belong to.' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiNotFoundResponse({ description: '`organization_not_found`.' })
  async get(@Ctx() ctx: RequestContext): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.get(ctx));
  }

  @Patch(':orgId')
  @ETagged()
  @HttpCode(200)
  @RequirePermission('org:manage')
  @ApiSecurity(API_KEY_SCHEME)
  @ApiOperation({ summary: 'Change the name and settings (IP ranges, MFA-required roles, quotas, retention).' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiForbiddenResponse({ description: '`org:manage`.' })
  @ApiConflictResponse({ description: '`ip_lockout` when the ranges would exclude your own address.' })
  async update(@Ctx() ctx: RequestContext, @Body() body: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.update(ctx, body));
  }
}
