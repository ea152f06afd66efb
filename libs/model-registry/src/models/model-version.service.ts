import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AuditService } from '#libs/audit';
import {
  ConflictError,
  describeRefusal,
  DomainError,
  ForbiddenError,
  isUuid,
  keysetPage,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnprocessableError,
  weakMatch,
  type Page,
  type PageQuery,
  type RateLimitState,
  type RequestContext,
} from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS } from '#libs/database';
import { Transactions } from '#libs/database';
import { OrganizationService } from '#libs/organizations';
import { PolicyService } from '#libs/policies';
import { BLOB_STORE, BlobNotFoundError, BlobTooLargeError, DigestStream, type BlobStore } from '#libs/storage';
import { ArtifactStore } from '../artifact/artifact-store.js';
import { ArtifactValidationPool, ValidationBusyError, type ValidationOutcome } from '../artifact/artifact-validator.js';
import { modelRow, versionRow } from './model-rows.js';
import { ModelService } from './model.service.js';
import { ModelEntity } from './model.entity.js';
import type { ModelKind } from '#libs/common/vocabulary';
import { ModelVersionEntity, type ModelStage } from './model-version.entity.js';
import { UploadSlots, type SlotLimit } from './upload-slots.js';

export interface UploadInput {
  body: Readable;
  /** Declared length (Content-Length), checked against the limit before reading. */
  declaredLength?: number;
  /** Lower-case hex SHA-256 the client expects; 422 when the bytes differ. */
  expectedSha256?: string;
  notes?: string;
}

/** An artifact ready to stream to an authorised caller. */
export interface ArtifactDownload {
  model: ModelEntity;
  version: ModelVersionEntity;
  /** Null when the caller already holds these bytes (`If-None-Match`): answer 304, nothing streamed. */
  stream: Readable | null;
  filename: string;
  /** Where the caller stands in the export quota after this export (absent on a 304). */
  rateLimit?: RateLimitState;
}

/** Which stages a version may move to from each stage. */
const TRANSITIONS: Record<ModelStage, ModelStage[]> = {
  draft: ['staging', 'production', 'archived'],
  staging: ['production', 'archived'],
  production: ['archived'],
  archived: ['staging', 'production'],
};

/** Longest rejection reason stored and shown: a summary, whatever the file made the validator say. */
export const MAX_REJECTION_REASON_CHARS = 500;

/** Seconds a client over its concurrent-upload limit is told to wait. */
const UPLOAD_SLOT_RETRY_SECONDS = 5;

/**
 * How long an upload slot may outlive its upload (a crashed process): it then frees itself. Past
 * it, a still-running upload merely stops counting against the limit.
 */
const UPLOAD_SLOT_TTL_MS = 10 * 60 * 1000;

function summarise(reason: string): string {
  return reason.length > MAX_REJECTION_REASON_CHARS ? `${reason.slice(0, MAX_REJECTION_REASON_CHARS - 1)}…` : reason;
}

const versionNotFound = () => new NotFoundError({ code: 'model_version_not_found', detail: 'No such version.' });

/**
 * Versions of a model: streamed upload (hashed, validated off the main thread, stored
 * content-addressed), stage changes, deletion and export of the weights.
 */
@Injectable()
export class ModelVersionService {
  private readonly uploadSlots: UploadSlots;

  constructor(
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly models: ModelService,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly artifacts: ArtifactStore,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly validation: ArtifactValidationPool,
    private readonly organizations: OrganizationService,
    @Optional() private readonly audit?: AuditService,
  ) {
    this.uploadSlots = new UploadSlots(redis, UPLOAD_SLOT_TTL_MS + config.registry.validationTimeoutMs);
  }

  private get tmpDir(): string {
    return join(this.config.dataDir, 'blobs', 'tmp');
  }

  /**
   * Receives an artifact. The body is streamed to a temporary file while its SHA-256 is computed
   * (never held in memory), validated in a resource-limited worker, then stored under its digest.
   * A refused artifact still gets a version number and keeps its reason; the call answers 422.
   */
  async upload(ctx: RequestContext, modelId: string, input: UploadInput): Promise<ModelVersionEntity> {
    const model = await this.models.load(ctx, modelId);
    await this.policies.assertCan(ctx, 'edit', 'Model', modelRow(model));
    const limit = this.config.registry.uploadMaxBytes;
    // Cheap refusals first, before a byte of the body is stored.
    const refusal = await this.refuseEarly(ctx, input, limit);
    if (refusal) {
      input.body.resume();
      throw refusal;
    }
    const slots = await this.uploadSlots.take(this.uploadLimits(ctx));
    if ('full' in slots) {
      input.body.resume();
      throw new TooManyRequestsError({
        code: 'upload_concurrency_limited',
        detail: `At most ${slots.full.limit} uploads at once per ${slots.full.per}; retry when one has finished.`,
        retryAfterSeconds: UPLOAD_SLOT_RETRY_SECONDS,
      });
    }
    try {
      return await this.receive(ctx, model, input, limit);
    } finally {
      await slots.held.release();
    }
  }

