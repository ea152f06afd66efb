import { stat } from 'node:fs/promises';
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
import {
  createOcclusionMask,
  createRegionMask,
  cropToImage,
  FACE_MASK_REGIONS,
  FACE_MASK_TYPES,
  minimumMask,
} from '../models/face-masker.js';
import { embedWatermark, parsePayload, watermarkSupport } from '../watermark/watermark.js';
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

  constructor(
    private readonly onProgress: (event: FusionProgress) => void,
    private readonly cancel?: Int32Array,
  ) {
    this.timings = Object.fromEntries([...FUSION_STAGES, 'total', 'sessionRun'].map((k) => [k, 0])) as FusionTimings;
  }

  elapsed(): number {
    return performance.now() - this.started;
  }

  /** Throws `fusion_cancelled` once the caller has raised the cancellation flag. */
  checkCancelled(): void {
    const reason = this.cancel ? Atomics.load(this.cancel, 0) : 0;
    if (reason !== 0) {
      throw inferenceError(InferenceErrorCode.Cancelled, 'The fusion was stopped before it finished.', { reason });
    }
  }

  async stage<T>(stage: FusionStage, work: () => Promise<T> | T): Promise<T> {
    this.checkCancelled();
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
  const clock = new StageClock(onProgress, request.cancel);
  const masking = faceMaskOf(request);
  const slots = {
    detector: request.models.detector,
    recognizer: request.models.recognizer,
    swapper: request.models.swapper,
    landmarker: request.models.landmarker,
    occluder: masking.occlusion ? request.faceMask?.occluder : undefined,
    parser: masking.region ? request.faceMask?.parser : undefined,
  };
  const refs = Object.values(slots).filter((r): r is ModelRef => !!r);
  await assertWithinBudget(refs, context.sessions.budgetBytes);
  const acquired: ModelRef[] = [];
  try {
    const loaded: Partial<Record<keyof typeof slots, LoadedModel>> = {};
    await Promise.all(
      (Object.entries(slots) as Array<[keyof typeof slots, ModelRef | undefined]>).map(async ([slot, ref]) => {
        if (!ref) return;
        loaded[slot] = await context.sessions.acquire(ref);
        acquired.push(ref);
      }),
    );
    const { detector, recognizer, swapper, landmarker, occluder, parser } = loaded as typeof loaded &
      Record<'detector' | 'recognizer' | 'swapper', LoadedModel>;
    const payload = request.watermark ? parsePayload(request.watermark.payload) : null;

    const sourceBytes = [request.source, ...(request.moreSources ?? [])];
    const [target, ...sources] = await clock.stage('decode', () =>
      Promise.all([
        context.codec.decode(request.target, { maxPixels: context.maxPixels, declared: request.targetType }),
        ...sourceBytes.map((bytes, i) =>
          context.codec.decode(bytes, {
            maxPixels: context.maxPixels,
            declared: i === 0 ? request.sourceType : undefined,
          }),
        ),
      ]),
    );

    const [targetFaces, ...sourceFaceLists] = await clock.stage('detect', async () => {
      const found = [await detectFaces(clock, detector, target, request.detector)];
      for (const source of sources) found.push(await detectFaces(clock, detector, source, request.detector));
      return found;
    });
    const sourceFaces = sourceFaceLists.map((faces, i) => {
      if (faces.length === 0) {
        throw inferenceError(
          InferenceErrorCode.NoSourceFace,
          sources.length > 1 ? `No face was found in source image ${i + 1}.` : 'No face was found in the source image.',
          { sourceIndex: i },
        );
      }
      return faces.reduce((a, b) => (boxArea(b.box) > boxArea(a.box) ? b : a));
    });
    if (targetFaces.length === 0 && request.requireTargetFace) {
      throw inferenceError(InferenceErrorCode.NoTargetFace, 'No face was found in the target image.');
    }

    const completed = await clock.stage('landmark', async () => {
      const all = [...sourceFaces, ...targetFaces];
      const images = [...sources, ...targetFaces.map(() => target)];
      const out: DetectedFace[] = [];
      for (let i = 0; i < all.length; i++)
        out.push(await completeLandmarks(clock, all[i], images[i], landmarker, request));
      return out;
    });
    const sourceComplete = completed.slice(0, sources.length);
    const targetComplete = completed.slice(sources.length);

    const mode = request.selection ?? { mode: 'all' as const };
    const embeddings: FaceEmbedding[] = [];
    const sourceEmbedding = await clock.stage('embed', async () => {
      const own: FaceEmbedding[] = [];
      for (let i = 0; i < sources.length; i++)
        own.push(await embedFace(clock, recognizer, sources[i], sourceComplete[i].landmarks5));
      if (mode.mode === 'reference') {
        for (const face of targetComplete) embeddings.push(await embedFace(clock, recognizer, target, face.landmarks5));
      }
      return averageEmbedding(own);
    });

    const selection = resolveReference(mode, targetComplete, embeddings);
    const selected = new Set(
      selectFaces(
        targetComplete.map((f) => f.box),
        selection,
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
        selection.mode === 'reference' && 'referenceEmbedding' in selection
          ? cosineSimilarity(embeddings[i].normed, selection.referenceEmbedding)
          : undefined,
      swapped: selected.has(i),
    }));

    const frame: RgbImage = { width: target.width, height: target.height, data: target.data };
    const order = [...selected];
    let boxMask: Float32Array | null = null;
    for (let n = 0; n < order.length; n++) {
      const face = targetComplete[order[n]];
      // Every face is aligned on the frame as pasted so far, as FaceFusion chains its swaps.
      const aligned = await clock.stage('align', () => alignForSwap(swapper, frame, face.landmarks5));
      const swapped = await clock.stage('swap', () => swapFace(clock, swapper, aligned, latent));
      const faceMasks: Float32Array[] = [];
      if (occluder || parser) {
        await clock.stage('mask', async () => {
          // As FaceFusion: occlusion is read from the target's crop, regions from the swapped one.
          if (occluder)
            faceMasks.push(await createOcclusionMask(clock, occluder, cropToImage(aligned.crop, aligned.size)));
          if (parser)
            faceMasks.push(await createRegionMask(clock, parser, cropToImage(swapped, aligned.size), masking.regions));
        });
      }
      await clock.stage('paste', () => {
        if (masking.box) boxMask ??= createBoxMask(aligned.size, masking.blur, masking.padding);
        const mask =
          boxMask && faceMasks.length === 0 ? boxMask : minimumMask(boxMask ? [boxMask, ...faceMasks] : faceMasks);
        pasteBack(frame, swapped, mask, aligned.size, aligned.matrix);
      });
      onProgress({ type: 'face', index: n + 1, total: order.length, elapsedMs: clock.elapsed() });
    }

    clock.checkCancelled();
    // Below the smallest size the mark is claimed for, the output stays unmarked and says why.
    const support = payload ? watermarkSupport(frame.width, frame.height) : null;
    const output =
      payload && support?.supported ? await clock.stage('watermark', () => embedWatermark(frame, payload)) : frame;
    const format = request.outputFormat ?? target.format;
    const image = await clock.stage('encode', () => context.codec.encode(output, format, { quality: request.quality }));
    clock.timings.total = clock.elapsed();
    return {
      image,
      format,
      width: target.width,
      height: target.height,
      faces,
      sourceEmbedding: Array.from(sourceEmbedding.normed),
      timings: clock.timings,
      executionProvider: swapper.provider,
      codec: context.codec.name,
      watermarked: output !== frame,
      ...(support && !support.supported ? { watermarkReason: support.reason } : {}),
    };
  } finally {
    for (const ref of acquired) context.sessions.release(ref);
  }
}

