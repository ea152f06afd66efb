import { Injectable, Optional } from '@nestjs/common';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  isUuid,
  decodeCursor,
  encodeCursor,
  type Page,
  type RequestContext,
} from '#libs/common';
import { Transactions } from '#libs/database';
import { PolicyService } from '#libs/policies';
import { ArtifactStore } from '../artifact/artifact-store.js';
import {
  familiesOfKind,
  isModelFamily,
  MODEL_FAMILIES,
  type ModelFamily,
  type ModelKind,
} from '../artifact/model-families.js';
import { modelRow } from './model-rows.js';
import { ModelEntity } from './model.entity.js';
import { ModelVersionEntity } from './model-version.entity.js';

export interface CreateModelInput {
  name: string;
  slug: string;
  kind: ModelKind;
  family: ModelFamily;
  projectId?: string | null;
  description?: string;
  labels?: string[];
  licence?: string;
  redistributionAllowed?: boolean;
}

export interface UpdateModelInput {
  name?: string;
  description?: string;
  labels?: string[];
  licence?: string;
  redistributionAllowed?: boolean;
  exportOverride?: boolean;
}

export interface ModelListQuery {
  limit?: number;
  cursor?: string;
  kind?: ModelKind;
  family?: string;
  label?: string;
  projectId?: string;
}

/**
 * A model as a list shows it: every column of `model`, its two instants as ISO 8601 text (UTC, in
 * milliseconds, as `Date#toISOString` writes them), ready to answer without a Date in between.
 */
export type ModelListItem = Omit<ModelEntity, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

/** An instant column written by PostgreSQL as `Date#toISOString` would (truncated to the millisecond). */
const isoInstant = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Every column of `model` (alias `m`) under its entity property name. A page of 50 models has 100
 * instants: parsed into Dates and written back as text, they took ~87 µs of the ~600 µs of CPU of a
 * list request, and PostgreSQL writes each as text anyway.
 */
const MODEL_LIST_COLUMNS = [
  'm.id AS "id"',
  'm.organization_id AS "organizationId"',
  'm.project_id AS "projectId"',
  'm.name AS "name"',
  'm.slug AS "slug"',
  'm.kind AS "kind"',
  'm.family AS "family"',
  'm.description AS "description"',
  'm.labels AS "labels"',
  'm.licence AS "licence"',
  'm.redistribution_allowed AS "redistributionAllowed"',
  'm.export_override AS "exportOverride"',
  'm.owner_id AS "ownerId"',
  `${isoInstant('m.created_at')} AS "createdAt"`,
  `${isoInstant('m.updated_at')} AS "updatedAt"`,
].join(', ');

const notFound = () => new NotFoundError({ code: 'model_not_found', detail: 'No such model.' });

