import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ETagged, CreatedLocation, Ctx, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { OrganizationService } from '#libs/organizations';
import {
  CreateOrganizationDto,
  OrganizationListDto,
  OrganizationResponseDto,
  toOrganizationResponse,
  UpdateOrganizationDto,
} from './organizations.dto.js';
import { Allow } from '../auth/allow.decorator.js';

@ApiTags('organizations')
@Controller('orgs')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationService) {}

  @Post()
  @Idempotent()
  @CreatedLocation('orgs/:id')
  @Allow({ admin: true })
  @ApiOperation({ summary: 'Create an organization (platform administrators); the creator becomes its admin.' })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  @ApiConflictResponse({ description: '`slug_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateOrganizationDto): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.create(ctx, body));
  }

  @Get()
  @Allow({ apiKey: true })
  @ApiOperation({ summary: 'Organizations I belong to.' })
  @ApiOkResponse({ type: OrganizationListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<OrganizationListDto> {
    const page = await this.organizations.listMine(ctx, query);
    return { items: page.items.map(toOrganizationResponse), nextCursor: page.nextCursor };
  }

  @Get(':orgId')
  @ETagged()
  @Allow({ apiKey: true })
  @ApiOperation({ summary: 'One organization I belong to.' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiNotFoundResponse({ description: '`organization_not_found`.' })
  async get(@Ctx() ctx: RequestContext): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.get(ctx));
  }

  @Patch(':orgId')
  @ETagged()
  @HttpCode(200)
  @Allow({ permission: 'org:manage', forbidden: '`org:manage`.' })
  @ApiOperation({ summary: 'Change the name and settings (IP ranges, MFA-required roles, quotas, retention).' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiConflictResponse({ description: '`ip_lockout` when the ranges would exclude your own address.' })
  async update(@Ctx() ctx: RequestContext, @Body() body: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    return toOrganizationResponse(await this.organizations.update(ctx, body));
  }
}
