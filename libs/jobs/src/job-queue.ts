import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { DEPENDENCY_RETRY_AFTER_SECONDS, ServiceUnavailableError } from '#libs/common';
import { metrics, onMetricsScrape } from '#libs/common';
import { traceCarrier } from '#libs/common/tracing';
import { FUSION_QUEUE, FusionJobName, type FusionJobPayloads } from './jobs.constants.js';

/** How long an enqueue may wait for Redis before the job is left to the reconciler. */
const ENQUEUE_TIMEOUT_MS = 2_000;
/** How long a submission waits for the queue to answer a ping before it is refused. */
const AVAILABILITY_TIMEOUT_MS = 1_000;

/**
 * The producer side of the fusion queue. Enqueueing happens after the job row commits; when Redis
 * does not answer in time the row stays queued and the reconciler enqueues it later, so a
 * submission never fails (or hangs) on a slow queue once it has been accepted.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('JobQueue');
  private stopMetrics?: () => void;

  constructor(@InjectQueue(FUSION_QUEUE) readonly queue: Queue<FusionJobPayloads[FusionJobName.Fuse]>) {}

  /** Queue depth by state, read from Redis at each scrape. */
  onModuleInit(): void {
    this.stopMetrics = onMetricsScrape('queue', async () => {
      const counts = await this.queue.getJobCounts();
      for (const [state, n] of Object.entries(counts)) metrics.queueJobs.set({ queue: FUSION_QUEUE, state }, n);
    });
  }

  onModuleDestroy(): void {
    this.stopMetrics?.();
  }

  /** Adds a job's queue entry (idempotent per `queueJobId`); resolves false when Redis did not take it. */
  async enqueue(
    job: { id: string; organizationId: string; queueJobId: string; priority: number },
    delayMs = 0,
  ): Promise<boolean> {
    const adding = this.queue.add(
      FusionJobName.Fuse,
      { jobId: job.id, organizationId: job.organizationId, trace: traceCarrier() },
      {
        jobId: job.queueJobId,
        priority: Math.min(job.priority, 2_000_000),
        ...(delayMs > 0 ? { delay: delayMs } : {}),
      },
    );
    try {
      await withTimeout(adding, ENQUEUE_TIMEOUT_MS);
      return true;
    } catch (error) {
      adding.catch(() => undefined);
      this.logger.warn(`Job ${job.id} not enqueued now (${(error as Error).message}); the reconciler will retry.`);
      return false;
    }
  }

  /**
   * Refuses a submission up front (503 `queue_unavailable`) while the queue's Redis is down or
   * frozen, before any upload is read: a job accepted now could not start until Redis is back.
   */
  async ensureAvailable(): Promise<void> {
    const client = this.queue.client;
    const answered =
      client.status === 'ready' &&
      (await withTimeout(client.ping(), AVAILABILITY_TIMEOUT_MS).then(
        () => true,
        () => false,
      ));
    if (!answered) {
      throw new ServiceUnavailableError({
        code: 'queue_unavailable',
        detail: 'The job queue is not answering; nothing was submitted. Try again shortly.',
        retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
      });
    }
  }

  /** Whether the entry still waits or runs in the queue (false when missing or finished). */
  async isPending(queueJobId: string): Promise<boolean> {
    const entry = await this.queue.getJob(queueJobId);
    if (!entry) return false;
    const state = await entry.getState();
    return state === 'waiting' || state === 'active' || state === 'delayed' || state === 'paused';
  }

  /** Removes an entry that has not started (a started one is left to its worker). */
  async removeWaiting(queueJobId: string): Promise<void> {
    try {
      const entry = await withTimeout(this.queue.getJob(queueJobId), ENQUEUE_TIMEOUT_MS);
      if (!entry) return;
      const state = await entry.getState();
      if (
        state === 'waiting' ||
        state === 'delayed' ||
        state === 'paused' ||
        state === 'completed' ||
        state === 'failed'
      )
        await entry.remove();
    } catch (error) {
      this.logger.warn(`Queue entry ${queueJobId} not removed: ${(error as Error).message}`);
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
