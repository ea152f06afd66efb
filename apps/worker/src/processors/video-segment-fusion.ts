import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { FaceFusionEngine } from '#libs/inference';
import { fuseVideoSegment, JobBlobs, resolveVideoReference, type JobEntity, type VideoFrameRequest } from '#libs/jobs';
import { resolveMediaBinaries, type VideoProbe } from '#libs/media';
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
  /** The person `reference` selection follows, resolved once for the video (`reference`); looked up here when absent. */
  referenceEmbedding?: number[] | null;
}

/** What fusing a segment took. */
export interface SegmentFusionResult {
  frames: number;
  /** Milliseconds in the engine (models, pre/post-processing, paste-back, watermark), summed over frames. */
  engineMs: number;
  /** Of those, milliseconds inside onnxruntime's `session.run`. */
  modelMs: number;
  wallMs: number;
  executionProvider: string;
}

/**
 * Fuses one segment of a video job with the segment fuser (libs/jobs): the job's models and
 * options as for an image, the watermark on every frame, `reference` selection following the
 * person picked on the video's first frame, so every segment follows the same one.
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

  /**
   * The embedding of the person `reference` selection follows through the video (picked on its
   * first frame), to resolve once per video and give to every segment; null when the job does
   * not select faces by reference.
   */
  async reference(job: JobEntity, input: string, probe: VideoProbe, signal: AbortSignal): Promise<number[] | null> {
    if (job.options.faceSelector !== 'reference') return null;
    const request = await this.frameRequest(job);
    if (request.selection?.mode !== 'reference') return null;
    const binaries = resolveMediaBinaries(this.config.media);
    return resolveVideoReference({ engine: this.engine, input, probe, request, binaries, signal });
  }

  async fuse(job: JobEntity, segment: SegmentFusionRequest): Promise<SegmentFusionResult> {
    const binaries = resolveMediaBinaries(this.config.media);
    let request = await this.frameRequest(job);
    // Time inside the models, read from each frame's result.
    let modelMs = 0;
    const engine = new Proxy(this.engine, {
      get: (target, key) =>
        key === 'run'
          ? async (...args: Parameters<FaceFusionEngine['run']>) => {
              const result = await target.run(...args);
              modelMs += result.timings.sessionRun;
              return result;
            }
          : (Reflect.get(target, key, target) as unknown),
    });
    const { input, probe, signal } = segment;
    if (request.selection?.mode === 'reference' && !('referenceEmbedding' in request.selection)) {
      const referenceEmbedding =
        segment.referenceEmbedding ??
        (await resolveVideoReference({ engine, input, probe, request, binaries, signal }));
      request = {
        ...request,
        selection: {
          mode: 'reference',
          referenceEmbedding,
          referenceDistance: request.selection.referenceDistance,
        },
      };
    }
    const result = await fuseVideoSegment({
      engine,
      input,
      probe,
      output: segment.output,
      startFrame: segment.startFrame,
      endFrame: segment.endFrame,
      request,
      watermarkPayload: job.watermarkPayload,
      binaries,
      signal,
      onProgress: (p) => segment.onFrames(p.done),
    });
    return {
      frames: result.frames,
      engineMs: result.timings.engine,
      modelMs,
      wallMs: result.timings.wall,
      executionProvider: result.executionProvider,
    };
  }

  private async frameRequest(job: JobEntity): Promise<VideoFrameRequest> {
    const [sources, models] = await Promise.all([
      Promise.all(job.inputs.filter((i) => i.role === 'source').map((i) => this.read(i.sha256))),
      this.refs.of(job),
    ]);
    const {
      outputFormat: _format,
      quality: _quality,
      watermark: _watermark,
      ...frameRequest
    } = engineRequest(job, sources, models);
    return frameRequest;
  }

  private async read(sha256: string): Promise<Uint8Array> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.blobs.store.get(sha256)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }
}
