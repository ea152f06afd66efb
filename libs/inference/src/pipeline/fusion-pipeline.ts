import type * as ort from 'onnxruntime-node';
import type { DetectedFace, ModelRef, Point, RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import type { ImageCodec } from '../image/image-codec.js';
import { boxArea } from '../geometry/affine.js';
import { detectFaces } from '../models/detectors.js';
import { detectLandmarks68, landmarks68To5, landmarksFromBox } from '../models/landmarks.js';
import type { LoadedModel, ModelRunner } from '../models/loaded-model.js';
import { cosineSimilarity, embedFace, type FaceEmbedding } from '../models/recognizer.js';
import { alignForSwap, sourceLatent, swapFace } from '../models/swappers.js';
import { embedWatermark, parsePayload } from '../watermark/watermark.js';
import { selectFaces } from './face-selection.js';
import type {
  FusionFace,
  FusionProgress,
  FusionRequest,
  FusionResult,
  FusionStage,
  FusionTimings,
} from './fusion.types.js';
import { FUSION_STAGES } from './fusion.types.js';
import { createBoxMask, DEFAULT_MASK_BLUR, pasteBack } from './paste-back.js';
import type { SessionCache } from './session-cache.js';

/** What a pipeline run needs from its thread: cached sessions, a codec and limits. */
export interface PipelineContext {
  sessions: SessionCache;
  codec: ImageCodec;
  maxPixels: number;
}

class StageClock implements ModelRunner {
  readonly timings: FusionTimings;
  private readonly started = performance.now();

  constructor(private readonly onProgress: (event: FusionProgress) => void) {
    this.timings = Object.fromEntries([...FUSION_STAGES, 'total', 'sessionRun'].map((k) => [k, 0])) as FusionTimings;
  }

  elapsed(): number {
    return performance.now() - this.started;
  }

  async stage<T>(stage: FusionStage, work: () => Promise<T> | T): Promise<T> {
    this.onProgress({ type: 'stage', stage, status: 'start', elapsedMs: this.elapsed() });
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.timings[stage] += performance.now() - start;
      this.onProgress({ type: 'stage', stage, status: 'end', elapsedMs: this.elapsed() });
    }
  }

  async run(model: LoadedModel, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    const start = performance.now();
    try {
      return await model.session.run(feeds);
    } finally {
      this.timings.sessionRun += performance.now() - start;
    }
  }
}

/**
 * Runs one face-fusion request to completion in the current thread. The engine calls it inside a
 * worker thread; it can also be called directly (tools, tests).
 */
