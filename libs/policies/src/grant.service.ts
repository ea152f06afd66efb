import { Injectable, Optional } from '@nestjs/common';
import { ForbiddenError, NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import { byCreatedThenId, keysetPage, type Page, type PageQuery } from '#libs/common';
import { MODEL_GRANT_ACTIONS, type ModelGrantAction } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { AuditService } from '#libs/audit';
import {
  granteeColumns,
  ModelGrantEntity,
  toModelGrant,
  type GrantPrincipalType,
  type ModelGrant,
} from './model-grant.entity.js';
import { PolicyService, type SubjectRow } from './policy.service.js';
import { PolicyVersionService } from './policy-version.service.js';
import { validateConditions, validateGrantActions } from './policy-validation.js';
import { PrincipalDirectoryRef } from './principal-directory.js';
import type { Action } from './subjects.js';

export interface CreateGrantInput {
  principalType: GrantPrincipalType;
  principalId: string;
  actions: ModelGrantAction[];
  /** Context conditions (sourceIp, time, mfa) and, optionally, stages/labels of the model acted on. */
  conditions?: unknown;
  expiresAt?: Date | null;
}

/**
 * Per-model grants. The model registry's routes call these with the model row they loaded
 * (`{ id, organizationId, projectId, ownerId, labels }`); every method checks `grant` on it.
 */
@Injectable()
export class GrantService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    private readonly directory: PrincipalDirectoryRef,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** Oldest first. */
  async list(ctx: RequestContext, model: SubjectRow, query: PageQuery): Promise<Page<ModelGrant>> {
    await this.policies.assertCan(ctx, 'grant', 'Model', model);
    const qb = this.transactions
      .manager(ctx)
      .getRepository(ModelGrantEntity)
      .createQueryBuilder('g')
      .where('g.organization_id = :org AND g.model_id = :modelId', {
        org: ctx.organizationId,
        modelId: model.id as string,
      });
    const page = await keysetPage(qb, byCreatedThenId('g', 'ASC'), query);
    return { ...page, items: page.items.map(toModelGrant) };
  }

  /**
   * Grants actions on a model. Nobody grants what they could not do themselves on this model,
   * so `grant` never escalates. The principal must belong to the organization.
   */
  async create(ctx: RequestContext, model: SubjectRow, input: CreateGrantInput): Promise<ModelGrant> {
    await this.policies.assertCan(ctx, 'grant', 'Model', model);
    const actions = validateGrantActions(input.actions);
    const conditions = validateConditions(input.conditions);
    if (!['user', 'role', 'project'].includes(input.principalType) || !isUuid(input.principalId)) {
      throw new NotFoundError({ code: 'principal_not_found', detail: 'No such principal in this organization.' });
    }
    for (const action of actions) {
      const verb = MODEL_GRANT_ACTIONS[action].split(':')[1] as Action;
      if (!(await this.policies.can(ctx, verb, 'Model', model))) {
        throw new ForbiddenError({
          code: MODEL_GRANT_ACTIONS[action],
          detail: `You cannot grant ${action}: you do not hold it on this model.`,
        });
      }
    }
    const organizationId = ctx.organizationId!;
    const created = await this.transactions.run(ctx, async (ctx, manager) => {
      await this.directory.assertInOrganization(
        organizationId,
        { [`${input.principalType}s`]: [input.principalId] },
        manager,
      );
      const saved = await manager.getRepository(ModelGrantEntity).save(
        manager.getRepository(ModelGrantEntity).create({
          organizationId,
          modelId: model.id as string,
          ...granteeColumns(input.principalType, input.principalId),
          actions,
          conditions,
          expiresAt: input.expiresAt ?? null,
          createdBy: ctx.actor.userId ?? null,
        }),
      );
      const grant = toModelGrant(saved);
      await this.audit?.record(ctx, {
        action: 'grant.created',
        resourceType: 'model',
        resourceId: grant.modelId,
        details: {
          grantId: grant.id,
          principalType: grant.principalType,
          principalId: grant.principalId,
          actions,
          expiresAt: grant.expiresAt,
        },
      });
      await this.versions.bump(ctx, organizationId);
      return grant;
    });
    return created;
  }

  async delete(ctx: RequestContext, model: SubjectRow, grantId: string): Promise<void> {
    await this.policies.assertCan(ctx, 'grant', 'Model', model);
    const organizationId = ctx.organizationId!;
    await this.transactions.run(ctx, async (ctx, manager) => {
      const repo = manager.getRepository(ModelGrantEntity);
      const row = isUuid(grantId)
        ? await repo.findOneBy({ id: grantId, organizationId, modelId: model.id as string })
        : null;
      const grant = row && toModelGrant(row);
      if (!grant) throw new NotFoundError({ code: 'grant_not_found', detail: 'No such grant.' });
      await repo.delete({ id: grant.id });
      await this.audit?.record(ctx, {
        action: 'grant.deleted',
        resourceType: 'model',
        resourceId: grant.modelId,
        details: {
          grantId: grant.id,
          principalType: grant.principalType,
          principalId: grant.principalId,
          actions: grant.actions,
        },
      });
      await this.versions.bump(ctx, organizationId);
    });
  }
}
