import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  InferenceErrorCode,
  inferenceError,
  loadImageCodec,
  type FaceFusionEngine,
  type FusionRequest,
  type FusionResult,
  type ImageCodec,
  type RgbImage,
} from '#libs/inference';
import {
  createVideoEncoder,
  readVideoFrames,
  type EncodeOptions,
  type MediaBinaries,
  type RawVideoEncoder,
  type VideoProbe,
} from '#libs/media';

/**
 * The per-frame fusion request: the same fields an image job sends the engine (sources, models,
 * processors, face mask, detector options, face selection), less what belongs to a single image
 * (its bytes, output format and quality, the cancel flag and the watermark, set per frame).
 */
export type VideoFrameRequest = Omit<
  FusionRequest,
  'target' | 'targetType' | 'outputFormat' | 'quality' | 'cancel' | 'watermark' | 'requireTargetFace'
>;

/** Progress after each frame written. */
export interface SegmentProgress {
  /** Index of the frame just written, in the whole video. */
  frame: number;
  /** Frames of this segment written so far, and in all. */
  done: number;
  total: number;
  /** Faces swapped in that frame. */
  swappedFaces: number;
}

export interface SegmentFusionOptions {
  engine: FaceFusionEngine;
  /** The local video file and its probe (`probeVideo`). */
  input: string;
  probe: VideoProbe;
  /** The local MP4 file to write: H.264 yuv420p, video only, at the input's frame rate. */
  output: string;
  /** Frames [startFrame, endFrame) of the input, on the reader's grid (see `readVideoFrames`). */
  startFrame: number;
  endFrame: number;
  request: VideoFrameRequest;
  /** The job's 64-bit watermark payload (16 hex digits), embedded in every frame large enough. */
  watermarkPayload: string;
  /** libx264 settings of the output (default CRF 18, preset `veryfast`). */
  encode?: Pick<EncodeOptions, 'crf' | 'preset'>;
  binaries?: MediaBinaries;
  /** Stops between frames (and the engine at its next stage); the partial output is deleted. */
  signal?: AbortSignal;
  onProgress?: (progress: SegmentProgress) => void;
  /** Share of the blended reference taken from the person's face in the previous frame, 0–1 (default 0.5). */
  trackingWeight?: number;
}

export interface SegmentFusionResult {
  output: string;
  sha256: string;
  sizeBytes: number;
  startFrame: number;
  endFrame: number;
  frames: number;
  width: number;
  height: number;
  /** Frames in which at least one face was swapped. */
  framesWithSwaps: number;
  /** Frames carrying the watermark (all of them, unless the frames are below the smallest markable size). */
  watermarkedFrames: number;
  watermarkReason?: string;
  /** The embedding `reference` selection started from (pass it to the other segments of the video). */
  referenceEmbedding?: number[];
  executionProvider: 'cpu' | 'cuda';
  /** Milliseconds: waiting for decoded frames, in the engine, writing to the encoder, and wall time. */
  timings: { decode: number; engine: number; encode: number; wall: number };
}

/**
 * Fuses frames [startFrame, endFrame) of a local video into a local MP4 (video only; audio and
 * assembly are the caller's), frame by frame through the same engine and request as an image
 * job: each raw frame goes to the engine losslessly (PNG) and comes back watermarked with the
 * job's payload. Frames are streamed (the reader holds a few frames, the encoder one), never the
 * whole segment.
 *
 * `reference` selection follows one person through the shot: the reference embedding (given, or
 * resolved from `referenceFaceIndex` on the segment's first frame) is blended with the embedding
 * of the face matched in the previous frame, so gradual changes of pose and light keep the person
 * selected while other people stay untouched. Give every segment of a video the same starting
 * embedding (`resolveVideoReference`), so they all follow the same person.
 */
