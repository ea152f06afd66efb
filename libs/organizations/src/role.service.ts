import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit';
import { BadRequestError, ConflictError, NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import { byNameThenId, keysetPage, type Page, type PageQuery } from '#libs/common';
import { isPermission, PERMISSIONS, type Permission } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { PolicyService } from '#libs/policies';
import { PolicyVersionService } from '#libs/policies';
import { isUniqueViolation } from './organization.service.js';
import { MembershipEntity } from './membership.entity.js';
import { ProjectMemberEntity } from './project.entity.js';
import { RoleEntity } from './role.entity.js';

export interface RoleInput {
  name: string;
  description?: string;
  permissions: string[];
}

/** A role of the organization by id or by name; 404 `role_not_found` otherwise. */
export async function findRole(manager: EntityManager, organizationId: string, ref: string): Promise<RoleEntity> {
  const repo = manager.getRepository(RoleEntity);
  const role = isUuid(ref)
    ? await repo.findOneBy({ id: ref, organizationId })
    : await repo.findOneBy({ name: ref, organizationId });
  if (!role) throw new NotFoundError({ code: 'role_not_found', detail: 'No such role.' });
  return role;
}

function checkPermissions(values: string[]): Permission[] {
  const unknown = values.filter((p) => !isPermission(p));
  if (unknown.length)
    throw new BadRequestError({ code: 'permission_unknown', detail: `Unknown permissions: ${unknown.join(', ')}.` });
  return [...new Set(values as Permission[])].sort((a, b) => PERMISSIONS.indexOf(a) - PERMISSIONS.indexOf(b));
}

/**
 * Roles of an organization. Nobody creates or edits a role with a permission they do not hold
 * themselves. Built-in roles keep their names; the admin role keeps every permission.
 */
@Injectable()
export class RoleService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** Built-in roles first, then by name. */
  async list(ctx: RequestContext, query: PageQuery = {}): Promise<Page<RoleEntity>> {
    const where = await this.policies.accessibleWhere(ctx, 'read', 'Role', 'r');
    const qb = this.transactions
      .manager(ctx)
      .getRepository(RoleEntity)
      .createQueryBuilder('r')
      .where('r.organization_id = :org', { org: ctx.organizationId })
      .andWhere(where.brackets);
    return keysetPage(
      qb,
      [
        // 0 for built-in roles, 1 for custom ones.
        {
          column: '(CASE WHEN r.built_in THEN 0 ELSE 1 END)',
          direction: 'ASC',
          kind: 'seq',
          value: (r) => (r.builtIn ? 0 : 1),
        },
        ...byNameThenId('r'),
      ],
      query,
    );
  }

  async get(ctx: RequestContext, roleId: string): Promise<RoleEntity> {
    const role = isUuid(roleId)
      ? await this.transactions
          .manager(ctx)
          .getRepository(RoleEntity)
          .findOneBy({ id: roleId, organizationId: ctx.organizationId! })
      : null;
    if (!role) throw new NotFoundError({ code: 'role_not_found', detail: 'No such role.' });
    await this.policies.assertCan(ctx, 'read', 'Role', { ...role });
    return role;
  }

  async create(ctx: RequestContext, input: RoleInput): Promise<RoleEntity> {
    await this.policies.assertMay(ctx, 'create', 'Role');
    const permissions = checkPermissions(input.permissions);
    await this.policies.assertHoldsAll(ctx, permissions);
    try {
      return await this.transactions.run(ctx, async (ctx, manager) => {
        const repo = manager.getRepository(RoleEntity);
        const role = await repo.save(
          repo.create({
            organizationId: ctx.organizationId!,
            name: input.name,
            description: input.description ?? '',
            permissions,
            builtIn: false,
          }),
        );
        await this.audit?.record(ctx, {
          action: 'role.created',
          resourceType: 'role',
          resourceId: role.id,
          details: { name: role.name, permissions },
        });
        return role;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError({ code: 'role_name_taken', detail: 'A role with this name exists.' });
      throw error;
    }
  }

  /** Changes a role; members holding it get the new permissions on their next request. */
  async update(ctx: RequestContext, roleId: string, patch: Partial<RoleInput>): Promise<RoleEntity> {
    const role = await this.get(ctx, roleId);
    await this.policies.assertCan(ctx, 'edit', 'Role', { ...role });
    const permissions = patch.permissions ? checkPermissions(patch.permissions) : undefined;
    if (permissions) {
      // Adding a permission is handing it out; so is taking one away from someone stronger.
      await this.policies.assertHoldsAll(ctx, new Set([...permissions, ...role.permissions]));
      if (role.builtIn && role.name === 'admin' && permissions.length !== PERMISSIONS.length) {
        throw new ConflictError({ code: 'admin_role_locked', detail: 'The admin role keeps every permission.' });
      }
    }
    if (patch.name !== undefined && patch.name !== role.name && role.builtIn) {
      throw new ConflictError({ code: 'role_built_in', detail: 'Built-in roles keep their names.' });
    }
    try {
      return await this.transactions.run(ctx, async (ctx, manager) => {
        const saved = await manager.getRepository(RoleEntity).save({
          ...role,
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description } : {}),
          ...(permissions ? { permissions } : {}),
        });
        if (patch.name !== undefined && patch.name !== role.name) {
          await manager.query(
            `UPDATE organization SET mfa_required_roles = array_replace(mfa_required_roles, $2, $3) WHERE id = $1`,
            [role.organizationId, role.name, patch.name],
          );
        }
        await this.audit?.record(ctx, {
          action: 'role.updated',
          resourceType: 'role',
          resourceId: role.id,
          details: {
            before: { name: role.name, description: role.description, permissions: role.permissions },
            after: { name: saved.name, description: saved.description, permissions: saved.permissions },
          },
        });
        await this.versions.bump(ctx, role.organizationId);
        return saved;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ConflictError({ code: 'role_name_taken', detail: 'A role with this name exists.' });
      throw error;
    }
  }

  /** Deletes a custom role nobody holds (organization-wide or in a project); its grants go with it. */
  async delete(ctx: RequestContext, roleId: string): Promise<void> {
    const role = await this.get(ctx, roleId);
    await this.policies.assertCan(ctx, 'delete', 'Role', { ...role });
    if (role.builtIn) throw new ConflictError({ code: 'role_built_in', detail: 'Built-in roles cannot be deleted.' });
    await this.policies.assertHoldsAll(ctx, role.permissions);
    await this.transactions.run(ctx, async (ctx, manager) => {
      const holders =
        (await manager.getRepository(MembershipEntity).countBy({ roleId: role.id })) +
        (await manager.getRepository(ProjectMemberEntity).countBy({ roleId: role.id }));
      if (holders > 0) throw new ConflictError({ code: 'role_in_use', detail: 'Members still hold this role.' });
      await manager.query(
        `UPDATE organization SET mfa_required_roles = array_remove(mfa_required_roles, $2) WHERE id = $1`,
        [role.organizationId, role.name],
      );
      await manager.getRepository(RoleEntity).delete({ id: role.id });
      await this.audit?.record(ctx, {
        action: 'role.deleted',
        resourceType: 'role',
        resourceId: role.id,
        details: { name: role.name, permissions: role.permissions },
      });
      await this.versions.bump(ctx, role.organizationId);
    });
  }
}