  /** Refusals decided from the headers and the server's state, before the body is read. */
  private async refuseEarly(ctx: RequestContext, input: UploadInput, limit: number): Promise<Error | null> {
    if (input.declaredLength !== undefined && input.declaredLength > limit) return tooLarge(limit);
    if (
      !input.expectedSha256 &&
      (this.config.registry.uploadRequireSha256 || (await this.organizations.requiresUploadDigest(ctx)))
    ) {
      return new PreconditionRequiredError({
        code: 'content_digest_required',
        detail: 'Uploads here must declare their SHA-256 in X-Content-SHA256 (64 hex digits).',
      });
    }
    // Also checked when the file is submitted; refusing now spares the client sending it.
    if (this.validation.full) return validationBusy(this.validation.retryAfterSeconds);
    return null;
  }

  private uploadLimits(ctx: RequestContext): SlotLimit[] {
    // An API key counts as its own user.
    const who = ctx.actor.userId ?? `${ctx.actor.type}:${ctx.actor.id}`;
    const { uploadConcurrencyPerUser, uploadConcurrencyPerOrg } = this.config.registry;
    return [
      { key: `registry:uploads:user:${who}`, limit: uploadConcurrencyPerUser, per: 'user' },
      { key: `registry:uploads:org:${ctx.organizationId}`, limit: uploadConcurrencyPerOrg, per: 'organization' },
    ];
  }

