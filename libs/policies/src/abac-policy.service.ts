import { Injectable, Optional } from '@nestjs/common';
import { NotFoundError } from '../../common/src/errors.js';
import { isUuid } from '../../common/src/ids.js';
import type { RequestContext } from '../../common/src/request-context.js';
import { Transactions } from '../../database/src/transactions.js';
import { AuditService } from '../../audit/src/audit.service.js';
import { AbacPolicyEntity } from './abac-policy.entity.js';
import { expandPolicyActions } from './ability.factory.js';
import { PolicyService } from './policy.service.js';
import { PolicyVersionService } from './policy-version.service.js';
import { validateConditions, validatePolicyActions, validatePrincipals } from './policy-validation.js';
import { assertPrincipalsInOrganization } from './principal-directory.js';

export interface PolicyInput {
  name: string;
  description?: string;
  effect: 'allow' | 'deny';
  actions: string[];
  principals: unknown;
  conditions?: unknown;
  enabled?: boolean;
}

/** CRUD of an organization's ABAC policies (`policy:manage`); every change bumps the policy version. */
@Injectable()
export class AbacPolicyService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  async list(ctx: RequestContext): Promise<AbacPolicyEntity[]> {
    const where = await this.policies.accessibleWhere(ctx, 'read', 'Policy', 'p');
    return this.transactions
      .manager(ctx)
      .getRepository(AbacPolicyEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :org', { org: ctx.organizationId })
      .andWhere(where.brackets)
      .orderBy('p.created_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .getMany();
  }

  async get(ctx: RequestContext, policyId: string): Promise<AbacPolicyEntity> {
    const policy = isUuid(policyId)
      ? await this.transactions
          .manager(ctx)
          .getRepository(AbacPolicyEntity)
          .findOneBy({ id: policyId, organizationId: ctx.organizationId! })
      : null;
    if (!policy) throw new NotFoundError({ code: 'policy_not_found', detail: 'No such policy.' });
    await this.policies.assertCan(ctx, 'read', 'Policy', { ...policy });
    return policy;
  }

  async create(ctx: RequestContext, input: PolicyInput): Promise<AbacPolicyEntity> {
    await this.policies.assertMay(ctx, 'create', 'Policy');
    const values = this.validate(input);
    await this.assertMayAllow(ctx, values);
    return this.transactions.run(ctx, async (ctx, manager) => {
      await this.assertPrincipals(ctx, values.principals);
      const repo = manager.getRepository(AbacPolicyEntity);
      const policy = await repo.save(
        repo.create({ ...values, organizationId: ctx.organizationId!, createdBy: ctx.actor.userId ?? null }),
      );
      await this.audit?.record(ctx, {
        action: 'policy.created',
        resourceType: 'policy',
        resourceId: policy.id,
        details: { ...values },
      });
      await this.versions.bump(ctx, policy.organizationId);
      return policy;
    });
  }

  async update(ctx: RequestContext, policyId: string, patch: Partial<PolicyInput>): Promise<AbacPolicyEntity> {
    const existing = await this.get(ctx, policyId);
    await this.policies.assertCan(ctx, 'edit', 'Policy', { ...existing });
    const values = this.validate({
      name: patch.name ?? existing.name,
      description: patch.description ?? existing.description,
      effect: patch.effect ?? existing.effect,
      actions: patch.actions ?? existing.actions,
      principals: patch.principals ?? existing.principals,
      conditions: patch.conditions ?? existing.conditions,
      enabled: patch.enabled ?? existing.enabled,
    });
    await this.assertMayAllow(ctx, values, existing);
    return this.transactions.run(ctx, async (ctx, manager) => {
      await this.assertPrincipals(ctx, values.principals);
      // Only the fields whose value moved, before and after (compared as stored JSON).
      const changed = (Object.keys(values) as (keyof typeof values)[]).filter(
        (k) => JSON.stringify(values[k]) !== JSON.stringify(existing[k]),
      );
      const before = Object.fromEntries(changed.map((k) => [k, existing[k]]));
      const saved = await manager.getRepository(AbacPolicyEntity).save({ ...existing, ...values });
      await this.audit?.record(ctx, {
        action: 'policy.updated',
        resourceType: 'policy',
        resourceId: saved.id,
        details: { before, after: Object.fromEntries(changed.map((k) => [k, values[k]])) },
      });
      await this.versions.bump(ctx, saved.organizationId);
      return saved;
    });
  }

  async delete(ctx: RequestContext, policyId: string): Promise<void> {
    const existing = await this.get(ctx, policyId);
    await this.policies.assertCan(ctx, 'delete', 'Policy', { ...existing });
    await this.assertMayAllow(ctx, existing);
    await this.transactions.run(ctx, async (ctx, manager) => {
      await manager.getRepository(AbacPolicyEntity).delete({ id: existing.id });
      await this.audit?.record(ctx, {
        action: 'policy.deleted',
        resourceType: 'policy',
        resourceId: existing.id,
        details: { name: existing.name, effect: existing.effect, actions: existing.actions },
      });
      await this.versions.bump(ctx, existing.organizationId);
    });
  }

  /**
   * An allow policy hands out its permissions, so only someone holding every one of them may
   * write, change or remove it (as with roles); deny policies only take away.
   */
  private async assertMayAllow(
    ctx: RequestContext,
    ...policies: { effect: 'allow' | 'deny'; actions: string[] }[]
  ): Promise<void> {
    const allowed = policies.filter((p) => p.effect === 'allow').flatMap((p) => expandPolicyActions(p.actions));
    if (allowed.length) await this.policies.assertHoldsAll(ctx, new Set(allowed));
  }

  private validate(input: PolicyInput) {
    return {
      name: input.name,
      description: input.description ?? '',
      effect: input.effect,
      actions: validatePolicyActions(input.actions),
      principals: validatePrincipals(input.principals),
      conditions: validateConditions(input.conditions),
      enabled: input.enabled ?? true,
    };
  }

  private async assertPrincipals(
    ctx: RequestContext,
    principals: ReturnType<typeof validatePrincipals>,
  ): Promise<void> {
    await assertPrincipalsInOrganization(this.transactions.manager(ctx), ctx.organizationId!, {
      users: [...(principals.users ?? []), ...(principals.exceptUsers ?? [])],
      roles: [...(principals.roles ?? []), ...(principals.exceptRoles ?? [])],
      projects: principals.projects,
    });
  }
}
