import type { FaceSelection } from './face-selection.js';
import type { BoundingBox, ImageFormat, ModelRef, Point } from '../inference.types.js';
import type { DetectorOptions } from '../models/detectors.js';
import type { FaceMaskPadding, FaceMaskRegion, FaceMaskType } from '../models/face-masker.js';

/**
 * Model files of one pipeline. `detector` is needed by any face processor; `recognizer` and
 * `swapper` by a `face_swapper` step (the recognizer also by `reference` face selection).
 */
export interface FusionModels {
  detector?: ModelRef;
  /**
   * Optional `face_landmarker` model; run on every face, its points replace the detector's when its
   * score is above `landmarkerScore` (as FaceFusion does), unless `preferLandmarker` is false.
   */
  landmarker?: ModelRef;
  recognizer?: ModelRef;
  swapper?: ModelRef;
}

/**
 * One processor of a pipeline, as FaceFusion's `--processors`: they run in the given order on the
 * frame each leaves. Blends are 0–100 (0 keeps the frame, 100 the model's output; default 80).
 */
export type ProcessorStep =
  | { processor: 'face_swapper' }
  | { processor: 'face_enhancer'; model: ModelRef; blend?: number; weight?: number /* CodeFormer, 0–1, default 0.5 */ }
  | { processor: 'frame_enhancer'; model: ModelRef; blend?: number };
export type ProcessorName = ProcessorStep['processor'];
export const PROCESSOR_NAMES = ['face_swapper', 'face_enhancer', 'frame_enhancer'] as const satisfies ProcessorName[];

/** One face-fusion job: put the source image's face onto faces of the target image. */
export interface FusionRequest {
  /** Encoded source image (JPEG, PNG or WebP); its largest face is used. Needed by a `face_swapper` step. */
  source?: Uint8Array;
  /**
   * Further source images of the same person: the largest face of each (and of `source`) is
   * embedded and the embeddings averaged, as FaceFusion's average face does.
   */
  moreSources?: Uint8Array[];
  /** Encoded target image; the output keeps its format and size. */
  target: Uint8Array;
  /** Declared media types (e.g. upload Content-Type); a mismatch with the bytes is refused. */
  sourceType?: string;
  targetType?: string;
  models: FusionModels;
  /** Processors in order (default `[{ processor: 'face_swapper' }]`). */
  processors?: ProcessorStep[];
  detector?: DetectorOptions;
  /** The landmarker's points are used when its score is strictly above this (default 0.5, FaceFusion's). */
  landmarkerScore?: number;
  /** Run the landmarker also when the detector has landmarks (default true, FaceFusion's behaviour). */
  preferLandmarker?: boolean;
  /** Which target faces to swap and in which order (default: all, as detected). */
  selection?: FaceSelection;
  /**
   * FaceFusion's gender / age / race selector filters. They need a face classifier model, which
   * the engine does not run: a request that sets any is refused with `inference_request_invalid`.
   */
  selectorFilters?: { gender?: string; ageStart?: number; ageEnd?: number; race?: string };
  /** Box mask blur (default 0.3); `faceMask.blur` takes precedence. */
  maskBlur?: number;
  /** The mask each swapped face is pasted back through (default: FaceFusion's box mask). */
  faceMask?: FaceMaskOptions;
  /**
   * Embed an invisible 64-bit watermark (16 hex digits) into the output. Outputs below the smallest
   * supported size (long side 512 px, short side 288 px) stay unmarked: `watermarked: false` and a
   * `watermarkReason`.
   */
  watermark?: { payload: string };
  /** Encoder quality for JPEG/WebP output (default JPEG 80 as FaceFusion's `output_image_quality`, WebP 80). */
  quality?: number;
  /** Output format (default: the target's). */
  outputFormat?: ImageFormat;
  /**
   * Cancellation flag on a SharedArrayBuffer: once its first element is non-zero, the pipeline
   * stops at the next stage boundary with `fusion_cancelled` (the value is reported as `reason`).
   */
  cancel?: Int32Array;
  /** Fail with `no_target_face` when the target has no face (default: return the target unchanged, watermarked). */
  requireTargetFace?: boolean;
}

/**
 * FaceFusion's face masks: the chosen masks are combined by their minimum, so a pixel is pasted only
 * where every mask keeps it.
 */
export interface FaceMaskOptions {
  /** Which masks (default `['box']`). `occlusion` needs `occluder`, `region` needs `parser`. */
  types?: FaceMaskType[];
  /** Box mask blur, 0–1 (default 0.3). */
  blur?: number;
  /** Box mask padding in percent, top/right/bottom/left, each 0–100 (default 0). */
  padding?: FaceMaskPadding;
  /** Regions the region mask keeps (default all). */
  regions?: FaceMaskRegion[];
  /** `face_occluder` model (XSeg): hides what is in front of the face (hair, hands, glasses). */
  occluder?: ModelRef;
  /** `face_parser` model (BiSeNet): keeps only the chosen face regions. */
  parser?: ModelRef;
}

/** Pipeline stages, in order. */
export const FUSION_STAGES = [
  'decode',
  'detect',
  'landmark',
  'align',
  'embed',
  'swap',
  /** Occlusion and region masks (only when asked for). */
  'mask',
  'paste',
  'enhance_face',
  'enhance_frame',
  'watermark',
  'encode',
] as const;
export type FusionStage = (typeof FUSION_STAGES)[number];

/** Progress notifications: each stage's start and end, and each target face once swapped. */
export type FusionProgress =
  | { type: 'stage'; stage: FusionStage; status: 'start' | 'end'; elapsedMs: number }
  | { type: 'face'; index: number; total: number; elapsedMs: number };

/** A target face that was swapped (or considered). */
export interface FusionFace {
  box: BoundingBox;
  score: number;
  landmarks5: Point[];
  landmarkSource: 'detector' | 'landmarker' | 'box';
  /** The face's roll in quarter turns, estimated from its landmarks; the landmarker saw it turned upright. */
  angle: 0 | 90 | 180 | 270;
  /** The landmarker's score on this face, when a landmarker ran. */
  landmarkerScore?: number;
  /** Cosine similarity to the reference embedding, in `reference` selection mode. */
  similarity?: number;
  /** The face's L2-normalised embedding, in `reference` selection mode (to follow a person across video frames). */
  embedding?: number[];
  swapped: boolean;
}

/** Milliseconds per stage (summed over faces), plus totals. */
export type FusionTimings = Record<FusionStage, number> & {
  total: number;
  /** Time inside onnxruntime's `session.run`, summed over all models. */
  sessionRun: number;
};

export interface FusionResult {
  image: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
  faces: FusionFace[];
  /** The source face's L2-normalised embedding (for later `reference` selection); empty without a swap. */
  sourceEmbedding: number[];
  /** In `reference` mode, the embedding faces were compared with (resolved from `referenceFaceIndex` when given). */
  referenceEmbedding?: number[];
  timings: FusionTimings;
  executionProvider: 'cpu' | 'cuda';
  codec: 'sharp' | 'jimp';
  /** Whether the output carries the requested watermark. */
  watermarked: boolean;
  /** Why a requested watermark was not embedded (the image is below the smallest supported size). */
  watermarkReason?: string;
}
