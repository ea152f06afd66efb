import { randomBytes } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '#libs/audit';
import { UserService } from '#libs/auth';
import { DomainError } from '#libs/common';
import { metrics } from '#libs/common';
import { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { ModelVersionService } from '#libs/model-registry';
import { PolicyService } from '#libs/policies';
import { JobBlobs } from './job-blobs.js';
import { JobEvents } from './job-events.js';
import { FUSION_QUEUE } from './jobs.constants.js';
import { JobEntity, MODEL_SLOT_KINDS, type JobModelVersion, type JobStatus, type ModelSlot } from './job.entity.js';
import { summariseModels } from './job.service.js';

/** What a worker may do with a delivered queue entry. */
export type StartDecision =
  | { kind: 'run'; job: JobEntity; attempt: number }
  /** Held back by the organization's concurrency limit: try again later. */
  | { kind: 'defer'; job: JobEntity }
  /** Nothing to do: finished, cancelled, superseded by a newer queue entry, or refused (already recorded). */
  | { kind: 'skip'; reason: string };

export interface JobOutcome {
  resultSha256: string;
  resultSize: number;
  format: 'jpeg' | 'png' | 'webp' | 'mp4';
  width: number;
  height: number;
  faces: JobEntity['faces'];
  timings: Record<string, number>;
  executionProvider: string;
  /** Whether the result carries the job's watermark, and why not. */
  watermark: 'embedded' | 'none';
  watermarkReason?: string;
}

/**
 * The worker's side of a job's life. Each transition is one conditional update of the row (the
 * source of truth) with its audit event in the same transaction, so a job re-delivered after a
 * crash is started again under a new attempt number and only the attempt that holds the row can
 * complete it: exactly one result and one completion event, whatever the queue delivers.
 */
@Injectable()
export class JobExecutionService {
  private readonly logger = new Logger('JobExecution');

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyService,
    private readonly versions: ModelVersionService,
    private readonly users: UserService,
    private readonly blobs: JobBlobs,
    private readonly events: JobEvents,
    private readonly transactions: Transactions,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /**
   * Decides whether a delivered entry runs: the row must still want to run under this queue
   * entry, the organization must have a free concurrency slot, and the submitter must still hold
   * every right the job needs (checked now, from their current roles, grants, policies,
   * membership and account status); otherwise the job fails with `permission_revoked`.
   */
  async start(jobId: string, queueJobId: string, workerId: string): Promise<StartDecision> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job) return { kind: 'skip', reason: 'job row not found' };
    if (job.queueJobId !== queueJobId) return { kind: 'skip', reason: 'superseded queue entry' };
    if (job.status !== 'queued' && job.status !== 'running') return { kind: 'skip', reason: `job is ${job.status}` };
    if (job.cancelRequested) {
      await this.finish(job, job.attempt, 'cancelled', {
        code: 'job_cancelled',
        detail: 'Cancelled before it started.',
      });
      return { kind: 'skip', reason: 'cancel requested' };
    }

    const refused = await this.recheck(job);
    if (refused) {
      await this.finish(job, job.attempt, 'failed', { code: 'permission_revoked', detail: refused }, 'denied');
      return { kind: 'skip', reason: 'permission revoked' };
    }

    return this.transactions
      .run(this.contextOf(job), async (ctx, manager) => {
        // One organization's starts serialise here, so the concurrency limit cannot be overshot.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `job-slots:${job.organizationId}`,
        ]);
        const [settings]: Array<{ concurrent_job_limit: number | null }> = await manager.query(
          `SELECT concurrent_job_limit FROM organization WHERE id = $1`,
          [job.organizationId],
        );
        const limit = settings?.concurrent_job_limit ?? null;
        if (limit !== null) {
          const [running]: Array<{ n: string }> = await manager.query(
            `SELECT count(*) AS n FROM job WHERE organization_id = $1 AND status = 'running' AND id <> $2`,
            [job.organizationId, job.id],
          );
          if (Number(running.n) >= limit) return { kind: 'defer' as const, job };
        }
        const attempt = job.attempt + 1;
        const [updated] = (await manager.query(
          `UPDATE job SET status = 'running', attempt = $2, started_at = COALESCE(started_at, now()), stage = NULL,
                progress = 0, updated_at = now()
          WHERE id = $1 AND attempt = $3 AND status IN ('queued', 'running') AND NOT cancel_requested
          RETURNING id`,
          [job.id, attempt, job.attempt],
        )) as [Array<{ id: string }>, number];
        if (updated.length === 0) return { kind: 'skip' as const, reason: 'job changed meanwhile' };
        await this.audit?.record(ctx, {
          action: 'job.started',
          resourceType: 'job',
          resourceId: job.id,
          details: { attempt, worker: workerId, ...(attempt > 1 ? { redelivered: true } : {}) },
        });
        job.status = 'running';
        job.attempt = attempt;
        if (!job.startedAt) {
          job.startedAt = new Date();
          metrics.jobWait.observe({ queue: FUSION_QUEUE }, (job.startedAt.getTime() - job.createdAt.getTime()) / 1000);
        }
        return { kind: 'run' as const, job, attempt };
      })
      .then(async (decision) => {
        if (decision.kind === 'run') await this.events.publish({ type: 'state', jobId: job.id, status: 'running' });
        return decision;
      });
  }

  /** Points the row at a new queue entry (a deferred retry) and returns its id. */
  async requeue(job: JobEntity): Promise<string | null> {
    const queueJobId = `${job.id}.${randomBytes(4).toString('hex')}`;
    const [updated] = (await this.dataSource.query(
      `UPDATE job SET queue_job_id = $2, updated_at = now() WHERE id = $1 AND queue_job_id = $3 AND status = 'queued' RETURNING id`,
      [job.id, queueJobId, job.queueJobId],
    )) as [Array<{ id: string }>, number];
    return updated.length ? queueJobId : null;
  }

  /** Records the result of `attempt`; false (and the result blob released) when another attempt owns the job now. */
  async complete(job: JobEntity, attempt: number, outcome: JobOutcome): Promise<boolean> {
    const ok = await this.transactions.run(this.contextOf(job), async (ctx, manager) => {
      const [settings]: Array<{ result_retention_days: number }> = await manager.query(
        `SELECT result_retention_days FROM organization WHERE id = $1`,
        [job.organizationId],
      );
      const [updated] = (await manager.query(
        `UPDATE job SET status = 'completed', stage = NULL, progress = 1, result_sha256 = $3, result_size = $4,
                result_format = $5, result_width = $6, result_height = $7, faces = $8, timings = $9,
                execution_provider = $10, watermark = $12, watermark_reason = $13, finished_at = now(),
                result_expires_at = now() + make_interval(days => $11), updated_at = now()
          WHERE id = $1 AND attempt = $2 AND status = 'running'
          RETURNING finished_at, result_expires_at`,
        [
          job.id,
          attempt,
          outcome.resultSha256,
          outcome.resultSize,
          outcome.format,
          outcome.width,
          outcome.height,
          JSON.stringify(outcome.faces),
          JSON.stringify(outcome.timings),
          outcome.executionProvider,
          settings?.result_retention_days ?? 7,
          outcome.watermark,
          outcome.watermarkReason ?? null,
        ],
      )) as [Array<{ finished_at: Date }>, number];
      if (updated.length === 0) return false;
      await this.audit?.record(ctx, {
        action: 'job.completed',
        resourceType: 'job',
        resourceId: job.id,
        details: {
          attempt,
          models: summariseModels(job.models),
          inputs: job.inputs.map(({ role, sha256, size }) => ({ role, sha256, size })),
          result: { sha256: outcome.resultSha256, size: outcome.resultSize, format: outcome.format },
          watermarkPayload: job.watermarkPayload,
          watermark: outcome.watermark,
          ...(outcome.watermarkReason ? { watermarkReason: outcome.watermarkReason } : {}),
          facesSwapped: outcome.faces?.filter((f) => f.swapped).length ?? 0,
          timings: outcome.timings,
          executionProvider: outcome.executionProvider,
        },
      });
      return true;
    });
    if (ok) {
      this.countEnded(job, 'completed');
      await this.blobs.release(job.inputDigests, job.id);
      await this.events.publish({ type: 'state', jobId: job.id, status: 'completed' });
    } else {
      await this.blobs.release([outcome.resultSha256]);
    }
    return ok;
  }

  /** Ends the job as failed or cancelled (when `attempt` still owns it); inputs are deleted. */
  async finish(
    job: JobEntity,
    attempt: number,
    status: Extract<JobStatus, 'failed' | 'cancelled'>,
    error: { code: string; detail: string },
    outcome: 'allowed' | 'denied' | 'failed' = status === 'failed' ? 'failed' : 'allowed',
  ): Promise<boolean> {
    const ok = await this.transactions.run(this.contextOf(job), async (ctx, manager) => {
      const [updated] = (await manager.query(
        `UPDATE job SET status = $3, error_code = $4, error_detail = $5, finished_at = now(), updated_at = now()
          WHERE id = $1 AND attempt = $2 AND status IN ('queued', 'running')
          RETURNING id`,
        [job.id, attempt, status, error.code, error.detail.slice(0, 2000)],
      )) as [unknown[], number];
      if (updated.length === 0) return false;
      await this.audit?.record(ctx, {
        action: status === 'failed' ? 'job.failed' : 'job.cancelled',
        outcome,
        resourceType: 'job',
        resourceId: job.id,
        details: {
          attempt,
          code: error.code,
          detail: error.detail.slice(0, 500),
          models: summariseModels(job.models),
          watermarkPayload: job.watermarkPayload,
        },
      });
      return true;
    });
    if (ok) {
      this.countEnded(job, status);
      await this.blobs.release(job.inputDigests, job.id);
      await this.events.publish({ type: 'state', jobId: job.id, status });
    }
    return ok;
  }

  private countEnded(job: JobEntity, status: 'completed' | 'failed' | 'cancelled'): void {
    metrics.jobs.inc({ outcome: status });
    if (job.startedAt) metrics.jobRun.observe({ status }, (Date.now() - job.startedAt.getTime()) / 1000);
  }

  /** Whether the row asks the running attempt to stop. */
  async cancelRequested(jobId: string): Promise<boolean> {
    const rows: Array<{ cancel_requested: boolean }> = await this.dataSource.query(
      `SELECT cancel_requested FROM job WHERE id = $1`,
      [jobId],
    );
    return rows[0]?.cancel_requested ?? true;
  }

  /** The submitter's context as of now: same actor, address and MFA state, current time. */
  contextOf(job: JobEntity): RequestContext {
    return RequestContext.deserialize({ ...job.actor, organizationId: job.organizationId, requestId: `job-${job.id}` });
  }

  /** Null when the submitter still may run every model of the job; else why not. */
  private async recheck(job: JobEntity): Promise<string | null> {
    const ctx = this.contextOf(job);
    try {
      const [user] = await Promise.all([
        this.users.findById(ctx, job.ownerId),
        this.policies.authorizeOrganization(ctx, 'job:create'),
      ]);
      if (!user || user.status !== 'active' || (user.expiresAt && user.expiresAt <= ctx.now)) {
        return 'The account that submitted the job is no longer active.';
      }
      const slots = Object.entries(job.models).filter((e): e is [ModelSlot, JobModelVersion] => !!e[1]);
      const versions = await Promise.all(
        slots.map(([slot, chosen]) =>
          this.versions.resolveForInference(ctx, MODEL_SLOT_KINDS[slot], {
            modelId: chosen.modelId,
            version: chosen.version,
          }),
        ),
      );
      const changed = slots.find(([, chosen], i) => versions[i].version.sha256 !== chosen.sha256);
      return changed ? `The ${changed[0]} model version changed since the job was accepted.` : null;
    } catch (error) {
      if (error instanceof DomainError && error.status < 500) {
        return `The submitter may no longer run this job (${error.code}): ${error.message}`;
      }
      this.logger.warn(`Permission re-check of job ${job.id} failed: ${(error as Error).message}`);
      throw error;
    }
  }
}
