import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { DomainError, inConsumerSpan, metrics } from '#libs/common';
import { AppConfig } from '#libs/config';
import { FaceFusionEngine, FUSION_STAGES, InferenceErrorCode, type FusionProgress } from '#libs/inference';
import {
  FUSION_QUEUE,
  FusionJobName,
  JobBlobs,
  JobEvents,
  JobExecutionService,
  JobMaintenanceService,
  JobQueue,
  type FusionJobPayloads,
  type JobEntity,
} from '#libs/jobs';
import { VideoError } from '#libs/media';
import { engineRequest, JobModelRefs } from './job-model-refs.js';
import { VideoProcessor } from './video.processor.js';

type FuseJob = Job<FusionJobPayloads[FusionJobName.Fuse]>;

/** Stages run once per swapped face: their share of progress moves with the faces done. */
const PER_FACE_STAGES = new Set<string>(['align', 'swap', 'mask', 'paste']);

/** Values of a running job's cancellation flag. */
const CANCELLED = 1;
const TIMED_OUT = 2;

/**
 * Consumes the fusion queue: each delivered entry is started through JobExecutionService
 * (concurrency slot, permission re-check), its models are loaded from the blob store into the
 * engine's session cache, the engine runs off the event loop, and the watermarked result is
 * stored and the row completed. Domain failures (bad image, no face) fail the job at once with
 * their code; anything else is retried with backoff by Bull and fails the job on the last try.
 * Also runs the reconciler and the result purge on their intervals.
 */
