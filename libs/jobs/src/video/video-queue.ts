import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { traceCarrier } from '#libs/common/tracing';
import { JobQueue, withTimeout } from '../job-queue.js';
import { FUSION_QUEUE, FusionJobName, type FusionJobPayloads } from '../jobs.constants.js';

const ENQUEUE_TIMEOUT_MS = 2_000;

type VideoPayload = FusionJobPayloads[FusionJobName.Segment] | FusionJobPayloads[FusionJobName.Assemble];

/** Queue entry ids of a video job's work: one per segment, one for the assembly (idempotent adds). */
export const segmentEntryId = (jobId: string, index: number): string => `${jobId}.seg${index}`;
export const assembleEntryId = (jobId: string): string => `${jobId}.assemble`;

/**
 * The video side of the fusion queue: segment and assembly entries carry only ids, keyed so that
 * adding one twice adds nothing; the `job_segment` rows say what is still to do.
 */
@Injectable()
export class VideoQueue {
  private readonly logger = new Logger('VideoQueue');

  constructor(
    @InjectQueue(FUSION_QUEUE) private readonly queue: Queue<VideoPayload>,
    private readonly jobs: JobQueue,
  ) {}

  /** Adds segment entries (already-pending ones are left alone); resolves how many Redis took. */
  async enqueueSegments(
    job: { id: string; organizationId: string; priority: number },
    indices: number[],
  ): Promise<number> {
    let added = 0;
    for (const index of indices) {
      const id = segmentEntryId(job.id, index);
      if (await this.jobs.isPending(id)) continue;
      await this.jobs.removeWaiting(id);
      const ok = await this.add(
        FusionJobName.Segment,
        { jobId: job.id, organizationId: job.organizationId, index, trace: traceCarrier() },
        id,
        job.priority,
      );
      if (ok) added++;
    }
    return added;
  }

  /** Adds the job's assembly entry unless one is pending. */
  async enqueueAssembly(job: { id: string; organizationId: string; priority: number }): Promise<boolean> {
    const id = assembleEntryId(job.id);
    if (await this.jobs.isPending(id)) return false;
    await this.jobs.removeWaiting(id);
    return this.add(
      FusionJobName.Assemble,
      { jobId: job.id, organizationId: job.organizationId, trace: traceCarrier() },
      id,
      job.priority,
    );
  }

  /** Drops the waiting entries of a cancelled job (running ones stop through the cancel signal). */
  async removeWaiting(jobId: string, segments: number): Promise<void> {
    for (let index = 0; index < segments; index++) await this.jobs.removeWaiting(segmentEntryId(jobId, index));
    await this.jobs.removeWaiting(assembleEntryId(jobId));
  }

  private async add(name: FusionJobName, data: VideoPayload, id: string, priority: number): Promise<boolean> {
    const adding = this.queue.add(name, data, { jobId: id, priority: Math.min(priority, 2_000_000) });
    try {
      await withTimeout(adding, ENQUEUE_TIMEOUT_MS);
      return true;
    } catch (error) {
      adding.catch(() => undefined);
      this.logger.warn(`${id} not enqueued now (${(error as Error).message}); the reconciler will retry.`);
      return false;
    }
  }
}
