import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { DataSource } from 'typeorm';
import { DomainError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { watermarkSupport } from '#libs/inference';
import {
  FusionJobName,
  JobBlobs,
  JobEntity,
  JobExecutionService,
  JobSegments,
  planVideoSegments,
  VideoProgress,
  VideoQueue,
  type ClaimedSegment,
  type FusionJobPayloads,
} from '#libs/jobs';
import {
  assembleSegments,
  probeVideo,
  resolveMediaBinaries,
  VideoError,
  type MediaBinaries,
  type VideoProbe,
} from '#libs/media';
import { VideoSegmentFusion } from './video-segment-fusion.js';
import { WorkerTemp } from './worker-temp.js';

type SegmentEntry = Job<FusionJobPayloads[FusionJobName.Segment]>;
type AssembleEntry = Job<FusionJobPayloads[FusionJobName.Assemble]>;

/** Why a segment's work was stopped. */
const CANCELLED = 'cancelled';

/**
 * Video jobs across worker processes. The job's own entry plans it: keyframes are listed, the
 * video is cut into segments recorded in `job_segment` (with the person `reference` selection
 * follows, picked once on the first frame), and one queue entry per segment is added; the job
 * stays running. Any worker then fuses a segment (a new attempt on its row,
 * output stored in the blob store and recorded), and the completion that finishes the last
 * segment adds the assembly entry, which joins the outputs with the original audio and completes
 * the job. A worker killed mid-video loses only the segment it was fusing: Bull hands that entry
 * to another worker (stalled-job detection), finished segments are never fused again, and the
 * reconciler re-adds entries Redis lost. Cancel stops every running segment (and its ffmpeg) in
 * every worker, and the stored segment outputs are deleted.
 */
@Injectable()
export class VideoProcessor {
  private readonly logger = new Logger('VideoProcessor');
  private readonly workerId = `${hostname()}:${process.pid}`;
  /** Controllers of the segments and assemblies running here, by job. */
  private readonly running = new Map<string, Set<AbortController>>();
  private readonly binaries: MediaBinaries;

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly execution: JobExecutionService,
    private readonly blobs: JobBlobs,
    private readonly segments: JobSegments,
    private readonly queue: VideoQueue,
    private readonly progress: VideoProgress,
    private readonly fusion: VideoSegmentFusion,
    private readonly temp: WorkerTemp,
  ) {
    this.binaries = resolveMediaBinaries(config.media);
  }

  static isVideo(job: JobEntity): boolean {
    return job.inputs.some((i) => i.role === 'target' && i.mediaType.startsWith('video/'));
  }

  /** Stops this process's work on a job (its cancel signal). */
  cancelRunning(jobId: string): void {
    for (const controller of this.running.get(jobId) ?? []) controller.abort(CANCELLED);
  }

  /** The job's own entry: plan and enqueue its segments (idempotent: a re-delivered plan keeps what is done). */
  async plan(job: JobEntity): Promise<void> {
    const planned = await this.segments.list(job.id);
    const rows = planned.length
      ? planned
      : await this.withTarget(job, new AbortController().signal, async (file, probe) => {
          const plan = await planVideoSegments(this.binaries, file, probe, this.config.jobs.videoSegmentSeconds);
          // The person `reference` selection follows is picked once, on the first frame, for every segment.
          const reference = plan.length
            ? await this.fusion.reference(job, file, probe, new AbortController().signal)
            : null;
          return this.segments.plan(job.id, plan, reference);
        });
    if (rows.length === 0) {
      await this.execution.finish(job, job.attempt, 'failed', {
        code: 'video_unreadable',
        detail: 'The video has no frames to fuse.',
      });
      return;
    }
    const total = rows.at(-1)!.endFrame;
    await this.progress.report(job.id, 0, 0, total, true);
    const todo = rows.filter((s) => s.status === 'pending' || s.status === 'running').map((s) => s.index);
    if (todo.length === 0) await this.queue.enqueueAssembly(job);
    else await this.queue.enqueueSegments(job, todo);
    this.logger.log(`job ${job.id}: ${rows.length} segment(s) of ${total} frames, ${todo.length} to fuse`);
  }

  /** One segment entry. Throws only for transient failures (Bull retries those under a new attempt). */
  async segment(entry: SegmentEntry): Promise<void> {
    const { jobId, index } = entry.data;
    const job = await this.liveJob(jobId);
    if (!job) return;
    const segment = await this.segments.claim(jobId, index, this.workerId);
    if (!segment) {
      // Done (or cancelled) already: a re-delivery after the completion was recorded.
      const rows = await this.segments.list(jobId);
      if (rows.length && rows.every((s) => s.status === 'done')) await this.queue.enqueueAssembly(job);
      return;
    }
    const controller = this.track(jobId);
    // A cancel may have been asked between the claim and now.
    if (await this.execution.cancelRequested(jobId)) controller.abort(CANCELLED);
    const dir = await this.temp.dir('segment-');
    try {
      const output = join(dir, `segment-${index}.mp4`);
      const total = (await this.segments.list(jobId)).at(-1)?.endFrame ?? segment.endFrame;
      const fused = await this.withTarget(job, controller.signal, (file, probe) =>
        this.fusion.fuse(job, {
          input: file,
          probe,
          startFrame: segment.startFrame,
          endFrame: segment.endFrame,
          output,
          signal: controller.signal,
          onFrames: (done) => void this.progress.report(jobId, index, done, total),
          referenceEmbedding: segment.referenceEmbedding,
        }),
      );
      const stored = await this.blobs.store.put(createReadStream(output));
      const { recorded, remaining } = await this.segments.complete(segment, stored);
      this.logger.log(
        `job ${jobId} segment ${index} (attempt ${segment.attempt}): ${fused.frames} frames in ${fused.wallMs.toFixed(0)} ms, ` +
          `engine ${fused.engineMs.toFixed(0)} ms, models ${fused.modelMs.toFixed(0)} ms`,
      );
      if (!recorded) {
        await this.blobs.release([stored.sha256]);
        this.logger.warn(`job ${jobId} segment ${index}: attempt ${segment.attempt} finished after another took over`);
        return;
      }
      await this.progress.report(jobId, index, segment.endFrame - segment.startFrame, total, true);
      if (remaining === 0) await this.queue.enqueueAssembly(job);
    } catch (error) {
      await this.segmentFailed(entry, job, segment, error, controller.signal);
    } finally {
      this.untrack(jobId, controller);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The assembly entry: joins the recorded segment outputs with the original audio and completes the job. */
  async assemble(entry: AssembleEntry): Promise<void> {
    const job = await this.liveJob(entry.data.jobId);
    if (!job) return;
    const rows = await this.segments.list(job.id);
    if (rows.length === 0 || rows.some((s) => s.status !== 'done')) return;
    const controller = this.track(job.id);
    const dir = await this.temp.dir('assemble-');
    const started = performance.now();
    try {
      const parts = await Promise.all(
        rows.map(async (s) => {
          const path = join(dir, `segment-${s.index}.mp4`);
          await pipeline(await this.blobs.store.get(s.outputSha256!), createWriteStream(path));
          return path;
        }),
      );
      const output = join(dir, 'result.mp4');
      const probe = await this.withTarget(job, controller.signal, async (original, probe) => {
        // Frames were fused upright (the reader applies the rotation), so the result carries none.
        await assembleSegments({
          ...this.binaries,
          segments: parts,
          original,
          output,
          rotation: 0,
          tmpDir: dir,
          signal: controller.signal,
        });
        return probe;
      });
      const stored = await this.blobs.store.put(createReadStream(output));
      const frames = rows.at(-1)!.endFrame;
      const marked = watermarkSupport(probe.video.width, probe.video.height);
      const completed = await this.execution.complete(job, job.attempt, {
        resultSha256: stored.sha256,
        resultSize: stored.size,
        format: 'mp4',
        width: probe.video.width,
        height: probe.video.height,
        faces: [],
        timings: { assemble: performance.now() - started, segments: rows.length, frames },
        executionProvider: this.fusion.executionProvider,
        watermark: marked.supported ? 'embedded' : 'none',
        ...(marked.supported ? {} : { watermarkReason: marked.reason }),
      });
      if (completed) await this.releaseSegments(job.id);
    } catch (error) {
      if (controller.signal.aborted) await this.cancel(job);
      else if (entry.attemptsMade + 1 >= (entry.opts.attempts ?? 1)) {
        await this.fail(job, {
          code: 'job_failed',
          detail: `Assembling the video failed: ${(error as Error)?.message ?? String(error)}`,
        });
      } else throw error;
    } finally {
      this.untrack(job.id, controller);
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Ends a cancelled job: the row, its stored segment outputs, its waiting entries and counters. */
  private async cancel(job: JobEntity): Promise<void> {
    await this.execution.finish(job, job.attempt, 'cancelled', {
      code: 'job_cancelled',
      detail: 'Cancelled while running; every segment was stopped.',
    });
    this.cancelRunning(job.id);
    await this.releaseSegments(job.id);
  }

  private async releaseSegments(jobId: string): Promise<void> {
    const outputs = await this.segments.cancel(jobId);
    await this.blobs.release(outputs);
    await this.queue.removeWaiting(jobId, (await this.segments.list(jobId)).length);
    await this.progress.clear(jobId);
  }

  private async segmentFailed(
    entry: SegmentEntry,
    job: JobEntity,
    segment: ClaimedSegment,
    error: unknown,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) {
      await this.cancel(job);
      return;
    }
    const code = (error as { code?: string }).code;
    if ((error instanceof DomainError && error.status < 500) || error instanceof VideoError) {
      await this.fail(job, { code: code ?? 'job_failed', detail: (error as Error).message });
      return;
    }
    const detail = (error as Error)?.message ?? String(error);
    const attempts = entry.opts.attempts ?? 1;
    if (entry.attemptsMade + 1 >= attempts) {
      await this.fail(job, {
        code: 'job_failed',
        detail: `Segment ${segment.index} failed ${attempts} time(s); last error: ${detail}`,
      });
      return;
    }
    this.logger.warn(`job ${job.id} segment ${segment.index} attempt ${segment.attempt} failed (${detail}); retrying`);
    throw error;
  }

  private async fail(job: JobEntity, error: { code: string; detail: string }): Promise<void> {
    await this.execution.finish(job, job.attempt, 'failed', error);
    this.cancelRunning(job.id);
    await this.releaseSegments(job.id);
  }

  /** The job when it is still running; a cancel asked meanwhile ends it here. */
  private async liveJob(jobId: string): Promise<JobEntity | null> {
    const job = await this.dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job || job.status !== 'running') return null;
    if (job.cancelRequested) {
      await this.cancel(job);
      return null;
    }
    return job;
  }

  /** Runs `work` on a local copy of the job's target video (deleted afterwards). */
  private async withTarget<T>(
    job: JobEntity,
    signal: AbortSignal,
    work: (file: string, probe: VideoProbe) => Promise<T>,
  ): Promise<T> {
    const target = job.inputs.find((i) => i.role === 'target')!;
    const dir = await this.temp.dir('video-');
    try {
      const file = join(dir, 'target');
      await pipeline(await this.blobs.store.get(target.sha256), createWriteStream(file), { signal });
      const probe = await probeVideo(file, { binaries: this.binaries });
      return await work(file, probe);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private track(jobId: string): AbortController {
    const controller = new AbortController();
    let set = this.running.get(jobId);
    if (!set) this.running.set(jobId, (set = new Set()));
    set.add(controller);
    return controller;
  }

  private untrack(jobId: string, controller: AbortController): void {
    const set = this.running.get(jobId);
    set?.delete(controller);
    if (set?.size === 0) this.running.delete(jobId);
  }
}
