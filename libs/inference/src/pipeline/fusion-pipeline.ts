import { stat } from 'node:fs/promises';
import type * as ort from 'onnxruntime-node';
import type { DetectedFace, ModelRef, Point, RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import type { ImageCodec } from '../image/image-codec.js';
import { resizeBilinear } from '../image/image-ops.js';
import { boxArea } from '../geometry/affine.js';
import { detectFaces } from '../models/detectors.js';
import {
  detectLandmarks68,
  estimateFaceAngle,
  type FaceAngle,
  landmarks68To5,
  landmarksFromBox,
} from '../models/landmarks.js';
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
import { selectFaces, sortFaces } from './face-selection.js';
import { enhanceFace } from '../processors/face-enhancer.js';
import { enhanceFrame } from '../processors/frame-enhancer.js';
import type {
  FusionFace,
  FusionProgress,
  FusionRequest,
  FusionResult,
  FusionStage,
  FusionTimings,
  ProcessorStep,
} from './fusion.types.js';
import { FUSION_STAGES, PROCESSOR_NAMES } from './fusion.types.js';
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
  const steps = processorsOf(request);
  const swaps = steps.some((s) => s.processor === 'face_swapper');
  const findsFaces = swaps || steps.some((s) => s.processor === 'face_enhancer');
  // Face masks shape the swapper's paste-back; the face enhancer pastes with its box mask alone.
  const masking = faceMaskOf(request);
  // One entry per step (none for the swap, whose models are the request's), so step i uses processorModels[i].
  const stepModels = steps.map((s) => (s.processor === 'face_swapper' ? undefined : s.model));
  const refs = [
    request.models.detector,
    request.models.recognizer,
    request.models.swapper,
    request.models.landmarker,
    swaps && masking.occlusion ? request.faceMask?.occluder : undefined,
    swaps && masking.region ? request.faceMask?.parser : undefined,
    ...stepModels,
  ];
  await assertWithinBudget(
    refs.filter((r): r is ModelRef => !!r),
    context.sessions.budgetBytes,
  );
  const acquired: ModelRef[] = [];
  try {
    const [detector, recognizer, swapper, landmarker, occluder, parser, ...processorModels] = await Promise.all(
      refs.map(async (ref) => {
        if (!ref) return undefined;
        const model = await context.sessions.acquire(ref);
        acquired.push(ref);
        return model;
      }),
    );
    const payload = request.watermark ? parsePayload(request.watermark.payload) : null;

    const sourceBytes = swaps ? [request.source!, ...(request.moreSources ?? [])] : [];
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

    const [targetFaces, ...sourceFaceLists] = findsFaces
      ? await clock.stage('detect', async () => {
          const found = [await detectFaces(clock, detector!, target, request.detector)];
          for (const source of sources) found.push(await detectFaces(clock, detector!, source, request.detector));
          return found;
        })
      : [[]];
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
    if (findsFaces && targetFaces.length === 0 && request.requireTargetFace) {
      throw inferenceError(InferenceErrorCode.NoTargetFace, 'No face was found in the target image.');
    }

    const completed = findsFaces
      ? await clock.stage('landmark', async () => {
          const all = [...sourceFaces, ...targetFaces];
          const images = [...sources, ...targetFaces.map(() => target)];
          const out: CompletedFace[] = [];
          for (let i = 0; i < all.length; i++)
            out.push(await completeLandmarks(clock, all[i], images[i], landmarker, request));
          return out;
        })
      : [];
    const sourceComplete = completed.slice(0, sources.length);
    const targetComplete = completed.slice(sources.length);

    const mode = request.selection ?? { mode: 'all' as const };
    const embeddings: FaceEmbedding[] = [];
    const sourceEmbedding =
      swaps || mode.mode === 'reference'
        ? await clock.stage('embed', async () => {
            const own: FaceEmbedding[] = [];
            for (let i = 0; i < sources.length; i++)
              own.push(await embedFace(clock, recognizer!, sources[i], sourceComplete[i].landmarks5));
            if (mode.mode === 'reference') {
              for (const face of targetComplete)
                embeddings.push(await embedFace(clock, recognizer!, target, face.landmarks5));
            }
            return own.length > 0 ? averageEmbedding(own) : null;
          })
        : null;

    const selection = resolveReference(mode, targetComplete, embeddings);
    const swapOrder = selectFaces(
      targetComplete,
      selection,
      embeddings.map((e) => e.normed),
    );
    const selected = new Set(swapOrder);
    const faces: FusionFace[] = targetComplete.map((face, i) => ({
      box: face.box,
      score: face.score,
      landmarks5: face.landmarks5,
      landmarkSource: face.landmarkSource,
      angle: face.angle,
      ...(face.landmarkerScore !== undefined ? { landmarkerScore: face.landmarkerScore } : {}),
      similarity:
        selection.mode === 'reference' && 'referenceEmbedding' in selection
          ? cosineSimilarity(embeddings[i].normed, selection.referenceEmbedding)
          : undefined,
      ...(selection.mode === 'reference' ? { embedding: Array.from(embeddings[i].normed) } : {}),
      swapped: swaps && selected.has(i),
    }));

    let frame: RgbImage = { width: target.width, height: target.height, data: target.data };
    // Faces are found once on the target; a frame enhancer earlier in the chain scales them, as FaceFusion's scale_face.
    let scale = 1;
    const landmarksOf = (face: DetectedFace): Point[] => face.landmarks5.map(([x, y]) => [x * scale, y * scale]);
    const order = swapOrder;
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s];
      if (step.processor === 'face_swapper') {
        const latent = sourceLatent(swapper!, sourceEmbedding!);
        let boxMask: Float32Array | null = null;
        for (let n = 0; n < order.length; n++) {
          const landmarks = landmarksOf(targetComplete[order[n]]);
          // Every face is aligned on the frame as pasted so far, as FaceFusion chains its swaps.
          const aligned = await clock.stage('align', () => alignForSwap(swapper!, frame, landmarks));
          const swapped = await clock.stage('swap', () => swapFace(clock, swapper!, aligned, latent));
          const faceMasks: Float32Array[] = [];
          if (occluder || parser) {
            await clock.stage('mask', async () => {
              // As FaceFusion: occlusion is read from the target's crop, regions from the swapped one.
              if (occluder)
                faceMasks.push(await createOcclusionMask(clock, occluder, cropToImage(aligned.crop, aligned.size)));
              if (parser)
                faceMasks.push(
                  await createRegionMask(clock, parser, cropToImage(swapped, aligned.size), masking.regions),
                );
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
      } else if (step.processor === 'face_enhancer') {
        for (const index of order) {
          await clock.stage('enhance_face', () =>
            enhanceFace(clock, processorModels[s]!, frame, landmarksOf(targetComplete[index]), {
              blend: step.blend,
              weight: step.weight,
              maskBlur: masking.blur,
            }),
          );
        }
      } else {
        const before = frame.width;
        frame = await clock.stage('enhance_frame', () =>
          enhanceFrame(clock, processorModels[s]!, frame, { blend: step.blend, onTile: () => clock.checkCancelled() }),
        );
        scale *= frame.width / before;
      }
    }

    clock.checkCancelled();
    // Below the smallest size the mark is claimed for, the output stays unmarked and says why.
    const support = payload ? watermarkSupport(frame.width, frame.height) : null;
    const output =
      payload && support?.supported ? await clock.stage('watermark', () => embedWatermark(frame, payload)) : frame;
    const format = request.outputFormat ?? target.format;
    // The target's transparency (PNG and WebP outputs; scaled with the frame after a frame enhancer)
    // and colour profile go back on.
    const alpha = alphaAt(target.alpha, target, output);
    const image = await clock.stage('encode', () =>
      context.codec.encode({ ...output, alpha, icc: target.icc }, format, { quality: request.quality }),
    );
    clock.timings.total = clock.elapsed();
    const used = swapper ?? processorModels.find((m) => m) ?? detector;
    return {
      image,
      format,
      width: frame.width,
      height: frame.height,
      faces,
      sourceEmbedding: sourceEmbedding ? Array.from(sourceEmbedding.normed) : [],
      ...(selection.mode === 'reference' && 'referenceEmbedding' in selection
        ? { referenceEmbedding: selection.referenceEmbedding }
        : {}),
      timings: clock.timings,
      executionProvider: used?.provider ?? 'cpu',
      codec: context.codec.name,
      watermarked: output !== frame,
      ...(support && !support.supported ? { watermarkReason: support.reason } : {}),
    };
  } finally {
    for (const ref of acquired) context.sessions.release(ref);
  }
}

/** An alpha plane of `from`'s size at `to`'s size (bilinear, as the frame enhancer scales the frame). */
function alphaAt(
  alpha: Uint8Array | undefined,
  from: { width: number; height: number },
  to: { width: number; height: number },
): Uint8Array | undefined {
  if (!alpha || (from.width === to.width && from.height === to.height)) return alpha;
  const grey = new Uint8Array(alpha.length * 3);
  for (let i = 0; i < alpha.length; i++) grey[i * 3] = alpha[i];
  const scaled = resizeBilinear({ width: from.width, height: from.height, data: grey }, to.width, to.height).data;
  const out = new Uint8Array(to.width * to.height);
  for (let i = 0; i < out.length; i++) out[i] = scaled[i * 3];
  return out;
}

/** The request's processors, defaulting to a lone face swap. */
function processorsOf(request: FusionRequest): ProcessorStep[] {
  return request.processors ?? [{ processor: 'face_swapper' }];
}

/** Turns `referenceFaceIndex` (over the target's faces in `order`, default large→small) into that face's embedding. */
function resolveReference(
  mode: NonNullable<FusionRequest['selection']>,
  faces: DetectedFace[],
  embeddings: FaceEmbedding[],
): NonNullable<FusionRequest['selection']> {
  if (mode.mode !== 'reference' || 'referenceEmbedding' in mode) return mode;
  const index = sortFaces(faces, mode.order ?? 'large-small')[mode.referenceFaceIndex];
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

/** A face with its five landmarks, where they came from, its roll and the landmarker's score. */
type CompletedFace = DetectedFace & { angle: FaceAngle; landmarkerScore?: number };

/**
 * FaceFusion's `create_faces`: the face's roll is estimated from the detector's landmarks; with a
 * landmarker configured it runs on the face turned upright, and its 68→5 points replace the
 * detector's when its score is strictly above `landmarkerScore` (default 0.5). Without landmarks
 * from either, the template is placed on the box.
 */
async function completeLandmarks(
  runner: ModelRunner,
  face: { box: DetectedFace['box']; score: number; landmarks5: Point[] | null },
  image: RgbImage,
  landmarker: LoadedModel | undefined,
  request: FusionRequest,
): Promise<CompletedFace> {
  const angle = face.landmarks5 ? estimateFaceAngle(face.landmarks5) : 0;
  let landmarkerScore: number | undefined;
  if (landmarker && (!face.landmarks5 || request.preferLandmarker !== false)) {
    const result = await detectLandmarks68(runner, landmarker, image, face.box, angle);
    landmarkerScore = result.score;
    if (result.score > (request.landmarkerScore ?? 0.5)) {
      return {
        box: face.box,
        score: face.score,
        landmarks5: landmarks68To5(result.points),
        landmarkSource: 'landmarker',
        angle,
        landmarkerScore,
      };
    }
  }
  const base = { box: face.box, score: face.score, angle, landmarkerScore };
  if (face.landmarks5) return { ...base, landmarks5: face.landmarks5, landmarkSource: 'detector' };
  return { ...base, landmarks5: landmarksFromBox(face.box), landmarkSource: 'box' };
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

const STEP_KINDS = { face_enhancer: 'face_enhancer', frame_enhancer: 'frame_enhancer' } as const;

function validateRequest(request: FusionRequest): void {
  const problems: string[] = [];
  const steps: unknown = request.processors ?? [{ processor: 'face_swapper' }];
  const names: string[] = [];
  if (!Array.isArray(steps) || steps.length === 0) problems.push('processors must be a non-empty list');
  else {
    steps.forEach((raw: unknown, i) => {
      const step = (raw ?? {}) as Partial<ProcessorStep> & { model?: ModelRef; blend?: unknown; weight?: unknown };
      const name = step.processor as string;
      if (!(PROCESSOR_NAMES as readonly string[]).includes(name)) {
        problems.push(`processors[${i}].processor must be one of ${PROCESSOR_NAMES.join(', ')}`);
        return;
      }
      if (names.includes(name)) problems.push(`processors[${i}]: ${name} is listed twice`);
      names.push(name);
      if (name === 'face_swapper') return;
      const kind = STEP_KINDS[name as keyof typeof STEP_KINDS];
      if (!step.model) problems.push(`processors[${i}].model is required`);
      else {
        if (step.model.kind !== kind) problems.push(`processors[${i}].model has kind ${step.model.kind}, not ${kind}`);
        if (!/^[0-9a-fA-F]{64}$/.test(step.model.sha256 ?? ''))
          problems.push(`processors[${i}].model.sha256 must be 64 hex digits`);
      }
      if (step.blend !== undefined && !(typeof step.blend === 'number' && step.blend >= 0 && step.blend <= 100))
        problems.push(`processors[${i}].blend must be a number from 0 to 100`);
      if (step.weight !== undefined && !(typeof step.weight === 'number' && step.weight >= 0 && step.weight <= 1))
        problems.push(`processors[${i}].weight must be a number from 0 to 1`);
    });
  }
  const swaps = names.includes('face_swapper');
  if (swaps && !(request.source instanceof Uint8Array)) problems.push('source must be bytes');
  if (request.moreSources && !request.moreSources.every((s) => s instanceof Uint8Array))
    problems.push('moreSources must be a list of byte arrays');
  if (!(request.target instanceof Uint8Array)) problems.push('target must be bytes');
  const needed = [
    ...(swaps || names.includes('face_enhancer') ? (['detector'] as const) : []),
    ...(swaps || request.selection?.mode === 'reference' ? (['recognizer'] as const) : []),
    ...(swaps ? (['swapper'] as const) : []),
  ];
  for (const slot of needed) {
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
  const filters = request.selectorFilters;
  if (filters && Object.values(filters).some((v) => v !== undefined)) {
    problems.push(
      `face selector filters (${Object.keys(filters).join(', ')}) need a face classifier model, which this engine does not run`,
    );
  }
  if (problems.length > 0) {
    throw inferenceError(InferenceErrorCode.RequestInvalid, `Invalid inference request: ${problems.join('; ')}.`, {
      problems,
    });
  }
}
