/**
 * Face-fusion inference: FaceFusion-compatible detection, alignment, recognition, swapping and
 * paste-back on onnxruntime-node, image codecs with decompression-bomb guards, and an invisible
 * watermark. Imports nothing from other libs but `common` (its error classes).
 *
 * Entry point for applications: {@link FaceFusionEngine}.
 */
export { FaceFusionEngine } from './face-fusion.engine.js';
export type { FaceFusionEngineOptions, FaceFusionRunRequest } from './face-fusion.engine.js';
export type {
  Affine,
  BoundingBox,
  DetectedFace,
  DetectorFamily,
  ImageFormat,
  LandmarkSource,
  ModelFamily,
  ModelKind,
  ModelRef,
  Point,
  RgbImage,
  WarpTemplateName,
} from './inference.types.js';
export { InferenceErrorCode, inferenceError } from './inference.errors.js';
export type { InferenceErrorCodeValue } from './inference.errors.js';

export { FUSION_STAGES, PROCESSOR_NAMES } from './pipeline/fusion.types.js';
export type {
  FaceMaskOptions,
  FusionFace,
  FusionModels,
  FusionProgress,
  FusionRequest,
  FusionResult,
  FusionStage,
  FusionTimings,
  ProcessorName,
  ProcessorStep,
} from './pipeline/fusion.types.js';
export { runFusionPipeline } from './pipeline/fusion-pipeline.js';
export type { PipelineContext } from './pipeline/fusion-pipeline.js';
export { SessionCache } from './pipeline/session-cache.js';
export type { ExecutionProvider, SessionCacheEvent, SessionCacheOptions } from './pipeline/session-cache.js';
export type { SessionReport } from './pipeline/pipeline.worker.js';
export { DEFAULT_REFERENCE_DISTANCE, FACE_SELECTOR_ORDERS, selectFaces, sortFaces } from './pipeline/face-selection.js';
export type { FaceSelection, FaceSelectorOrder, SelectableFace } from './pipeline/face-selection.js';
export { createBoxMask, DEFAULT_MASK_BLUR, pasteArea, pasteBack } from './pipeline/paste-back.js';

export { DEFAULT_QUALITY } from './image/image-codec.js';
export { loadImageCodec } from './image/load-image-codec.js';
export type { CodecName, DecodedImage, EncodeOptions, ImageCodec } from './image/image-codec.js';
export { DEFAULT_MAX_PIXELS, mimeTypeOf, probeImage, sniffImageFormat } from './image/image-header.js';
export type { ImageHeader } from './image/image-header.js';
export { cropImage, gaussianBlur, resizeBilinear, toNchw, warpAffine } from './image/image-ops.js';
export type { TensorLayout } from './image/image-ops.js';

export {
  applyAffine,
  estimateAffinePartial2D,
  estimateSimilarity,
  invertAffine,
  iou,
  nonMaxSuppression,
} from './geometry/affine.js';
export { scaledTemplate, WARP_TEMPLATES } from './geometry/templates.js';

export { DETECTOR_SPECS, detectFaces, nmsThresholdFor, prepareDetectorInput } from './models/detectors.js';
export type { DetectorInput, DetectorOptions } from './models/detectors.js';
export {
  detectLandmarks68,
  estimateFaceAngle,
  landmarkerCrop,
  landmarks68To5,
  landmarksFromBox,
  rotateImage,
  rotationMatrixAndSize,
} from './models/landmarks.js';
export type { FaceAngle, LandmarkerCrop } from './models/landmarks.js';
export { cosineSimilarity, embedFace, l2Normalize } from './models/recognizer.js';
export type { FaceEmbedding } from './models/recognizer.js';
export { alignForSwap, sourceLatent, SWAPPER_SPECS, swapFace } from './models/swappers.js';
export {
  alignForEnhancer,
  DEFAULT_FACE_ENHANCER_BLEND,
  DEFAULT_FACE_ENHANCER_WEIGHT,
  enhanceFace,
  FACE_ENHANCER_LAYOUT,
  faceEnhancerGeometry,
  fromEnhancerOutput,
} from './processors/face-enhancer.js';
export {
  DEFAULT_FRAME_ENHANCER_BLEND,
  enhanceFrame,
  MAX_ENHANCED_PIXELS,
  tileLayout,
  tileStarts,
} from './processors/frame-enhancer.js';
export type { TileLayout } from './processors/frame-enhancer.js';
export {
  createOcclusionMask,
  createRegionMask,
  cropToImage,
  FACE_MASK_REGION_LABELS,
  FACE_MASK_REGIONS,
  FACE_MASK_TYPES,
  minimumMask,
  occluderInput,
  occlusionFromOutput,
  OCCLUDER_SIZE,
  PARSER_CLASSES,
  PARSER_SIZE,
  parserInput,
  regionFromOutput,
  resizeMask,
  smoothMask,
} from './models/face-masker.js';
export type { FaceMaskPadding, FaceMaskRegion, FaceMaskType } from './models/face-masker.js';
export { readLastInitializer } from './models/onnx-initializer.js';
export type { LoadedModel, ModelRunner } from './models/loaded-model.js';

export {
  detectWatermark,
  embedWatermark,
  MIN_WATERMARK_LONG_SIDE,
  MIN_WATERMARK_SHORT_SIDE,
  parsePayload,
  psnr,
  searchWatermark,
  watermarkSupport,
} from './watermark/watermark.js';
export type { WatermarkDetection, WatermarkSearch } from './watermark/watermark.js';