/** Registered models: CRUD with row-level checks, lists filtered in SQL by the caller's ability. */
@Injectable()
export class ModelService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly artifacts: ArtifactStore,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /** Loads a model of the context's organization that the caller may `read`; 404 otherwise. */
  async load(ctx: RequestContext, modelId: string, manager?: EntityManager): Promise<ModelEntity> {
    if (!isUuid(modelId) || !ctx.organizationId) throw notFound();
    const model = await (manager ?? this.transactions.manager(ctx))
      .getRepository(ModelEntity)
      .findOneBy({ id: modelId, organizationId: ctx.organizationId });
    if (!model) throw notFound();
    await this.policies.assertCan(ctx, 'read', 'Model', modelRow(model));
    return model;
  }

  async create(ctx: RequestContext, input: CreateModelInput): Promise<ModelEntity> {
    const organizationId = ctx.organizationId!;
    if (!isModelFamily(input.family) || MODEL_FAMILIES[input.family].kind !== input.kind) {
      throw new BadRequestError({
        code: 'model_family_invalid',
        detail: `A ${input.kind} model has one of the families ${familiesOfKind(input.kind).join(', ')}.`,
      });
    }
    const ownerId = ctx.actor.userId ?? null;
    const candidate = {
      organizationId,
      projectId: input.projectId ?? null,
      ownerId,
      labels: input.labels ?? [],
    };
    if (!(await this.policies.can(ctx, 'create', 'Model', { id: '', ...candidate }))) {
      throw new ForbiddenError({ code: 'model:create', detail: 'This needs the model:create permission.' });
    }
    return this.transactions.run(ctx, async (ctx, manager) => {
      if (candidate.projectId) {
        const rows: unknown[] = await manager.query(`SELECT 1 FROM project WHERE id = $1 AND organization_id = $2`, [
          candidate.projectId,
          organizationId,
        ]);
        if (rows.length === 0) throw new NotFoundError({ code: 'project_not_found', detail: 'No such project.' });
      }
      const repo = manager.getRepository(ModelEntity);
      const model = await this.uniqueSlug(() =>
        repo.save(
          repo.create({
            ...candidate,
            name: input.name,
            slug: input.slug,
            kind: input.kind,
            family: input.family,
            description: input.description ?? '',
            licence: input.licence ?? '',
            redistributionAllowed: input.redistributionAllowed ?? false,
            exportOverride: false,
          }),
        ),
      );
      await this.audit?.record(ctx, {
        action: 'model.created',
        resourceType: 'model',
        resourceId: model.id,
        details: { slug: model.slug, kind: model.kind, family: model.family, projectId: model.projectId },
      });
      return model;
    });
  }

  private async uniqueSlug<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505') {
        throw new ConflictError({ code: 'model_slug_taken', detail: 'A model with this slug already exists.' });
      }
      throw error;
    }
  }

  /**
   * One page of the models the caller may read, newest first: one SQL statement (the caller's
   * ability as its filter, keyset on `(created_at, id)`, one row more than the page to know whether
   * another follows), rows read as plain objects with the entity's property names.
   */
  async list(ctx: RequestContext, query: ModelListQuery): Promise<Page<ModelListItem>> {
    const access = await this.policies.accessibleWhere(ctx, 'read', 'Model', 'm');
    const limit = query.limit ?? 50;
    const where = ['m.organization_id = :org', `(${access.sql})`];
    const params: Record<string, unknown> = { ...access.params, org: ctx.organizationId, take: limit + 1 };
    const filters = {
      kind: 'm.kind = :kind',
      family: 'm.family = :family',
      label: ':label = ANY(m.labels)',
      projectId: 'm.project_id = :projectId',
    } as const;
    for (const [name, test] of Object.entries(filters) as [keyof typeof filters, string][]) {
      if (!query[name]) continue;
      where.push(test);
      params[name] = query[name];
    }
    if (query.cursor) {
      const c = decodeCursor<{ t: string; id: string }>(query.cursor, { t: 'timestamp', id: 'uuid' });
      where.push('(m.created_at, m.id) < (:cursorT, :cursorId)');
      Object.assign(params, { cursorT: c.t, cursorId: c.id });
    }
    const manager = this.transactions.manager(ctx);
    const [sql, values] = manager.connection.driver.escapeQueryWithParameters(
      `SELECT ${MODEL_LIST_COLUMNS} FROM model m WHERE ${where.join(' AND ')}
        ORDER BY m.created_at DESC, m.id DESC LIMIT :take`,
      params,
    );
    const rows = await this.transactions.read<ModelListItem>(ctx, sql, values as unknown[]);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
    };
  }

  async update(ctx: RequestContext, modelId: string, patch: UpdateModelInput): Promise<ModelEntity> {
    return this.transactions.run(ctx, async (ctx, manager) => {
      const model = await this.load(ctx, modelId, manager);
      await this.policies.assertCan(ctx, 'edit', 'Model', modelRow(model));
      const overrides = patch.exportOverride !== undefined && patch.exportOverride !== model.exportOverride;
      // Declaring the weights redistributable lifts the licence block on export just as an override does.
      const relicenses = patch.redistributionAllowed === true && !model.redistributionAllowed;
      if (overrides || relicenses) {
        // Overriding a licence is an administrator's decision, not a model editor's.
        if (!(await this.policies.can(ctx, 'manage', 'Organization', { id: model.organizationId }))) {
          throw new ForbiddenError({ code: 'org:manage', detail: 'Only an administrator may override the licence.' });
        }
      }
      const before = {
        name: model.name,
        description: model.description,
        labels: model.labels,
        licence: model.licence,
        redistributionAllowed: model.redistributionAllowed,
        exportOverride: model.exportOverride,
      };
      const changed = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      Object.assign(model, changed);
      const saved = await manager.getRepository(ModelEntity).save(model);
      await this.audit?.record(ctx, {
        action: 'model.updated',
        resourceType: 'model',
        resourceId: model.id,
        details: {
          before: Object.fromEntries(Object.keys(changed).map((k) => [k, before[k as keyof typeof before]])),
          after: changed,
        },
      });
      return saved;
    });
  }

  /**
   * Deletes a model and its versions. A model with a production version is deleted only when
   * `confirm` repeats its slug. Artifacts no other version uses are removed after commit.
   */
  async delete(ctx: RequestContext, modelId: string, confirm?: string): Promise<void> {
    const orphans = await this.transactions.run(ctx, async (ctx, manager) => {
      const model = await this.load(ctx, modelId, manager);
      await this.policies.assertCan(ctx, 'delete', 'Model', modelRow(model));
      const versions = await manager.getRepository(ModelVersionEntity).findBy({ modelId: model.id });
      if (versions.some((v) => v.stage === 'production') && confirm !== model.slug) {
        throw new ConflictError({
          code: 'model_delete_confirmation_required',
          detail: `The model has a production version; repeat its slug in ?confirm=${model.slug} to delete it.`,
        });
      }
      await manager.getRepository(ModelEntity).delete({ id: model.id });
      await this.audit?.record(ctx, {
        action: 'model.deleted',
        resourceType: 'model',
        resourceId: model.id,
        details: { slug: model.slug, versions: versions.length },
      });
      return [...new Set(versions.map((v) => v.sha256))];
    });
    await this.artifacts.collect(orphans);
  }
}
