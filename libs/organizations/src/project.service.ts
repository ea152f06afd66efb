import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit';
import { ConflictError, NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import { byNameThenId, keysetPage, type Page, type PageQuery } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { PolicyService } from '#libs/policies';
import { PolicyVersionService } from '#libs/policies';
import { isUniqueViolation } from './organization.service.js';
import { MembershipEntity } from './membership.entity.js';
import { ProjectEntity, ProjectMemberEntity } from './project.entity.js';
import { findRole } from './role.service.js';

export interface ProjectInput {
  name: string;
  slug: string;
  description?: string;
}

export interface ProjectMemberView {
  userId: string;
  email: string;
  role: { id: string; name: string };
  createdAt: Date;
}

const notFound = () => new NotFoundError({ code: 'project_not_found', detail: 'No such project.' });

/**
 * Projects (spaces) of an organization and their member lists. Members see their projects,
 * `project:manage` holders see all; a project role applies only to the project's models and jobs.
 */
@Injectable()
export class ProjectService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  async list(ctx: RequestContext, query: PageQuery): Promise<Page<ProjectEntity>> {
    const where = await this.policies.accessibleWhere(ctx, 'read', 'Project', 'p');
    const qb = this.transactions
      .manager(ctx)
      .getRepository(ProjectEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :org', { org: ctx.organizationId })
      .andWhere(where.brackets);
    return keysetPage(qb, byNameThenId('p'), query);
  }

  async get(ctx: RequestContext, projectId: string): Promise<ProjectEntity> {
    const project = isUuid(projectId)
      ? await this.transactions
          .manager(ctx)
          .getRepository(ProjectEntity)
          .findOneBy({ id: projectId, organizationId: ctx.organizationId! })
      : null;
    if (!project) throw notFound();
    await this.policies.assertCan(ctx, 'read', 'Project', { ...project });
    return project;
  }

  async create(ctx: RequestContext, input: ProjectInput): Promise<ProjectEntity> {
    await this.policies.assertMay(ctx, 'create', 'Project');
    try {
      return await this.transactions.run(ctx, async (ctx, manager) => {
        const repo = manager.getRepository(ProjectEntity);
        const project = await repo.save(
          repo.create({
            organizationId: ctx.organizationId!,
            name: input.name,
            slug: input.slug,
            description: input.description ?? '',
            createdBy: ctx.actor.userId ?? null,
          }),
        );
        await this.audit?.record(ctx, {
          action: 'project.created',
          resourceType: 'project',
          resourceId: project.id,
          details: { name: project.name, slug: project.slug },
        });
        return project;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError({ code: 'slug_taken', detail: 'A project with this slug exists.' });
      throw error;
    }
  }

  async update(ctx: RequestContext, projectId: string, patch: Partial<ProjectInput>): Promise<ProjectEntity> {
    const project = await this.get(ctx, projectId);
    await this.policies.assertCan(ctx, 'edit', 'Project', { ...project });
    try {
      return await this.transactions.run(ctx, async (ctx, manager) => {
        const after = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        const before = Object.fromEntries(Object.keys(after).map((k) => [k, project[k as keyof ProjectInput]]));
        const saved = await manager.getRepository(ProjectEntity).save({ ...project, ...after });
        await this.audit?.record(ctx, {
          action: 'project.updated',
          resourceType: 'project',
          resourceId: project.id,
          details: { before, after },
        });
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError({ code: 'slug_taken', detail: 'A project with this slug exists.' });
      throw error;
    }
  }

  async delete(ctx: RequestContext, projectId: string): Promise<void> {
    const project = await this.get(ctx, projectId);
    await this.policies.assertCan(ctx, 'delete', 'Project', { ...project });
    await this.transactions.run(ctx, async (ctx, manager) => {
      await manager.getRepository(ProjectEntity).delete({ id: project.id });
      await this.audit?.record(ctx, {
        action: 'project.deleted',
        resourceType: 'project',
        resourceId: project.id,
        details: { name: project.name },
      });
      await this.versions.bump(ctx, project.organizationId);
    });
  }

  async listMembers(ctx: RequestContext, projectId: string, query: PageQuery): Promise<Page<ProjectMemberView>> {
    const project = await this.get(ctx, projectId);
    const page = await keysetPage<ProjectMemberRow>(
      this.memberQuery(ctx, project.id),
      [
        { column: 'u.email', direction: 'ASC', kind: 'string', value: (r) => r.email },
        { column: 'pm.user_id', direction: 'ASC', kind: 'uuid', value: (r) => r.user_id },
      ],
      query,
      (q) => q.getRawMany<ProjectMemberRow>(),
    );
    return { items: page.items.map(toProjectMemberView), nextCursor: page.nextCursor };
  }

  private memberQuery(ctx: RequestContext, projectId: string) {
    return this.transactions
      .manager(ctx)
      .createQueryBuilder()
      .select(['pm.user_id AS user_id', 'u.email AS email', 'r.id AS role_id', 'r.name AS role_name'])
      .addSelect('pm.created_at AS created_at')
      .from('project_member', 'pm')
      .innerJoin('user_account', 'u', 'u.id = pm.user_id')
      .innerJoin('role', 'r', 'r.id = pm.role_id')
      .where('pm.project_id = :projectId', { projectId });
  }

  /** Adds an organization member to the project, or changes their project role. */
  async setMember(ctx: RequestContext, projectId: string, userId: string, roleRef: string): Promise<ProjectMemberView> {
    const project = await this.get(ctx, projectId);
    await this.policies.assertCan(ctx, 'edit', 'Project', { ...project });
    if (!isUuid(userId)) throw new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });
    await this.transactions.run(ctx, async (ctx, manager) => {
      const role = await findRole(manager, project.organizationId, roleRef);
      await this.policies.assertHoldsAll(ctx, role.permissions);
      const member = await manager
        .getRepository(MembershipEntity)
        .existsBy({ organizationId: project.organizationId, userId });
      if (!member) throw new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });
      const previous = await currentProjectRole(manager, project.id, userId);
      // As with organization roles: nobody changes the project role of someone stronger than themselves.
      if (previous) await this.policies.assertHoldsAll(ctx, previous.permissions);
      await manager
        .getRepository(ProjectMemberEntity)
        .upsert(
          { organizationId: project.organizationId, projectId: project.id, userId, roleId: role.id },
          { conflictPaths: ['projectId', 'userId'], skipUpdateIfNoValuesChanged: false },
        );
      await this.audit?.record(ctx, {
        action: 'project.member_set',
        resourceType: 'project',
        resourceId: project.id,
        details: { userId, role: role.name, before: { role: previous?.name ?? null }, after: { role: role.name } },
      });
      await this.versions.bump(ctx, project.organizationId);
    });
    const row = await this.memberQuery(ctx, project.id)
      .andWhere('pm.user_id = :userId', { userId })
      .getRawOne<ProjectMemberRow>();
    return toProjectMemberView(row!);
  }

  async removeMember(ctx: RequestContext, projectId: string, userId: string): Promise<void> {
    const project = await this.get(ctx, projectId);
    await this.policies.assertCan(ctx, 'edit', 'Project', { ...project });
    if (!isUuid(userId)) throw new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });
    await this.transactions.run(ctx, async (ctx, manager) => {
      const current = await currentProjectRole(manager, project.id, userId);
      if (!current) throw new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });
      await this.policies.assertHoldsAll(ctx, current.permissions);
      const { affected } = await manager.getRepository(ProjectMemberEntity).delete({ projectId: project.id, userId });
      if (!affected) throw new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });
      await this.audit?.record(ctx, {
        action: 'project.member_removed',
        resourceType: 'project',
        resourceId: project.id,
        details: { userId },
      });
      await this.versions.bump(ctx, project.organizationId);
    });
  }
}

/** A project member's role, locked for the rest of the transaction; null when they are not a member. */
async function currentProjectRole(
  manager: EntityManager,
  projectId: string,
  userId: string,
): Promise<{ name: string; permissions: string[] } | null> {
  const [row] = (await manager.query(
    `SELECT r.name, r.permissions FROM project_member pm JOIN role r ON r.id = pm.role_id
      WHERE pm.project_id = $1 AND pm.user_id = $2 FOR UPDATE OF pm`,
    [projectId, userId],
  )) as { name: string; permissions: string[] }[];
  return row ?? null;
}

interface ProjectMemberRow {
  user_id: string;
  email: string;
  role_id: string;
  role_name: string;
  created_at: Date;
}

function toProjectMemberView(r: ProjectMemberRow): ProjectMemberView {
  return {
    userId: r.user_id,
    email: r.email,
    role: { id: r.role_id, name: r.role_name },
    createdAt: new Date(r.created_at),
  };
}
