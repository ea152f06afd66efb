import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { subject as asSubject } from '@casl/ability';
import { ConflictError, ForbiddenError, NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import { byCreatedThenId, keysetPage, type Page, type PageQuery } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { AuditService } from '#libs/audit';
import { AbacPolicyEntity } from './abac-policy.entity.js';
import { buildAbility, expandPolicyActions, type PrincipalProfile, type ProfilePolicy } from './ability.factory.js';
import type { PolicyConditions, RequestFacts } from './abac.js';
import { PolicyService } from './policy.service.js';
import { PolicyVersionService } from './policy-version.service.js';
import { enabledPolicies, ProfileLoader } from './profile.loader.js';
import { validateConditions, validatePolicyActions, validatePrincipals } from './policy-validation.js';
import { PrincipalDirectoryRef } from './principal-directory.js';
import { PERMISSION_CHECK } from './subjects.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export interface PolicyInput {
  name: string;
  description?: string;
  effect: 'allow' | 'deny';
  actions: string[];
  principals: unknown;
  conditions?: unknown;
  enabled?: boolean;
}

const lockout = (detail: string) => new ConflictError({ code: 'policy_lockout', detail });

/**
 * CRUD of an organization's ABAC policies (`policy:manage`); every change bumps the policy version.
 * No change may lock policy management away (see `assertNoLockout`), or nobody could undo it.
 */