@Injectable()
export class FusionProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('FusionProcessor');
  private readonly workerId = `${hostname()}:${process.pid}`;
  private readonly running = new Map<string, Int32Array>();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopCancelListener?: () => void;

  constructor(
    @InjectQueue(FUSION_QUEUE) private readonly queue: Queue<FusionJobPayloads[FusionJobName.Fuse]>,
    private readonly config: AppConfig,
    private readonly engine: FaceFusionEngine,
    private readonly execution: JobExecutionService,
    private readonly maintenance: JobMaintenanceService,
    private readonly producer: JobQueue,
    private readonly blobs: JobBlobs,
    private readonly events: JobEvents,
    private readonly refs: JobModelRefs,
    private readonly video: VideoProcessor,
  ) {}

  /** Jobs this process runs at once. */
  get concurrency(): number {
    return this.config.jobs.workerConcurrency ?? Math.max(1, this.config.inference.workers ?? 2);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopCancelListener = await this.events.onCancel((jobId) => {
      const flag = this.running.get(jobId);
      if (flag) Atomics.store(flag, 0, CANCELLED);
      this.video.cancelRunning(jobId);
    });
    // One handler per job name, checked by the compiler: a new name without a handler does not build.
    const handlers: { [N in FusionJobName]: (job: Job<FusionJobPayloads[N]>) => Promise<void> } = {
      [FusionJobName.Fuse]: (job) => this.handle(job),
      [FusionJobName.Segment]: (job) => this.traced(job, () => this.video.segment(job)),
      [FusionJobName.Assemble]: (job) => this.traced(job, () => this.video.assemble(job)),
    };
    // One set of slots for every name (Bull gives each `process(name, n)` call n more slots).
    void this.queue.process('*', this.concurrency, (entry: Job) => {
      const handler = handlers[entry.name as FusionJobName] as ((job: Job) => Promise<void>) | undefined;
      if (!handler) throw new Error(`no handler for ${FUSION_QUEUE} entries named ${entry.name}`);
      return handler(entry);
    });
    this.countSlots();
    const { reconcileIntervalMs, resultPurgeIntervalMs } = this.config.jobs;
    void this.maintenance.reconcile().catch((e: Error) => this.logger.warn(`reconcile: ${e.message}`));
    if (reconcileIntervalMs > 0) {
      this.timers.push(
        setInterval(() => {
          this.maintenance.reconcile().catch((e: Error) => this.logger.warn(`reconcile: ${e.message}`));
        }, reconcileIntervalMs).unref(),
      );
    }
    if (resultPurgeIntervalMs > 0) {
      this.timers.push(
        setInterval(() => {
          this.maintenance.purgeResults().catch((e: Error) => this.logger.warn(`result purge: ${e.message}`));
        }, resultPurgeIntervalMs).unref(),
      );
    }
    this.logger.log(`Processing ${FUSION_QUEUE} jobs, ${this.concurrency} at a time (${this.workerId})`);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopCancelListener?.();
    // Running jobs finish within the grace period; what is still active comes back through stalled-job detection.
    await this.queue.close().catch(() => undefined);
  }

  /** Handles one delivered queue entry. Throws only for transient failures (Bull retries those). */
  async handle(entry: FuseJob): Promise<void> {
    return inConsumerSpan(
      `${FUSION_QUEUE} process`,
      entry.data.trace,
      { 'messaging.system': 'bull', 'messaging.destination.name': FUSION_QUEUE, 'fusiongate.job_id': entry.data.jobId },
      () => this.deliver(entry),
    );
  }

  private traced(entry: Job<{ jobId: string; trace?: Record<string, string> }>, work: () => Promise<void>) {
    return inConsumerSpan(
      `${FUSION_QUEUE} ${entry.name}`,
      entry.data.trace,
      { 'messaging.system': 'bull', 'messaging.destination.name': FUSION_QUEUE, 'fusiongate.job_id': entry.data.jobId },
      work,
    );
  }

  private async deliver(entry: FuseJob): Promise<void> {
    const { jobId } = entry.data;
    const decision = await this.execution.start(jobId, String(entry.id), this.workerId);
    switch (decision.kind) {
      case 'skip':
        this.logger.debug?.(`job ${jobId}: ${decision.reason}`);
        return;
      case 'defer': {
        const queueJobId = await this.execution.requeue(decision.job);
        if (queueJobId) {
          await this.producer.enqueue({ ...decision.job, queueJobId }, this.config.jobs.deferMs);
        }
        return;
      }
      case 'run':
        if (VideoProcessor.isVideo(decision.job)) return this.planVideo(entry, decision.job, decision.attempt);
        return this.run(entry, decision.job, decision.attempt);
      default: {
        const unreachable: never = decision;
        throw new Error(`unknown decision ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private async run(entry: FuseJob, job: JobEntity, attempt: number): Promise<void> {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    this.running.set(job.id, flag);
    this.countSlots();
    const timeout = setTimeout(() => Atomics.store(flag, 0, TIMED_OUT), this.config.jobs.timeoutMs);
    try {
      // A cancel may have been asked between the start and now.
      if (await this.execution.cancelRequested(job.id)) Atomics.store(flag, 0, CANCELLED);
      const [sources, target, models] = await Promise.all([
        Promise.all(job.inputs.filter((i) => i.role === 'source').map((i) => this.read(i.sha256))),
        this.read(job.inputs.find((i) => i.role === 'target')!.sha256),
        this.refs.of(job),
      ]);
      const started = performance.now();
      const reached = { percent: 0 };
      const result = await this.engine.run({
        ...engineRequest(job, sources, models),
        target,
        cancel: flag,
        onProgress: (event) => this.progress(job.id, event, reached),
      });
      const stored = await this.blobs.store.put(Readable.from(Buffer.from(result.image)));
      const completed = await this.execution.complete(job, attempt, {
        resultSha256: stored.sha256,
        resultSize: stored.size,
        format: result.format,
        width: result.width,
        height: result.height,
        faces: result.faces.map((f) => ({ box: f.box, score: f.score, swapped: f.swapped })),
        timings: { ...result.timings, wall: performance.now() - started },
        executionProvider: result.executionProvider,
        watermark: result.watermarked ? 'embedded' : 'none',
        watermarkReason: result.watermarkReason,
      });
      if (!completed) this.logger.warn(`job ${job.id}: attempt ${attempt} finished after another attempt took over`);
    } catch (error) {
      await this.failed(entry, job, attempt, error, Atomics.load(flag, 0));
    } finally {
      clearTimeout(timeout);
      this.running.delete(job.id);
      this.countSlots();
    }
  }

  /** A video's own entry only plans it: its segments run as their own entries, on any worker. */
  private async planVideo(entry: FuseJob, job: JobEntity, attempt: number): Promise<void> {
    try {
      await this.video.plan(job);
    } catch (error) {
      await this.failed(entry, job, attempt, error, 0);
    }
  }

  private countSlots(): void {
    const busy = Math.min(this.running.size, this.concurrency);
    metrics.workerSlots.set({ state: 'busy' }, busy);
    metrics.workerSlots.set({ state: 'idle' }, this.concurrency - busy);
  }

  private async failed(entry: FuseJob, job: JobEntity, attempt: number, error: unknown, flag: number): Promise<void> {
    const code = (error as { code?: string }).code;
    if (code === InferenceErrorCode.Cancelled) {
      if (flag === TIMED_OUT) {
        await this.execution.finish(job, attempt, 'failed', {
          code: 'job_timeout',
          detail: `The job ran longer than ${this.config.jobs.timeoutMs} ms and was stopped.`,
        });
      } else {
        await this.execution.finish(job, attempt, 'cancelled', {
          code: 'job_cancelled',
          detail: 'Cancelled while running; it stopped at a stage boundary.',
        });
      }
      return;
    }
    if ((error instanceof DomainError && error.status < 500) || error instanceof VideoError) {
      await this.execution.finish(job, attempt, 'failed', { code: error.code, detail: error.message });
      return;
    }
    const detail = (error as Error)?.message ?? String(error);
    const attempts = entry.opts.attempts ?? 1;
    if (entry.attemptsMade + 1 >= attempts) {
      await this.execution.finish(job, attempt, 'failed', {
        code: 'job_failed',
        detail: `The job failed ${attempts} time(s); last error: ${detail}`,
      });
      return;
    }
    this.logger.warn(`job ${job.id} attempt ${attempt} failed (${detail}); retrying`);
    throw error;
  }

  private async read(sha256: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.blobs.store.get(sha256)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  /**
   * Publishes progress as a share of the pipeline's stages; align, swap and paste repeat per face,
   * so the share never goes back (a progress bar only moves forward).
   */
  private progress(jobId: string, event: FusionProgress, reached: { percent: number }): void {
    const stages = FUSION_STAGES.length;
    if (event.type === 'stage') {
      if (event.status !== 'start') return;
      if (!PER_FACE_STAGES.has(event.stage)) {
        reached.percent = Math.max(reached.percent, FUSION_STAGES.indexOf(event.stage) / stages);
      }
      void this.events.publish({ type: 'progress', jobId, stage: event.stage, percent: reached.percent });
    } else {
      const swap = FUSION_STAGES.indexOf('swap');
      const perFace = FUSION_STAGES.indexOf('enhance_face') - swap;
      reached.percent = Math.max(reached.percent, (swap + (perFace * event.index) / event.total) / stages);
      void this.events.publish({
        type: 'progress',
        jobId,
        stage: 'swap',
        percent: reached.percent,
        face: { index: event.index, total: event.total },
      });
    }
  }
}
