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
import { RoleService } from '#libs/organizations';
import { CreateRoleDto, RoleListDto, RoleResponseDto, toRoleResponse, UpdateRoleDto } from './roles.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`role:manage`, or a permission you do not hold yourself.';

@ApiTags('roles')
@ApiNotFoundResponse({ description: '`organization_not_found`, `role_not_found`.' })
@Controller('orgs/:orgId/roles')
export class RolesController {
  constructor(private readonly roles: RoleService) {}

  @Get()
  @Allow({ apiKey: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Roles of the organization and their permissions.' })
  @ApiOkResponse({ type: RoleListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<RoleListDto> {
    const page = await this.roles.list(ctx, query);
    return { items: page.items.map(toRoleResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @Allow({
    permission: 'role:manage',
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Create a custom role with any subset of the permissions you hold.' })
  @ApiCreatedResponse({ type: RoleResponseDto })
  @ApiConflictResponse({ description: '`role_name_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateRoleDto): Promise<RoleResponseDto> {
    return toRoleResponse(await this.roles.create(ctx, body));
  }

  @Patch(':roleId')
  @HttpCode(200)
  @Allow({
    permission: 'role:manage',
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Change a role; its members get the change on their next request.' })
  @ApiOkResponse({ type: RoleResponseDto })
  @ApiConflictResponse({ description: '`role_built_in`, `admin_role_locked`, `role_name_taken`.' })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('roleId') roleId: string,
    @Body() body: UpdateRoleDto,
  ): Promise<RoleResponseDto> {
    return toRoleResponse(await this.roles.update(ctx, roleId, body));
  }

  @Delete(':roleId')
  @HttpCode(204)
  @Allow({
    permission: 'role:manage',
    stepUp: true,
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Delete a custom role nobody holds.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`role_built_in`, `role_in_use`.' })
  async delete(@Ctx() ctx: RequestContext, @Param('roleId') roleId: string): Promise<void> {
    await this.roles.delete(ctx, roleId);
  }
}