@Injectable()
export class AbacPolicyService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    private readonly profiles: ProfileLoader,
    private readonly directory: PrincipalDirectoryRef,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** Oldest first. */
  async list(ctx: RequestContext, query: PageQuery): Promise<Page<AbacPolicyEntity>> {
    const where = await this.policies.accessibleWhere(ctx, 'read', 'Policy', 'p');
    const qb = this.transactions
      .manager(ctx)
      .getRepository(AbacPolicyEntity)
      .createQueryBuilder('p')
      .where('p.organization_id = :org', { org: ctx.organizationId })
      .andWhere(where.brackets);
    return keysetPage(qb, byCreatedThenId('p', 'ASC'), query);
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
      const before = await lockedPolicies(manager, ctx.organizationId!);
      const repo = manager.getRepository(AbacPolicyEntity);
      const policy = await repo.save(
        repo.create({ ...values, organizationId: ctx.organizationId!, createdBy: ctx.actor.userId ?? null }),
      );
      await this.assertNoLockout(ctx, manager, before);
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
      const inForce = await lockedPolicies(manager, existing.organizationId);
      const saved = await manager.getRepository(AbacPolicyEntity).save({ ...existing, ...values });
      await this.assertNoLockout(ctx, manager, inForce);
      await this.audit?.record(ctx, {
        action: 'policy.updated',
        resourceType: 'policy',
        resourceId: saved.id,
        // The effect and state it had, so alert rules can tell a deny rule being switched off.
        details: {
          effect: existing.effect,
          enabled: existing.enabled,
          before,
          after: Object.fromEntries(changed.map((k) => [k, values[k]])),
        },
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
      const before = await lockedPolicies(manager, existing.organizationId);
      await manager.getRepository(AbacPolicyEntity).delete({ id: existing.id });
      await this.assertNoLockout(ctx, manager, before);
      await this.audit?.record(ctx, {
        action: 'policy.deleted',
        resourceType: 'policy',
        resourceId: existing.id,
        details: { name: existing.name, effect: existing.effect, enabled: existing.enabled, actions: existing.actions },
      });
      await this.versions.bump(ctx, existing.organizationId);
    });
  }

  /**
   * An allow policy hands out its permissions, so only someone holding every one of them may
   * write, change or remove it (as with roles); deny policies only take away. For model
   * permissions holding is not enough: the policy must not reach models its author cannot reach
   * with that action (see `assertWithinReach`).
   */
  private async assertMayAllow(
    ctx: RequestContext,
    ...policies: { effect: 'allow' | 'deny'; actions: string[]; conditions?: PolicyConditions | null }[]
  ): Promise<void> {
    const allowing = policies.filter((p) => p.effect === 'allow');
    const allowed = allowing.flatMap((p) => expandPolicyActions(p.actions));
    if (!allowed.length) return;
    await this.policies.assertHoldsAll(ctx, new Set(allowed));
    for (const policy of allowing) await this.assertWithinReach(ctx, policy.actions, policy.conditions ?? {});
  }

  /**
   * Refuses (403 `policy_scope_exceeded`) an allow policy whose model scope is wider than what its
   * author reaches with each model action: either the author may do the action on every model of
   * the organization (no condition but the organization, and no deny rule narrowing it), or the
   * policy is limited to model ids, or project ids, on each of which the author may do it. Stage
   * and label conditions narrow a policy but prove nothing, so they never suffice alone.
   */
  private async assertWithinReach(ctx: RequestContext, actions: string[], conditions: PolicyConditions): Promise<void> {
    const { ability } = (await this.policies.resolve(ctx)).built;
    const organizationId = ctx.organizationId!;
    const loadModel = this.policies.loaderFor('Model');
    for (const permission of expandPolicyActions(actions)) {
      if (!permission.startsWith('model:')) continue;
      const verb = PERMISSION_CHECK[permission].action;
      const rules = ability.rulesFor(verb, 'Model');
      const everywhere =
        rules.some((r) => !r.inverted && Object.keys(r.conditions ?? {}).every((k) => k === 'organizationId')) &&
        !rules.some((r) => r.inverted);
      if (everywhere) continue;
      if (conditions.modelIds && loadModel) {
        let all = true;
        for (const id of conditions.modelIds) {
          const row = await loadModel(organizationId, id);
          if (!row || !ability.can(verb, asSubject('Model', { ...row }))) {
            all = false;
            break;
          }
        }
        if (all) continue;
      }
      if (
        conditions.projectIds?.every((projectId) =>
          // A model of the project that no grant names: what the author reaches through the project.
          ability.can(verb, asSubject('Model', { id: NIL_UUID, organizationId, projectId, ownerId: null, labels: [] })),
        )
      ) {
        continue;
      }
      throw new ForbiddenError({
        code: 'policy_scope_exceeded',
        detail: `An allow policy for ${permission} must stay within the models you can reach with it yourself: limit it with modelIds or projectIds on which you hold ${permission}.`,
      });
    }
  }

  /**
   * Refuses (409 `policy_lockout`) a change after which, under this request's facts (source
   * address, time, MFA), the caller would no longer hold `policy:manage`, or no organization admin
   * whose membership does not expire would hold it any more while one did before. Abilities are
   * built from the policies as this transaction now sees them, not from the cache. Conditions are
   * judged for this request only: a rule that denies policy management from other addresses or at
   * other times still passes, as it leaves someone able to undo it from here and now.
   */
  private async assertNoLockout(ctx: RequestContext, manager: EntityManager, before: ProfilePolicy[]): Promise<void> {
    const organizationId = ctx.organizationId!;
    const after = await enabledPolicies(manager, organizationId);
    const facts: RequestFacts = { ip: ctx.ip, now: ctx.now, mfa: ctx.mfa };
    const manages = (profile: PrincipalProfile | null, policies: ProfilePolicy[], scope?: { permissions: string[] }) =>
      !!profile && buildAbility({ ...profile, policies }, facts, scope).ability.can('manage', 'Policy');

    const caller = await this.policies.resolve(ctx);
    if (!caller.isMember || !manages(caller.profile, after, caller.scope)) {
      throw lockout('This change would take policy:manage away from you, and nobody could undo it.');
    }

    const admins = await this.directory.get().adminUserIds(organizationId, manager);
    // The caller's own check above already covers them as an admin (a key's scope only narrows).
    if (ctx.actor.type === 'user' && admins.includes(ctx.actor.id)) return;
    const profiles: (PrincipalProfile | null)[] = [];
    for (const userId of admins) {
      const profile = await this.profiles.load(userId, organizationId, manager);
      if (manages(profile, after)) return;
      profiles.push(profile);
    }
    if (profiles.some((profile) => manages(profile, before))) {
      throw lockout('This change would leave no organization admin able to manage policies.');
    }
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
    await this.directory.assertInOrganization(
      ctx.organizationId!,
      {
        users: [...(principals.users ?? []), ...(principals.exceptUsers ?? [])],
        roles: [...(principals.roles ?? []), ...(principals.exceptRoles ?? [])],
        projects: principals.projects,
      },
      this.transactions.manager(ctx),
    );
  }
}

/**
 * Serialises policy changes of one organization (two changes each harmless alone must not lock
 * everyone out together), then reads the policies in force. The lock is the policy engine's own
 * (an advisory lock per organization), so no other table's rows are held.
 */
async function lockedPolicies(manager: EntityManager, organizationId: string): Promise<ProfilePolicy[]> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`policies:${organizationId}`]);
  return enabledPolicies(manager, organizationId);
}
