import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Injectable, Optional } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '#libs/audit';
import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '#libs/common';
import { weakMatch } from '#libs/common';
import { isUuid } from '#libs/common';
import { metrics } from '#libs/common';
import type { ModelStage } from '#libs/common/vocabulary';
import { newestFirstPage, type Page } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { ModelVersionService } from '#libs/model-registry';
import { ModelService } from '#libs/model-registry';
import { OrganizationService, type OrganizationEntity } from '#libs/organizations';
import { checkVideoLimits, VideoError, type VideoProbe } from '#libs/media';
import { PolicyService } from '#libs/policies';
import { BlobNotFoundError } from '#libs/storage';
import { JobBlobs } from './job-blobs.js';
import { JobEvents } from './job-events.js';
import { JobQueue } from './job-queue.js';
import type { ReceivedImage } from './job-uploads.js';
import {
  JobEntity,
  jobRow,
  MODEL_SLOT_KINDS,
  PROCESSOR_SLOTS,
  TERMINAL_STATUSES,
  type JobInput,
  type JobModels,
  type JobModelVersion,
  type JobOptions,
  type JobProcessorName,
  type JobStatus,
  type ModelSlot,
} from './job.entity.js';
import { QuotaService } from './quota.service.js';
import { videoProblem } from './video/video-problems.js';

/** A model choice for one pipeline role: a model id plus its version number or stage. */
export interface ModelChoice {
  modelId: string;
  version?: number;
  stage?: ModelStage;
}

/** The model a processor step runs, when the submission names one (default: the path model for its kind, else the organization's production model). */
export interface ProcessorChoice {
  processor: JobProcessorName;
  model?: ModelChoice;
}

export interface SubmitFusionInput {
  /**
   * The model from the path and its version or stage (default production): a swapper, or for a
   * processor-only job a face or frame enhancer.
   */
  model: ModelChoice;
  detector?: ModelChoice;
  landmarker?: ModelChoice;
  recognizer?: ModelChoice;
  /** Model choices of the processors in `options.processors` (same order). */
  processorModels?: ProcessorChoice[];
  /** Face occluder for `faceMask` occlusion (default: the organization's production occluder). */
  occluder?: ModelChoice;
  /** Face parser for `faceMask` regions (default: the organization's production parser). */
  parser?: ModelChoice;
  /** Options; `processors` defaults to the path model's processor alone. */
  options: JobOptions;
  sources: ReceivedImage[];
  target: ReceivedImage;
  idempotencyKey?: string;
}

export interface SubmittedJob {
  job: JobEntity;
  /** 1 + the organization's queued jobs ahead of this one. */
  position: number;
  /** True when an Idempotency-Key replay returned an earlier job. */
  replayed: boolean;
}

export interface JobListQuery {
  limit?: number;
  cursor?: string;
  status?: JobStatus;
  modelId?: string;
  userId?: string;
  from?: Date;
  to?: Date;
}

export interface JobResultDownload {
  job: JobEntity;
  /** Absent when the caller already holds this result (`If-None-Match`): answer 304. */
  stream?: Readable;
}

const jobNotFound = () => new NotFoundError({ code: 'job_not_found', detail: 'No such job.' });

/**
 * Fusion jobs as users see them: submission (models resolved and checked as the caller, inputs
 * stored, quota taken, row committed, then enqueued), lists, cancellation, result downloads and
 * watermark look-ups. The worker side is JobExecutionService.
 */