export async function runFusionPipeline(
  request: FusionRequest,
  context: PipelineContext,
  onProgress: (event: FusionProgress) => void = () => undefined,
): Promise<FusionResult> {
  validateRequest(request);
  const clock = new StageClock(onProgress);
  const refs = [
    request.models.detector,
    request.models.recognizer,
    request.models.swapper,
    request.models.landmarker,
  ].filter((r): r is ModelRef => !!r);
  const acquired: ModelRef[] = [];
  try {
    const [detector, recognizer, swapper, landmarker] = await Promise.all(
      refs.map(async (ref) => {
        const model = await context.sessions.acquire(ref);
        acquired.push(ref);
        return model;
      }),
    );
    const payload = request.watermark ? parsePayload(request.watermark.payload) : null;

    const [source, target] = await clock.stage('decode', () =>
      Promise.all([
        context.codec.decode(request.source, { maxPixels: context.maxPixels, declared: request.sourceType }),
        context.codec.decode(request.target, { maxPixels: context.maxPixels, declared: request.targetType }),
      ]),
    );

    const [sourceFaces, targetFaces] = await clock.stage('detect', async () => [
      await detectFaces(clock, detector, source, request.detector),
      await detectFaces(clock, detector, target, request.detector),
    ]);
    if (sourceFaces.length === 0) {
      throw inferenceError(InferenceErrorCode.NoSourceFace, 'No face was found in the source image.');
    }
    const sourceFace = sourceFaces.reduce((a, b) => (boxArea(b.box) > boxArea(a.box) ? b : a));

    const [sourceComplete, ...targetComplete] = await clock.stage('landmark', async () => {
      const all = [sourceFace, ...targetFaces];
      const images = [source, ...targetFaces.map(() => target)];
      const out: DetectedFace[] = [];
      for (let i = 0; i < all.length; i++)
        out.push(await completeLandmarks(clock, all[i], images[i], landmarker, request));
      return out;
    });

    const mode = request.selection ?? { mode: 'all' as const };
    const embeddings: FaceEmbedding[] = [];
    const sourceEmbedding = await clock.stage('embed', async () => {
      const own = await embedFace(clock, recognizer, source, sourceComplete.landmarks5);
      if (mode.mode === 'reference') {
        for (const face of targetComplete) embeddings.push(await embedFace(clock, recognizer, target, face.landmarks5));
      }
      return own;
    });

    const selected = new Set(
      selectFaces(
        targetComplete.map((f) => f.box),
        mode,
        embeddings.map((e) => e.normed),
      ),
    );
    const latent = sourceLatent(swapper, sourceEmbedding);
    const faces: FusionFace[] = targetComplete.map((face, i) => ({
      box: face.box,
      score: face.score,
      landmarks5: face.landmarks5,
      landmarkSource: face.landmarkSource,
      similarity:
        mode.mode === 'reference' ? cosineSimilarity(embeddings[i].normed, mode.referenceEmbedding) : undefined,
      swapped: selected.has(i),
    }));

    const frame: RgbImage = { width: target.width, height: target.height, data: target.data };
    const order = [...selected];
    let mask: Float32Array | null = null;
    for (let n = 0; n < order.length; n++) {
      const face = targetComplete[order[n]];
      // Every face is aligned on the frame as pasted so far, as FaceFusion chains its swaps.
      const aligned = await clock.stage('align', () => alignForSwap(swapper, frame, face.landmarks5));
      const swapped = await clock.stage('swap', () => swapFace(clock, swapper, aligned, latent));
      await clock.stage('paste', () => {
        mask ??= createBoxMask(aligned.size, request.maskBlur ?? DEFAULT_MASK_BLUR);
        pasteBack(frame, swapped, mask, aligned.size, aligned.matrix);
      });
      onProgress({ type: 'face', index: n + 1, total: order.length, elapsedMs: clock.elapsed() });
    }

    const output = payload ? await clock.stage('watermark', () => embedWatermark(frame, payload)) : frame;
    const image = await clock.stage('encode', () =>
      context.codec.encode(output, target.format, { quality: request.quality }),
    );
    clock.timings.total = clock.elapsed();
    return {
      image,
      format: target.format,
      width: target.width,
      height: target.height,
      faces,
      sourceEmbedding: Array.from(sourceEmbedding.normed),
      timings: clock.timings,
      executionProvider: swapper.provider,
      codec: context.codec.name,
      watermarked: !!payload,
    };
  } finally {
    for (const ref of acquired) context.sessions.release(ref);
  }
}

async function completeLandmarks(
  runner: ModelRunner,
  face: { box: DetectedFace['box']; score: number; landmarks5: Point[] | null },
  image: RgbImage,
  landmarker: LoadedModel | undefined,
  request: FusionRequest,
): Promise<DetectedFace> {
  if (landmarker && (!face.landmarks5 || request.preferLandmarker)) {
    const result = await detectLandmarks68(runner, landmarker, image, face.box);
    if (result.score >= (request.landmarkerScore ?? 0.5)) {
      return {
        box: face.box,
        score: face.score,
        landmarks5: landmarks68To5(result.points),
        landmarkSource: 'landmarker',
      };
    }
  }
  if (face.landmarks5)
    return { box: face.box, score: face.score, landmarks5: face.landmarks5, landmarkSource: 'detector' };
  return { box: face.box, score: face.score, landmarks5: landmarksFromBox(face.box), landmarkSource: 'box' };
}

const KIND_BY_SLOT = {
  detector: 'detector',
  landmarker: 'landmarker',
  recognizer: 'recognizer',
  swapper: 'swapper',
} as const;

function validateRequest(request: FusionRequest): void {
  const problems: string[] = [];
  if (!(request.source instanceof Uint8Array)) problems.push('source must be bytes');
  if (!(request.target instanceof Uint8Array)) problems.push('target must be bytes');
  for (const slot of ['detector', 'recognizer', 'swapper'] as const) {
    if (!request.models?.[slot]) problems.push(`models.${slot} is required`);
  }
  for (const slot of Object.keys(KIND_BY_SLOT) as Array<keyof typeof KIND_BY_SLOT>) {
    const ref = request.models?.[slot];
    if (!ref) continue;
    if (ref.kind !== KIND_BY_SLOT[slot]) problems.push(`models.${slot} has kind ${ref.kind}`);
    if (!/^[0-9a-fA-F]{64}$/.test(ref.sha256 ?? '')) problems.push(`models.${slot}.sha256 must be 64 hex digits`);
  }
  if (request.selection?.mode === 'reference' && !Array.isArray(request.selection.referenceEmbedding)) {
    problems.push('selection.referenceEmbedding is required in reference mode');
  }
  if (problems.length > 0) {
    throw inferenceError(InferenceErrorCode.RequestInvalid, `Invalid inference request: ${problems.join('; ')}.`, {
      problems,
    });
  }
}
