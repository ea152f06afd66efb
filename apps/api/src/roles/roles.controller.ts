import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
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
import { Authenticated, Ctx, RequestContext, RequirePermission, StepUp, PageQueryDto, Idempotent } from '#libs/common';
import { RoleService } from '#libs/organizations';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';
import { CreateRoleDto, RoleListDto, RoleResponseDto, toRoleResponse, UpdateRoleDto } from './roles.dto.js';

@ApiTags('roles')
@ApiBearerAuth(BEARER_SCHEME)
@ApiSecurity(API_KEY_SCHEME)
@ApiNotFoundResponse({ description: '`organization_not_found`, `role_not_found`.' })
@ApiForbiddenResponse({ description: '`role:manage`, or a permission you do not hold yourself.' })
@Controller('orgs/:orgId/roles')
export class RolesController {
  constructor(private readonly roles: RoleService) {}

  @Get()
  @Authenticated({ allowApiKey: true })
  @ApiOperation({ summary: 'Roles of the organization and their permissions.' })
  @ApiOkResponse({ type: RoleListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<RoleListDto> {
    const page = await this.roles.list(ctx, query);
    return { items: page.items.map(toRoleResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @RequirePermission('role:manage')
  @StepUp()
  @ApiOperation({ summary: 'Create a custom role with any subset of the permissions you hold.' })
  @ApiCreatedResponse({ type: RoleResponseDto })
  @ApiConflictResponse({ description: '`role_name_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateRoleDto): Promise<RoleResponseDto> {
    return toRoleResponse(await this.roles.create(ctx, body));
  }

  @Patch(':roleId')
  @HttpCode(200)
  @RequirePermission('role:manage')
  @StepUp()
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
  @RequirePermission('role:manage')
  @StepUp()
  @ApiOperation({ summary: 'Delete a custom role nobody holds.' })
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: '`role_built_in`, `role_in_use`.' })
  async delete(@Ctx() ctx: RequestContext, @Param('roleId') roleId: string): Promise<void> {
    await this.roles.delete(ctx, roleId);
  }
}