@Injectable()
export class JobService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: ModelVersionService,
    private readonly models: ModelService,
    private readonly organizations: OrganizationService,
    private readonly quotas: QuotaService,
    private readonly blobs: JobBlobs,
    private readonly queue: JobQueue,
    private readonly events: JobEvents,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /**
   * Cheap checks made before a fusion form is read, so a wrong model id costs no upload: the
   * model exists, is visible to the caller (404 otherwise) and runs as a processor (a swapper, or
   * a face or frame enhancer for a processor-only job; else 422). Returns its processor.
   */
  async precheck(ctx: RequestContext, modelId: string): Promise<JobProcessorName> {
    await this.queue.ensureAvailable();
    return this.processorOf(ctx, modelId);
  }

  /** The processor a model runs as (404 when not visible, 422 when it runs as none). */
  private async processorOf(ctx: RequestContext, modelId: string): Promise<JobProcessorName> {
    const model = await this.models.load(ctx, modelId);
    if (!Object.hasOwn(PROCESSOR_SLOTS, model.kind)) {
      throw new UnprocessableError({
        code: 'model_kind_mismatch',
        detail: `Model ${model.slug} is a ${model.kind} model; a face_swapper, face_enhancer or frame_enhancer model is needed here.`,
        extensions: { modelId: model.id, kind: model.kind, expected: Object.keys(PROCESSOR_SLOTS) },
      });
    }
    return model.kind as JobProcessorName;
  }

  /** Accepts a fusion job (202 semantics): nothing runs yet, and every check a worker would fail is made now. */
  async submit(ctx: RequestContext, input: SubmitFusionInput): Promise<SubmittedJob> {
    const organizationId = ctx.organizationId!;
    const ownerId = ctx.actor.userId;
    if (!ownerId)
      throw new ForbiddenError({ code: 'job:create', detail: 'Only users and their API keys run fusions.' });

    const models = await this.resolveModels(ctx, input);
    const swapperModel = models.pathModel;
    // A processor-only job records its processor, so the worker runs it and the job shows it.
    const options: JobOptions =
      input.options.processors || models.pathKind === 'face_swapper'
        ? input.options
        : { ...input.options, processors: [{ processor: models.pathKind }] };
    const candidate = { id: '', organizationId, projectId: swapperModel.projectId, ownerId, modelId: swapperModel.id };
    if (!(await this.policies.can(ctx, 'create', 'Job', candidate))) {
      throw new ForbiddenError({ code: 'job:create', detail: 'This needs the job:create permission.' });
    }
    const inputs: JobInput[] = [...input.sources.map((f) => toInput('source', f)), toInput('target', input.target)];
    const requestHash = hashRequest(models.resolved, options, inputs);
    if (input.idempotencyKey) {
      const earlier = await this.findByIdempotencyKey(ctx, ownerId, input.idempotencyKey, requestHash);
      if (earlier) return { job: earlier, position: await this.position(earlier), replayed: true };
    }

    let job: JobEntity;
    try {
      job = await this.transactions.run(ctx, async (ctx, manager) => {
        const organization = await this.organizations.settings(organizationId, manager);
        if (!organization) throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
        // A video target within the organization's limits, checked before anything is stored.
        if (input.target.video) checkVideoTarget(input.target.video, organization);
        for (const file of [...input.sources, input.target]) await this.blobs.storeInTransaction(manager, file);
        const ahead: Array<{ n: string }> = await manager.query(
          `SELECT count(*) AS n FROM job WHERE organization_id = $1 AND status IN ('queued', 'running')`,
          [organizationId],
        );
        const id = randomUUID();
        const repo = manager.getRepository(JobEntity);
        const row = repo.create({
          id,
          organizationId,
          projectId: swapperModel.projectId,
          ownerId,
          actor: ctx.serialize(),
          modelId: swapperModel.id,
          status: 'queued',
          priority: Number(ahead[0].n) + 1,
          models: models.resolved,
          options,
          inputs,
          inputDigests: [...new Set(inputs.map((i) => i.sha256))],
          requestHash,
          idempotencyKey: input.idempotencyKey ?? null,
          watermarkPayload: randomBytes(8).toString('hex'),
          queueJobId: id,
          queuedAt: ctx.now,
        });
        const saved = await repo.save(row);
        const standing = await this.quotas.reserve(manager, {
          organizationId,
          userId: ownerId,
          timezone: organization.timezone,
          organizationLimit: organization.dailyInferenceQuota,
          memberLimit: organization.memberDailyInferenceQuota,
          now: ctx.now,
          units: quotaUnits(input.target),
        });
        if (standing) ctx.rateLimits?.report(standing);
        await this.audit?.record(ctx, {
          action: 'job.submitted',
          resourceType: 'job',
          resourceId: saved.id,
          details: {
            models: summariseModels(models.resolved),
            inputs: inputs.map(({ role, sha256, size, mediaType, video }) => ({
              role,
              sha256,
              size,
              mediaType,
              ...(video ? { video } : {}),
            })),
            quotaUnits: quotaUnits(input.target),
            options,
            watermarkPayload: saved.watermarkPayload,
          },
        });
        return saved;
      });
    } catch (error) {
      if (input.idempotencyKey && isUniqueViolation(error)) {
        const earlier = await this.findByIdempotencyKey(ctx, ownerId, input.idempotencyKey, requestHash);
        if (earlier) return { job: earlier, position: await this.position(earlier), replayed: true };
      }
      // Inputs stored for a submission that did not commit belong to nobody.
      await this.blobs.release(inputs.map((i) => i.sha256));
      throw error;
    }
    await this.queue.enqueue(job);
    return { job, position: await this.position(job), replayed: false };
  }

  /** A job the caller may read (own jobs; project jobs for project members; all with job:read-all). */
  async get(ctx: RequestContext, jobId: string): Promise<JobEntity> {
    if (!isUuid(jobId)) throw jobNotFound();
    const job = await this.transactions
      .manager(ctx)
      .getRepository(JobEntity)
      .findOneBy({ id: jobId, organizationId: ctx.organizationId });
    if (!job) throw jobNotFound();
    await this.assertReadable(ctx, job);
    return job;
  }

  /** 1 + the organization's queued jobs submitted before this one (0 once it has started). */
  async position(job: JobEntity): Promise<number> {
    if (job.status !== 'queued') return 0;
    const rows: Array<{ n: string }> = await this.transactions
      .manager()
      .query(
        `SELECT count(*) AS n FROM job WHERE organization_id = $1 AND status = 'queued' AND (queued_at, id) < ($2, $3)`,
        [job.organizationId, job.queuedAt, job.id],
      );
    return Number(rows[0].n) + 1;
  }

  async list(ctx: RequestContext, query: JobListQuery): Promise<Page<JobEntity>> {
    const access = await this.policies.accessibleWhere(ctx, 'read', 'Job', 'j');
    const qb = this.transactions
      .manager(ctx)
      .getRepository(JobEntity)
      .createQueryBuilder('j')
      .where('j.organization_id = :org', { org: ctx.organizationId })
      .andWhere(access.brackets);
    if (query.status) qb.andWhere('j.status = :status', { status: query.status });
    if (query.modelId) qb.andWhere('j.model_id = :modelId', { modelId: query.modelId });
    if (query.userId) qb.andWhere('j.owner_id = :userId', { userId: query.userId });
    if (query.from) qb.andWhere('j.created_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('j.created_at < :to', { to: query.to });
    return newestFirstPage(qb, 'j', query);
  }

  /**
   * Cancels a job: a queued one is cancelled at once and never starts; a running one is asked to
   * stop at its next stage boundary (the answer then shows `cancelRequested`). 409 once finished.
   */
  async cancel(ctx: RequestContext, jobId: string): Promise<JobEntity> {
    const existing = await this.get(ctx, jobId);
    if (!(await this.policies.can(ctx, 'cancel', 'Job', jobRow(existing)))) {
      throw new ForbiddenError({ code: 'job:create', detail: 'Only the job’s owner (or job:read-all) may cancel it.' });
    }
    const job = await this.transactions.run(ctx, async (ctx, manager) => {
      const repo = manager.getRepository(JobEntity);
      const row = await repo.findOne({ where: { id: existing.id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw jobNotFound();
      if (TERMINAL_STATUSES.includes(row.status)) {
        throw new ConflictError({ code: 'job_finished', detail: `The job has already ${row.status}.` });
      }
      if (row.status === 'queued') {
        row.status = 'cancelled';
        row.finishedAt = ctx.now;
        row.errorCode = 'job_cancelled';
        row.errorDetail = 'Cancelled before it started.';
      }
      row.cancelRequested = true;
      const saved = await repo.save(row);
      await this.audit?.record(ctx, {
        action: row.status === 'cancelled' ? 'job.cancelled' : 'job.cancel_requested',
        resourceType: 'job',
        resourceId: row.id,
        details: { while: row.status === 'cancelled' ? 'queued' : 'running' },
      });
      return saved;
    });
    if (job.status === 'cancelled') {
      metrics.jobs.inc({ outcome: 'cancelled' });
      await this.queue.removeWaiting(job.queueJobId);
      await this.blobs.release(job.inputDigests, job.id);
      await this.events.publish({ type: 'state', jobId: job.id, status: 'cancelled' });
    } else {
      await this.events.requestCancel(job.id);
    }
    return job;
  }

  /**
   * Opens a job's result for download (job:read on the job); audited. When `ifNoneMatch` holds the
   * result's tag (its quoted SHA-256), the same checks run but nothing is opened or recorded.
   */
  async openResult(
    ctx: RequestContext,
    jobId: string,
    options: { ifNoneMatch?: string[] } = {},
  ): Promise<JobResultDownload> {
    const job = await this.get(ctx, jobId);
    if (job.status !== 'completed' || !job.resultSha256) {
      throw new ConflictError({
        code: 'job_result_unavailable',
        detail: `The job is ${job.status}; only a completed job has a result.`,
        extensions: { status: job.status },
      });
    }
    if (job.resultPurgedAt) {
      throw new NotFoundError({
        code: 'job_result_expired',
        detail: 'The result was deleted at the end of the organization’s result retention period.',
      });
    }
    if (weakMatch(options.ifNoneMatch ?? [], `"${job.resultSha256}"`)) return { job };
    let stream: Readable;
    try {
      stream = await this.blobs.store.get(job.resultSha256);
    } catch (error) {
      if (error instanceof BlobNotFoundError) {
        throw new NotFoundError({ code: 'job_result_expired', detail: 'The result is no longer stored.' });
      }
      throw error;
    }
    this.audit?.recordBuffered(ctx, {
      action: 'job.result_downloaded',
      resourceType: 'job',
      resourceId: job.id,
      details: { sha256: job.resultSha256, size: job.resultSize },
    });
    return { job, stream };
  }

  /** The job whose watermark payload this is, when it belongs to the caller's organization. */
  async findByWatermark(ctx: RequestContext, payload: string): Promise<JobEntity | null> {
    if (!/^[0-9a-f]{16}$/.test(payload)) return null;
    return this.transactions
      .manager(ctx)
      .getRepository(JobEntity)
      .findOneBy({ watermarkPayload: payload, organizationId: ctx.organizationId });
  }

  private async assertReadable(ctx: RequestContext, job: JobEntity): Promise<void> {
    await this.policies.assertCan(ctx, 'read', 'Job', jobRow(job)).catch((error: unknown) => {
      throw error instanceof ForbiddenError ? jobNotFound() : error;
    });
  }

  private async findByIdempotencyKey(
    ctx: RequestContext,
    ownerId: string,
    key: string,
    requestHash: string,
  ): Promise<JobEntity | null> {
    const earlier = await this.transactions
      .manager()
      .getRepository(JobEntity)
      .findOneBy({ organizationId: ctx.organizationId, ownerId, idempotencyKey: key });
    if (!earlier) return null;
    if (earlier.requestHash !== requestHash) {
      throw new UnprocessableError({
        code: 'idempotency_key_reused',
        detail: 'This Idempotency-Key was used for a different request; use a new key for a new job.',
        extensions: { jobId: earlier.id },
      });
    }
    return earlier;
  }

  /**
   * Resolves every model the job's processors need, as the caller (model:infer on each; model:test
   * for staging): the path model for its own processor, named or production models for the other
   * processors, and the detector, landmarker and recognizer when a processor finds faces.
   */
  private async resolveModels(
    ctx: RequestContext,
    input: SubmitFusionInput,
  ): Promise<{
    resolved: JobModels;
    pathModel: { id: string; projectId: string | null };
    pathKind: JobProcessorName;
  }> {
    const resolved: JobModels = {};
    const pathKind = await this.processorOf(ctx, input.model.modelId);
    const steps = input.options.processors?.map((p) => p.processor) ?? [pathKind as JobProcessorName];
    const choices = new Map((input.processorModels ?? []).map((c) => [c.processor, c.model]));
    let pathModel: { id: string; projectId: string | null } | undefined;
    for (const processor of steps) {
      const slot = PROCESSOR_SLOTS[processor];
      const choice = processor === pathKind ? input.model : choices.get(processor);
      const { model, version } = await this.versions.resolveForInference(ctx, MODEL_SLOT_KINDS[slot], choice);
      resolved[slot] = toModelVersion(model, version);
      if (processor === pathKind) pathModel = { id: model.id, projectId: model.projectId };
    }
    if (!pathModel) {
      throw new UnprocessableError({
        code: 'processor_model_unused',
        detail: `The model in the path is a ${pathKind} model, but options.processors does not run ${pathKind}.`,
        extensions: { modelId: input.model.modelId, processors: steps },
      });
    }
    const findsFaces = steps.includes('face_swapper') || steps.includes('face_enhancer');
    const needs: ModelSlot[] = [
      ...(findsFaces ? (['detector'] as const) : []),
      ...(steps.includes('face_swapper') || (findsFaces && input.options.faceSelector === 'reference')
        ? (['recognizer'] as const)
        : []),
    ];
    for (const slot of needs) {
      const { model, version } = await this.versions.resolveForInference(
        ctx,
        MODEL_SLOT_KINDS[slot],
        input[slot as 'detector' | 'recognizer'],
      );
      resolved[slot] = toModelVersion(model, version);
    }
    if (findsFaces) {
      if (input.landmarker) {
        const { model, version } = await this.versions.resolveForInference(ctx, 'face_landmarker', input.landmarker);
        resolved.landmarker = toModelVersion(model, version);
      } else {
        // Optional: used when the organization has a production landmarker the caller may run.
        const found = await this.versions
          .resolveForInference(ctx, 'face_landmarker')
          .catch((error: unknown) =>
            (error as { code?: string }).code === 'model_kind_missing' ? null : Promise.reject(error),
          );
        if (found) resolved.landmarker = toModelVersion(found.model, found.version);
      }
    }
    // Mask models are needed only by the masks asked for; each needs model:infer like the others.
    const maskTypes = input.options.faceMask?.types ?? [];
    for (const [type, slot] of [
      ['occlusion', 'occluder'],
      ['region', 'parser'],
    ] as const) {
      if (!maskTypes.includes(type)) continue;
      const { model, version } = await this.versions.resolveForInference(ctx, MODEL_SLOT_KINDS[slot], input[slot]);
      resolved[slot] = toModelVersion(model, version);
    }
    return { resolved, pathModel, pathKind };
  }
}

function toModelVersion(
  model: { id: string; kind: string; family: string },
  version: { id: string; version: number; stage: ModelStage; sha256: string; sizeBytes: number },
): JobModelVersion {
  return {
    modelId: model.id,
    versionId: version.id,
    version: version.version,
    stage: version.stage,
    sha256: version.sha256,
    sizeBytes: version.sizeBytes,
    kind: model.kind as JobModelVersion['kind'],
    family: model.family as JobModelVersion['family'],
  };
}

function toInput(role: 'source' | 'target', file: ReceivedImage): JobInput {
  const video = file.video?.video;
  return {
    role,
    sha256: file.sha256,
    size: file.size,
    mediaType: file.mediaType,
    width: file.header.width,
    height: file.header.height,
    ...(file.video && video
      ? {
          video: {
            container: file.video.container,
            codec: video.codec,
            frameCount: video.frameCount,
            durationSeconds: video.durationSeconds,
            frameRate: video.frameRate,
            variableFrameRate: video.variableFrameRate,
            rotation: video.rotation,
            hasAudio: file.video.hasAudio,
          },
        }
      : {}),
  };
}

/** Daily quota units a submission takes: 1 for an image target, one per frame for a video. */
export function quotaUnits(target: Pick<ReceivedImage, 'video'>): number {
  return target.video ? Math.max(1, target.video.video.frameCount) : 1;
}

function checkVideoTarget(
  video: VideoProbe,
  organization: Pick<
    OrganizationEntity,
    'videoMaxDurationSeconds' | 'videoMaxLongSide' | 'videoMaxShortSide' | 'videoMaxFrameRate' | 'videoMaxFrameCount'
  >,
): void {
  try {
    checkVideoLimits(video, {
      maxDurationSeconds: organization.videoMaxDurationSeconds,
      maxLongSide: organization.videoMaxLongSide,
      maxShortSide: organization.videoMaxShortSide,
      maxFrameRate: organization.videoMaxFrameRate,
      maxFrameCount: organization.videoMaxFrameCount,
    });
  } catch (error) {
    if (error instanceof VideoError) throw videoProblem(error);
    throw error;
  }
}

/** Model versions of a job as the audit trail records them. */
export function summariseModels(
  models: JobModels,
): Record<string, { modelId: string; version: number; sha256: string }> {
  return Object.fromEntries(
    Object.entries(models)
      .filter((e): e is [string, JobModelVersion] => !!e[1])
      .map(([slot, m]) => [slot, { modelId: m.modelId, version: m.version, sha256: m.sha256 }]),
  );
}

function hashRequest(models: JobModels, options: JobOptions, inputs: JobInput[]): string {
  const canonical = JSON.stringify({
    models: Object.fromEntries(
      Object.entries(models)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([slot, m]) => [slot, m!.versionId]),
    ),
    options: Object.fromEntries(Object.entries(options).sort(([a], [b]) => a.localeCompare(b))),
    inputs: inputs.map((i) => [i.role, i.sha256]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505';
}
