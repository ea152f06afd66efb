import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { AppConfig } from '#libs/config';
import { FaceFusionEngine, InferenceErrorCode } from '#libs/inference';
import { JobBlobs, type JobEntity } from '#libs/jobs';
import { createVideoEncoder, readVideoFrames, resolveMediaBinaries, type VideoProbe } from '#libs/media';
import { engineRequest, JobModelRefs } from './job-model-refs.js';

/** A frame range of a local video to fuse into a local video-only file. */
export interface SegmentFusionRequest {
  input: string;
  probe: VideoProbe;
  startFrame: number;
  endFrame: number;
  output: string;
  signal: AbortSignal;
  /** Frames of the range fused so far. */
  onFrames: (done: number) => void;
}

/** What fusing a segment took. */
export interface SegmentFusionResult {
  frames: number;
  /** Milliseconds inside the engine's pipeline (models, warps, paste-back, watermark), summed over frames. */
  engineMs: number;
  /** Of those, milliseconds inside onnxruntime's `session.run`. */
  modelMs: number;
  wallMs: number;
  /** Whether every frame carries the watermark, and why not. */
  watermarked: boolean;
  watermarkReason?: string;
}

/**
 * Fuses one segment of a video job: frames are decoded upright through a pipe, each goes through
 * the engine with the job's models and options (the same path as an image job, watermark
 * included), and the fused frames are encoded to H.264 through another pipe, so at most a few
 * frames are in memory. Aborting stops both ffmpeg processes and the engine at its next stage.
 */
@Injectable()
export class VideoSegmentFusion {
  constructor(
    private readonly config: AppConfig,
    private readonly engine: FaceFusionEngine,
    private readonly refs: JobModelRefs,
    private readonly blobs: JobBlobs,
  ) {}

  get executionProvider(): string {
    return this.engine.settings.executionProvider;
  }

  async fuse(job: JobEntity, request: SegmentFusionRequest): Promise<SegmentFusionResult> {
    const { probe, signal } = request;
    const binaries = resolveMediaBinaries(this.config.media);
    const [sources, models] = await Promise.all([
      Promise.all(job.inputs.filter((i) => i.role === 'source').map((i) => this.read(i.sha256))),
      this.refs.of(job),
    ]);
    const base = engineRequest(job, sources, models);
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const onAbort = () => Atomics.store(cancel, 0, 1);
    signal.addEventListener('abort', onAbort, { once: true });
    const { width, height } = probe.video;
    const encoder = createVideoEncoder(request.output, {
      binaries,
      width,
      height,
      frameRate: probe.video.frameRate,
      signal,
    });
    const started = performance.now();
    let frames = 0;
    let engineMs = 0;
    let modelMs = 0;
    let watermarked = true;
    let watermarkReason: string | undefined;
    try {
      for await (const frame of readVideoFrames(request.input, probe, {
        binaries,
        startFrame: request.startFrame,
        endFrame: request.endFrame,
        signal,
      })) {
        // Lossless hand-over to the engine: raw RGB wrapped as an uncompressed PNG.
        const target = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
          .png({ compressionLevel: 0 })
          .toBuffer();
        const result = await this.engine.run({ ...base, target, outputFormat: 'png', cancel });
        engineMs += result.timings.total;
        modelMs += result.timings.sessionRun;
        if (!result.watermarked) {
          watermarked = false;
          watermarkReason ??= result.watermarkReason;
        }
        const fused = await sharp(result.image).removeAlpha().raw().toBuffer();
        await encoder.write(fused);
        frames++;
        request.onFrames(frames);
      }
      await encoder.finish();
    } catch (error) {
      await encoder.abort().catch(() => undefined);
      if (signal.aborted || (error as { code?: string }).code === InferenceErrorCode.Cancelled) {
        throw Object.assign(new Error('segment cancelled'), { name: 'AbortError' });
      }
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return { frames, engineMs, modelMs, wallMs: performance.now() - started, watermarked, watermarkReason };
  }

  private async read(sha256: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.blobs.store.get(sha256)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
}
