import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ETagged, CreatedLocation, Ctx, RequestContext, PageQueryDto, Idempotent } from '#libs/common';
import { ProjectService } from '#libs/organizations';
import {
  CreateProjectDto,
  ProjectListDto,
  ProjectMemberListDto,
  ProjectMemberResponseDto,
  ProjectResponseDto,
  SetProjectMemberDto,
  toProjectMemberResponse,
  toProjectResponse,
  UpdateProjectDto,
} from './projects.dto.js';
import { Allow } from '../auth/allow.decorator.js';

/** 403 codes several routes here document, besides those every secured route shares. */
const FORBIDDEN = '`project:manage`, or a permission of the role you do not hold yourself.';

@ApiTags('projects')
@ApiNotFoundResponse({
  description: '`organization_not_found`, `project_not_found`, `member_not_found`, `role_not_found`.',
})
@Controller('orgs/:orgId/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectService) {}

  @Get()
  @Allow({ apiKey: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Projects I can see (mine; all of them with project:manage).' })
  @ApiOkResponse({ type: ProjectListDto })
  async list(@Ctx() ctx: RequestContext, @Query() query: PageQueryDto): Promise<ProjectListDto> {
    const page = await this.projects.list(ctx, query);
    return { items: page.items.map(toProjectResponse), nextCursor: page.nextCursor };
  }

  @Post()
  @Idempotent()
  @CreatedLocation('projects/:id')
  @Allow({
    permission: 'project:manage',
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Create a project.' })
  @ApiCreatedResponse({ type: ProjectResponseDto })
  @ApiConflictResponse({ description: '`slug_taken`.' })
  async create(@Ctx() ctx: RequestContext, @Body() body: CreateProjectDto): Promise<ProjectResponseDto> {
    return toProjectResponse(await this.projects.create(ctx, body));
  }

  @Get(':projectId')
  @ETagged()
  @Allow({ apiKey: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'One project.' })
  @ApiOkResponse({ type: ProjectResponseDto })
  async get(@Ctx() ctx: RequestContext, @Param('projectId') projectId: string): Promise<ProjectResponseDto> {
    return toProjectResponse(await this.projects.get(ctx, projectId));
  }

  @Patch(':projectId')
  @ETagged()
  @HttpCode(200)
  @Allow({
    permission: 'project:manage',
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Rename or describe a project.' })
  @ApiOkResponse({ type: ProjectResponseDto })
  async update(
    @Ctx() ctx: RequestContext,
    @Param('projectId') projectId: string,
    @Body() body: UpdateProjectDto,
  ): Promise<ProjectResponseDto> {
    return toProjectResponse(await this.projects.update(ctx, projectId, body));
  }

  @Delete(':projectId')
  @ETagged()
  @HttpCode(204)
  @Allow({
    permission: 'project:manage',
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Delete a project and its member list.' })
  @ApiNoContentResponse()
  async delete(@Ctx() ctx: RequestContext, @Param('projectId') projectId: string): Promise<void> {
    await this.projects.delete(ctx, projectId);
  }

  @Get(':projectId/members')
  @Allow({ apiKey: true, forbidden: FORBIDDEN })
  @ApiOperation({ summary: 'Members of a project and their project roles.' })
  @ApiOkResponse({ type: ProjectMemberListDto })
  async members(
    @Ctx() ctx: RequestContext,
    @Param('projectId') projectId: string,
    @Query() query: PageQueryDto,
  ): Promise<ProjectMemberListDto> {
    const page = await this.projects.listMembers(ctx, projectId, query);
    return { items: page.items.map(toProjectMemberResponse), nextCursor: page.nextCursor };
  }

  @Put(':projectId/members/:userId')
  @Allow({
    permission: 'project:manage',
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Add an organization member to the project or change their project role.' })
  @ApiOkResponse({ type: ProjectMemberResponseDto })
  async setMember(
    @Ctx() ctx: RequestContext,
    @Param('projectId') projectId: string,
    @Param('userId') userId: string,
    @Body() body: SetProjectMemberDto,
  ): Promise<ProjectMemberResponseDto> {
    return toProjectMemberResponse(await this.projects.setMember(ctx, projectId, userId, body.role));
  }

  @Delete(':projectId/members/:userId')
  @HttpCode(204)
  @Allow({
    permission: 'project:manage',
    forbidden: FORBIDDEN,
  })
  @ApiOperation({ summary: 'Remove someone from the project.' })
  @ApiNoContentResponse()
  async removeMember(
    @Ctx() ctx: RequestContext,
    @Param('projectId') projectId: string,
    @Param('userId') userId: string,
  ): Promise<void> {
    await this.projects.removeMember(ctx, projectId, userId);
  }
}