export async function fuseVideoSegment(options: SegmentFusionOptions): Promise<SegmentFusionResult> {
  const started = performance.now();
  const { probe, signal } = options;
  const startFrame = Math.max(0, Math.floor(options.startFrame));
  const endFrame = Math.min(Math.floor(options.endFrame), probe.video.frameCount);
  if (!(endFrame > startFrame)) {
    throw inferenceError(InferenceErrorCode.RequestInvalid, `Empty frame range [${startFrame}, ${endFrame}).`);
  }
  signal?.throwIfAborted();
  const codec = await loadImageCodec();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(cancel, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  const tracker = new ReferenceTracker(options.request.selection, options.trackingWeight ?? 0.5);
  const timings = { decode: 0, engine: 0, encode: 0, wall: 0 };
  const total = endFrame - startFrame;
  let encoder: RawVideoEncoder | undefined;
  let frames = 0;
  let framesWithSwaps = 0;
  let watermarkedFrames = 0;
  let watermarkReason: string | undefined;
  let executionProvider: 'cpu' | 'cuda' = 'cpu';
  let size = { width: 0, height: 0 };
  try {
    const reader = readVideoFrames(options.input, probe, {
      binaries: options.binaries,
      startFrame,
      endFrame,
      signal,
    });
    let waitFrom = performance.now();
    for await (const frame of reader) {
      timings.decode += performance.now() - waitFrom;
      const engineFrom = performance.now();
      const result = await fuseFrame(options, codec, tracker, cancel, frame, signal);
      const image = await codec.decode(result.image);
      timings.engine += performance.now() - engineFrom;
      signal?.throwIfAborted();
      tracker.update(result);
      if (!encoder) {
        size = { width: image.width, height: image.height };
        encoder = createVideoEncoder(options.output, {
          binaries: options.binaries,
          width: image.width,
          height: image.height,
          frameRate: probe.video.frameRate,
          crf: options.encode?.crf,
          preset: options.encode?.preset,
          signal,
        });
      }
      const encodeFrom = performance.now();
      await encoder.write(image.data);
      timings.encode += performance.now() - encodeFrom;
      frames++;
      const swapped = result.faces.filter((f) => f.swapped).length;
      if (swapped > 0) framesWithSwaps++;
      if (result.watermarked) watermarkedFrames++;
      else watermarkReason ??= result.watermarkReason;
      executionProvider = result.executionProvider;
      options.onProgress?.({ frame: frame.index, done: frames, total, swappedFaces: swapped });
      waitFrom = performance.now();
    }
    if (!encoder || frames === 0) {
      throw inferenceError(InferenceErrorCode.ImageInvalid, `The video has no frames in [${startFrame}, ${endFrame}).`);
    }
    const encodeFrom = performance.now();
    const encoded = await encoder.finish();
    timings.encode += performance.now() - encodeFrom;
    timings.wall = performance.now() - started;
    return {
      output: encoded.path,
      sha256: await sha256Of(encoded.path),
      sizeBytes: encoded.sizeBytes,
      startFrame,
      endFrame: startFrame + frames,
      frames,
      ...size,
      framesWithSwaps,
      watermarkedFrames,
      ...(watermarkReason ? { watermarkReason } : {}),
      ...(tracker.reference ? { referenceEmbedding: tracker.reference } : {}),
      executionProvider,
      timings,
    };
  } catch (error) {
    await encoder?.abort();
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * The embedding of the person `reference` selection follows in a video: the face at
 * `referenceFaceIndex` (faces in the selection's order, default large→small) on frame `frame`
 * (default 0), as an image job would pick it on that frame. Run it once per video and give the
 * result to every segment (`request.selection.referenceEmbedding`).
 */
export async function resolveVideoReference(options: {
  engine: FaceFusionEngine;
  input: string;
  probe: VideoProbe;
  request: VideoFrameRequest;
  frame?: number;
  binaries?: MediaBinaries;
  signal?: AbortSignal;
}): Promise<number[]> {
  const selection = options.request.selection;
  if (selection?.mode !== 'reference') {
    throw inferenceError(InferenceErrorCode.RequestInvalid, 'The request does not use reference face selection.');
  }
  if ('referenceEmbedding' in selection) return selection.referenceEmbedding;
  const frameIndex = options.frame ?? 0;
  const codec = await loadImageCodec();
  for await (const frame of readVideoFrames(options.input, options.probe, {
    binaries: options.binaries,
    startFrame: frameIndex,
    endFrame: frameIndex + 1,
    signal: options.signal,
  })) {
    const target = await codec.encode(frame, 'png');
    const result = await options.engine.run({ ...options.request, target, outputFormat: 'png' });
    if (result.referenceEmbedding) return result.referenceEmbedding;
  }
  throw inferenceError(InferenceErrorCode.NoTargetFace, `No reference face on frame ${frameIndex} of the video.`);
}

async function fuseFrame(
  options: SegmentFusionOptions,
  codec: ImageCodec,
  tracker: ReferenceTracker,
  cancel: Int32Array,
  frame: RgbImage,
  signal?: AbortSignal,
): Promise<FusionResult> {
  const target = await codec.encode(frame, 'png');
  signal?.throwIfAborted();
  try {
    return await options.engine.run({
      ...options.request,
      selection: tracker.selection(),
      target,
      outputFormat: 'png',
      cancel,
      watermark: { payload: options.watermarkPayload },
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** Follows the reference person from frame to frame (see `fuseVideoSegment`). */
class ReferenceTracker {
  reference?: number[];
  private previous?: number[];

  constructor(
    private readonly base: VideoFrameRequest['selection'],
    private readonly weight: number,
  ) {
    if (base?.mode === 'reference' && 'referenceEmbedding' in base) this.reference = base.referenceEmbedding;
  }

  selection(): VideoFrameRequest['selection'] {
    const base = this.base;
    if (base?.mode !== 'reference' || !this.reference) return base;
    const embedding = this.previous ? blend(this.reference, this.previous, this.weight) : this.reference;
    return { mode: 'reference', referenceEmbedding: embedding, referenceDistance: base.referenceDistance };
  }

  /** Keeps the reference the engine resolved and the best-matching swapped face of this frame. */
  update(result: FusionResult): void {
    if (this.base?.mode !== 'reference') return;
    this.reference ??= result.referenceEmbedding;
    let best: { similarity: number; embedding: number[] } | undefined;
    for (const face of result.faces) {
      if (!face.swapped || !face.embedding || face.similarity === undefined) continue;
      if (!best || face.similarity > best.similarity) best = { similarity: face.similarity, embedding: face.embedding };
    }
    this.previous = best?.embedding;
  }
}

/** (1 − w)·a + w·b, L2-normalised. */
function blend(a: number[], b: number[], w: number): number[] {
  const out = a.map((v, i) => (1 - w) * v + w * (b[i] ?? 0));
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => v / norm);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