/** Turns `referenceFaceIndex` (over the target's faces, large→small) into that face's embedding. */
function resolveReference(
  mode: NonNullable<FusionRequest['selection']>,
  faces: DetectedFace[],
  embeddings: FaceEmbedding[],
): NonNullable<FusionRequest['selection']> {
  if (mode.mode !== 'reference' || 'referenceEmbedding' in mode) return mode;
  const order = faces.map((_, i) => i).sort((a, b) => boxArea(faces[b].box) - boxArea(faces[a].box));
  const index = order[mode.referenceFaceIndex];
  if (index === undefined) {
    throw inferenceError(
      InferenceErrorCode.NoTargetFace,
      `The target has ${faces.length} face(s); there is no reference face at index ${mode.referenceFaceIndex}.`,
      { faces: faces.length, referenceFaceIndex: mode.referenceFaceIndex },
    );
  }
  return {
    mode: 'reference',
    referenceEmbedding: Array.from(embeddings[index].normed),
    referenceDistance: mode.referenceDistance,
  };
}

/** Refuses a run whose own models could not be loaded together without exceeding the budget. */
async function assertWithinBudget(refs: ModelRef[], budget: number): Promise<void> {
  const unique = new Map(refs.map((r) => [r.sha256.toLowerCase(), r.path]));
  let needed = 0;
  for (const path of unique.values())
    needed += await stat(path).then(
      (s) => s.size,
      () => 0,
    );
  if (needed > budget) {
    throw inferenceError(
      InferenceErrorCode.ModelMemoryBudgetExceeded,
      `The models of this fusion need ${needed} bytes loaded at once; a pipeline may hold ${budget}.`,
      { neededBytes: needed, budgetBytes: budget },
    );
  }
}