  /** Streams the body to a temporary file, validates it, stores it and records the version. */
  private async receive(
    ctx: RequestContext,
    model: ModelEntity,
    input: UploadInput,
    limit: number,
  ): Promise<ModelVersionEntity> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `upload-${randomBytes(12).toString('hex')}`);
    try {
      const digest = new DigestStream(limit);
      try {
        await pipeline(input.body, digest, createWriteStream(tmp, { flags: 'wx' }));
      } catch (error) {
        if (error instanceof BlobTooLargeError) throw tooLarge(limit);
        throw error;
      }
      const info = digest.result();
      if (input.expectedSha256 && input.expectedSha256.toLowerCase() !== info.sha256) {
        throw new UnprocessableError({
          code: 'artifact_digest_mismatch',
          detail: `The received bytes have SHA-256 ${info.sha256}, not the expected ${input.expectedSha256}.`,
          extensions: { sha256: info.sha256 },
        });
      }
      let outcome: ValidationOutcome;
      try {
        outcome = await this.validation.validate(tmp, model.family);
      } catch (error) {
        // Nothing is recorded: no version number, no blob; the temporary file goes below.
        if (error instanceof ValidationBusyError) throw validationBusy(error.retryAfterSeconds);
        throw error;
      }
      if (!outcome.ok)
        outcome = { ...outcome, rejection: { ...outcome.rejection, reason: summarise(outcome.rejection.reason) } };
      if (outcome.ok) {
        // Leased first, so no garbage collection can remove these bytes before the version commits.
        await this.artifacts.lease(info);
        await this.artifacts.store(tmp, info);
      }

      const version = await this.transactions.run(ctx, async (ctx, manager) => {
        // Serialises version numbering per model.
        await manager.query(`SELECT id FROM model WHERE id = $1 FOR UPDATE`, [model.id]);
        const [{ next }]: { next: number }[] = await manager.query(
          `SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_version WHERE model_id = $1`,
          [model.id],
        );
        if (outcome.ok) await this.artifacts.commitStored(manager, info.sha256);
        const repo = manager.getRepository(ModelVersionEntity);
        const saved = await repo.save(
          repo.create({
            organizationId: model.organizationId,
            modelId: model.id,
            version: Number(next),
            stage: 'draft',
            status: outcome.ok ? 'ready' : 'rejected',
            sha256: info.sha256,
            sizeBytes: info.size,
            ioSignature: outcome.ok ? outcome.summary.signature : null,
            opset: outcome.ok ? outcome.summary.opset : null,
            irVersion: outcome.ok ? outcome.summary.irVersion : null,
            rejectionCode: outcome.ok ? null : outcome.rejection.code,
            rejectionReason: outcome.ok ? null : outcome.rejection.reason,
            notes: input.notes ?? '',
            createdBy: ctx.actor.userId ?? null,
          }),
        );
        await this.audit?.record(ctx, {
          action: outcome.ok ? 'model.version_uploaded' : 'model.version_rejected',
          outcome: outcome.ok ? 'allowed' : 'failed',
          resourceType: 'model',
          resourceId: model.id,
          details: {
            version: saved.version,
            sha256: info.sha256,
            size: info.size,
            ...(outcome.ok ? { opset: saved.opset } : { code: saved.rejectionCode, reason: saved.rejectionReason }),
          },
        });
        return saved;
      });
      if (!outcome.ok) {
        throw new UnprocessableError({
          code: outcome.rejection.code,
          detail: outcome.rejection.reason,
          extensions: { version: version.version, sha256: info.sha256 },
        });
      }
      return version;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Newest version first. */
  async list(ctx: RequestContext, modelId: string, query: PageQuery): Promise<Page<ModelVersionEntity>> {
    const model = await this.models.load(ctx, modelId);
    const qb = this.transactions
      .manager(ctx)
      .getRepository(ModelVersionEntity)
      .createQueryBuilder('v')
      .where('v.model_id = :modelId', { modelId: model.id });
    return keysetPage(qb, [{ column: 'v.version', direction: 'DESC', kind: 'seq', value: (v) => v.version }], query);
  }

  async get(ctx: RequestContext, modelId: string, version: number): Promise<ModelVersionEntity> {
    return (await this.loadVersion(ctx, modelId, version)).version;
  }

  private async loadVersion(
    ctx: RequestContext,
    modelId: string,
    number: number,
    manager = this.transactions.manager(ctx),
  ): Promise<{ model: ModelEntity; version: ModelVersionEntity }> {
    const model = await this.models.load(ctx, modelId, manager);
    if (!Number.isSafeInteger(number) || number < 1) throw versionNotFound();
    const version = await manager.getRepository(ModelVersionEntity).findOneBy({ modelId: model.id, version: number });
    if (!version) throw versionNotFound();
    return { model, version };
  }

  /**
   * The version a fusion uses for one pipeline role, checked as the caller: with `ref`, that
   * model's numbered version or its version at `stage` (default production); without, the
   * organization's production model of `kind` that the caller may infer (the most recently
   * changed one). Needs `infer` on the version, and `test` for a draft or staging one. Errors:
   * 404 (model or version not visible), 422 `model_kind_mismatch`, `model_kind_missing`,
   * `model_version_unavailable` (rejected or archived), 403 `model:infer` / `model:test`.
   */
  async resolveForInference(
    ctx: RequestContext,
    kind: ModelKind,
    ref?: { modelId: string; version?: number; stage?: ModelStage },
  ): Promise<{ model: ModelEntity; version: ModelVersionEntity }> {
    const manager = this.transactions.manager(ctx);
    let found: { model: ModelEntity; version: ModelVersionEntity };
    if (ref) {
      const model = await this.models.load(ctx, ref.modelId, manager);
      if (model.kind !== kind) {
        throw new UnprocessableError({
          code: 'model_kind_mismatch',
          detail: `Model ${model.slug} is a ${model.kind} model; a ${kind} model is needed here.`,
          extensions: { modelId: model.id, kind: model.kind, expected: kind },
        });
      }
      const repo = manager.getRepository(ModelVersionEntity);
      const version =
        ref.version !== undefined
          ? Number.isSafeInteger(ref.version) && ref.version > 0
            ? await repo.findOneBy({ modelId: model.id, version: ref.version })
            : null
          : await repo.findOne({
              where: { modelId: model.id, stage: ref.stage ?? 'production', status: 'ready' },
              order: { version: 'DESC' },
            });
      if (!version) {
        throw ref.version !== undefined
          ? versionNotFound()
          : new UnprocessableError({
              code: 'model_version_unavailable',
              detail: `Model ${model.slug} has no ${ref.stage ?? 'production'} version.`,
              extensions: { modelId: model.id, stage: ref.stage ?? 'production' },
            });
      }
      found = { model, version };
    } else {
      const access = await this.policies.accessibleWhere(ctx, 'infer', 'Model', 'm');
      const row = await manager
        .getRepository(ModelVersionEntity)
        .createQueryBuilder('v')
        .innerJoin(ModelEntity, 'm', 'm.id = v.model_id')
        .where('v.organization_id = :org AND v.stage = :stage AND v.status = :ready AND m.kind = :kind', {
          org: ctx.organizationId,
          stage: 'production',
          ready: 'ready',
          kind,
        })
        .andWhere(access.brackets)
        .orderBy('v.updated_at', 'DESC')
        .addOrderBy('v.id', 'DESC')
        .getOne();
      if (!row) {
        const any: unknown[] = await manager.query(
          `SELECT 1 FROM model_version v JOIN model m ON m.id = v.model_id
            WHERE v.organization_id = $1 AND v.stage = 'production' AND v.status = 'ready' AND m.kind = $2 LIMIT 1`,
          [ctx.organizationId, kind],
        );
        if (any.length > 0) {
          throw new ForbiddenError({
            code: 'model:infer',
            detail: `You may not run any of this organization's production ${kind} models; name one you may use.`,
          });
        }
        throw new UnprocessableError({
          code: 'model_kind_missing',
          detail: `This organization has no production ${kind} model; upload one (or name one in the options).`,
          extensions: { kind },
        });
      }
      found = { model: await this.models.load(ctx, row.modelId, manager), version: row };
    }
    const { model, version } = found;
    if (version.status !== 'ready' || version.stage === 'archived') {
      throw new UnprocessableError({
        code: 'model_version_unavailable',
        detail: `Version ${version.version} of ${model.slug} is ${version.status === 'ready' ? 'archived' : 'rejected'} and cannot run.`,
        extensions: { modelId: model.id, version: version.version },
      });
    }
    const row = versionRow(model, version);
    await this.policies.assertCan(ctx, 'infer', 'ModelVersion', row);
    if (version.stage === 'staging' || version.stage === 'draft') {
      await this.policies.assertCan(ctx, 'test', 'ModelVersion', row);
    }
    return found;
  }

  /**
   * Moves a version to another stage (needs `edit` on the version at both its current and its
   * new stage, so stage-conditioned policies such as "production needs MFA" apply). Promoting to
   * production archives the previous production version in the same transaction.
   */
  async changeStage(
    ctx: RequestContext,
    modelId: string,
    number: number,
    stage: ModelStage,
  ): Promise<ModelVersionEntity> {
    return this.transactions.run(ctx, async (ctx, manager) => {
      // A malformed id locks nothing (the query would fail on it); loadVersion then answers 404.
      if (isUuid(modelId)) {
        await manager.query(`SELECT id FROM model WHERE id = $1 AND organization_id = $2 FOR UPDATE`, [
          modelId,
          ctx.organizationId,
        ]);
      }
      const { model, version } = await this.loadVersion(ctx, modelId, number, manager);
      await this.policies.assertCan(ctx, 'edit', 'ModelVersion', versionRow(model, version));
      await this.policies.assertCan(ctx, 'edit', 'ModelVersion', versionRow(model, { id: version.id, stage }));
      if (version.stage === stage) return version;
      if (version.status !== 'ready') {
        throw new ConflictError({ code: 'model_version_rejected', detail: 'A rejected version cannot change stage.' });
      }
      if (!TRANSITIONS[version.stage].includes(stage)) {
        throw new ConflictError({
          code: 'model_stage_transition_invalid',
          detail: `A ${version.stage} version can move to ${TRANSITIONS[version.stage].join(' or ')}, not ${stage}.`,
        });
      }
      const repo = manager.getRepository(ModelVersionEntity);
      let archived: number | undefined;
      if (stage === 'production') {
        const current = await repo.findOneBy({ modelId: model.id, stage: 'production' });
        if (current) {
          current.stage = 'archived';
          await repo.save(current);
          archived = current.version;
        }
      }
      const from = version.stage;
      version.stage = stage;
      const saved = await repo.save(version);
      await this.audit?.record(ctx, {
        action: 'model.version_stage_changed',
        resourceType: 'model',
        resourceId: model.id,
        details: { version: version.version, from, to: stage, ...(archived ? { archivedVersion: archived } : {}) },
      });
      return saved;
    });
  }

  /** Deletes a version (not while in production); its artifact goes when nothing else uses it. */
  async delete(ctx: RequestContext, modelId: string, number: number): Promise<void> {
    const sha256 = await this.transactions.run(ctx, async (ctx, manager) => {
      const { model, version } = await this.loadVersion(ctx, modelId, number, manager);
      await this.policies.assertCan(ctx, 'delete', 'ModelVersion', versionRow(model, version));
      if (version.stage === 'production') {
        throw new ConflictError({
          code: 'model_version_in_production',
          detail: 'Archive the production version (or promote another) before deleting it.',
        });
      }
      await manager.getRepository(ModelVersionEntity).delete({ id: version.id });
      await this.audit?.record(ctx, {
        action: 'model.version_deleted',
        resourceType: 'model',
        resourceId: model.id,
        details: { version: version.version, sha256: version.sha256 },
      });
      return version.sha256;
    });
    await this.artifacts.collect([sha256]);
  }

  /**
   * Opens a version's weights for export: needs `export` on the version (and `test` for a staging
   * one), a licence that allows redistribution or an administrator's override, and stays within
   * the per-user rate limit. Every outcome is audited; going over the limit is a denial that the
   * bulk-export alert watches. A caller who already holds the bytes (`ifNoneMatch` lists their
   * ETag, the quoted SHA-256) passes the same checks but takes nothing from the limit and gets no
   * stream: nothing is exported again.
   */
  async export(
    ctx: RequestContext,
    modelId: string,
    number: number,
    options: { ifNoneMatch?: string[] } = {},
  ): Promise<ArtifactDownload> {
    const { model, version } = await this.loadVersion(ctx, modelId, number);
    const row = versionRow(model, version);
    // The refusal is recorded by the HTTP edge, at once (the bulk-export alert watches it).
    const deny = (reason: string, error: DomainError): never => {
      throw describeRefusal(error, {
        action: 'model.export',
        resourceType: 'model',
        resourceId: model.id,
        details: { version: version.version, reason },
        immediate: true,
      });
    };
    try {
      await this.policies.assertCan(ctx, 'export', 'ModelVersion', row);
      if (version.stage === 'staging') await this.policies.assertCan(ctx, 'test', 'ModelVersion', row);
    } catch (error) {
      if (error instanceof ForbiddenError) deny(error.code, error);
      throw error;
    }
    if (version.status !== 'ready') {
      throw new ConflictError({ code: 'model_version_rejected', detail: 'A rejected version has no artifact.' });
    }
    if (!model.redistributionAllowed && !model.exportOverride) {
      deny(
        'licence',
        new ForbiddenError({
          code: 'model_licence_forbids_export',
          detail: `The licence of this model (${model.licence || 'unspecified'}) does not allow redistribution; an administrator may override it for this model.`,
        }),
      );
    }
    const filename = `${model.slug}-v${version.version}.onnx`;
    if (options.ifNoneMatch && weakMatch(options.ifNoneMatch, `"${version.sha256}"`)) {
      return { model, version, stream: null, filename };
    }
    const rateLimit = await this.takeExportToken(ctx);
    if (rateLimit.remaining < 0) {
      deny(
        'rate_limited',
        new TooManyRequestsError({
          code: 'model_export_rate_limited',
          detail: `At most ${this.config.registry.exportRateLimit} exports per ${this.config.registry.exportRateWindowSeconds} s.`,
          retryAfterSeconds: rateLimit.resetSeconds,
          rateLimit: { ...rateLimit, remaining: 0 },
        }),
      );
    }
    let stream: Readable;
    try {
      stream = await this.blobs.get(version.sha256);
    } catch (error) {
      if (error instanceof BlobNotFoundError) throw versionNotFound();
      throw error;
    }
    await this.audit?.record(ctx, {
      action: 'model.export',
      resourceType: 'model',
      resourceId: model.id,
      details: { version: version.version, sha256: version.sha256, size: version.sizeBytes },
    });
    return { model, version, stream, filename, rateLimit };
  }

  /** Fixed-window counter per user in Redis; `remaining` below 0 means this export is refused. */
  private async takeExportToken(ctx: RequestContext): Promise<RateLimitState> {
    const { exportRateLimit: limit, exportRateWindowSeconds: window } = this.config.registry;
    const who = ctx.actor.userId ?? `${ctx.actor.type}:${ctx.actor.id}`;
    const slot = Math.floor(Date.now() / 1000 / window);
    const key = `registry:export:${who}:${slot}`;
    const results = await this.redis.multi().incr(key).expire(key, window).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const resetSeconds = Math.max(1, (slot + 1) * window - Math.floor(Date.now() / 1000));
    return { policy: 'model-export', limit, windowSeconds: window, remaining: limit - count, resetSeconds };
  }
}

function validationBusy(retryAfterSeconds: number): ServiceUnavailableError {
  return new ServiceUnavailableError({
    code: 'validation_busy',
    detail: 'Every model validation slot is taken; retry later. Nothing was stored.',
    retryAfterSeconds,
  });
}

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError({
    code: 'artifact_too_large',
    detail: `Artifacts may be at most ${limit} bytes.`,
    extensions: { limit },
  });
}