/** FaceFusion's average face: the mean of the raw and of the normalised embeddings. */
function averageEmbedding(embeddings: FaceEmbedding[]): FaceEmbedding {
  if (embeddings.length === 1) return embeddings[0];
  const mean = (pick: (e: FaceEmbedding) => Float32Array): Float32Array => {
    const out = new Float32Array(pick(embeddings[0]).length);
    for (const e of embeddings) {
      const v = pick(e);
      for (let i = 0; i < out.length; i++) out[i] += v[i] / embeddings.length;
    }
    return out;
  };
  return { embedding: mean((e) => e.embedding), normed: mean((e) => e.normed) };
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

/** The request's face mask settings with FaceFusion's defaults filled in. */
function faceMaskOf(request: FusionRequest) {
  const options = request.faceMask ?? {};
  const types = new Set(options.types ?? ['box']);
  return {
    box: types.has('box'),
    occlusion: types.has('occlusion'),
    region: types.has('region'),
    blur: options.blur ?? request.maskBlur ?? DEFAULT_MASK_BLUR,
    padding: options.padding ?? ([0, 0, 0, 0] as const),
    regions: options.regions ?? FACE_MASK_REGIONS,
  };
}

function validateFaceMask(mask: FusionRequest['faceMask'], problems: string[]): void {
  if (mask === undefined) return;
  if (mask === null || typeof mask !== 'object') {
    problems.push('faceMask must be an object');
    return;
  }
  const { types, blur, padding, regions } = mask;
  if (
    types !== undefined &&
    (!Array.isArray(types) ||
      types.length === 0 ||
      new Set(types).size !== types.length ||
      !types.every((t) => (FACE_MASK_TYPES as readonly string[]).includes(t)))
  ) {
    problems.push(`faceMask.types must be distinct values of ${FACE_MASK_TYPES.join(', ')}`);
  }
  if (blur !== undefined && !(typeof blur === 'number' && blur >= 0 && blur <= 1)) {
    problems.push('faceMask.blur must be a number from 0 to 1');
  }
  if (
    padding !== undefined &&
    !(Array.isArray(padding) && padding.length === 4 && padding.every((p) => Number.isInteger(p) && p >= 0 && p <= 100))
  ) {
    problems.push('faceMask.padding must be four integers from 0 to 100 (top, right, bottom, left)');
  }
  if (
    regions !== undefined &&
    (!Array.isArray(regions) ||
      regions.length === 0 ||
      !regions.every((r) => (FACE_MASK_REGIONS as readonly string[]).includes(r)))
  ) {
    problems.push(`faceMask.regions must be values of ${FACE_MASK_REGIONS.join(', ')}`);
  }
  const wanted = Array.isArray(types) ? types : ['box'];
  for (const [type, slot, kind] of [
    ['occlusion', 'occluder', 'face_occluder'],
    ['region', 'parser', 'face_parser'],
  ] as const) {
    const ref = mask[slot];
    if (!wanted.includes(type)) continue;
    if (!ref) problems.push(`faceMask.${slot} is required for ${type} masks`);
    else if (ref.kind !== kind) problems.push(`faceMask.${slot} has kind ${ref.kind}`);
    else if (!/^[0-9a-fA-F]{64}$/.test(ref.sha256 ?? ''))
      problems.push(`faceMask.${slot}.sha256 must be 64 hex digits`);
  }
}

const KIND_BY_SLOT = {
  detector: 'face_detector',
  landmarker: 'face_landmarker',
  recognizer: 'face_recognizer',
  swapper: 'face_swapper',
} as const;

function validateRequest(request: FusionRequest): void {
  const problems: string[] = [];
  if (!(request.source instanceof Uint8Array)) problems.push('source must be bytes');
  if (request.moreSources && !request.moreSources.every((s) => s instanceof Uint8Array))
    problems.push('moreSources must be a list of byte arrays');
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
  validateFaceMask(request.faceMask, problems);
  const selection = request.selection;
  if (
    selection?.mode === 'reference' &&
    !('referenceEmbedding' in selection && Array.isArray(selection.referenceEmbedding)) &&
    !(
      'referenceFaceIndex' in selection &&
      Number.isSafeInteger(selection.referenceFaceIndex) &&
      selection.referenceFaceIndex >= 0
    )
  ) {
    problems.push('selection.referenceEmbedding or selection.referenceFaceIndex is required in reference mode');
  }
  if (problems.length > 0) {
    throw inferenceError(InferenceErrorCode.RequestInvalid, `Invalid inference request: ${problems.join('; ')}.`, {
      problems,
    });
  }
}
