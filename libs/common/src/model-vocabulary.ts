/**
 * The one vocabulary of model kinds, families and stages, shared by the registry (what may be
 * uploaded) and the inference engine (what it can run): a kind or family exists here only when the
 * engine runs it.
 */

/** Lifecycle stages of a model version. */
export const MODEL_STAGES = ['draft', 'staging', 'production', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** The pipeline role of a model. */
export const MODEL_KINDS = [
  'face_detector',
  'face_landmarker',
  'face_recognizer',
  'face_swapper',
  'face_enhancer',
  'frame_enhancer',
  'face_occluder',
  'face_parser',
] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** Each family the engine speaks (FaceFusion's names) and the kind it belongs to. */
export const MODEL_FAMILY_KINDS = {
  yoloface: 'face_detector',
  scrfd: 'face_detector',
  retinaface: 'face_detector',
  yunet: 'face_detector',
  ultraface: 'face_detector',
  '2dfan4': 'face_landmarker',
  arcface: 'face_recognizer',
  inswapper: 'face_swapper',
  hyperswap: 'face_swapper',
  gfpgan: 'face_enhancer',
  gpen_bfr: 'face_enhancer',
  restoreformer: 'face_enhancer',
  codeformer: 'face_enhancer',
  real_esrgan: 'frame_enhancer',
  xseg: 'face_occluder',
  bisenet: 'face_parser',
} as const satisfies Record<string, ModelKind>;
export type ModelFamily = keyof typeof MODEL_FAMILY_KINDS;
export type DetectorFamily = {
  [F in ModelFamily]: (typeof MODEL_FAMILY_KINDS)[F] extends 'face_detector' ? F : never;
}[ModelFamily];

export const MODEL_FAMILY_NAMES = Object.keys(MODEL_FAMILY_KINDS) as ModelFamily[];

export const isModelKind = (value: unknown): value is ModelKind =>
  typeof value === 'string' && (MODEL_KINDS as readonly string[]).includes(value);

export const isModelFamily = (value: unknown): value is ModelFamily =>
  typeof value === 'string' && Object.hasOwn(MODEL_FAMILY_KINDS, value);

/** The families a kind of model may have. */
export const familiesOfKind = (kind: ModelKind): ModelFamily[] =>
  MODEL_FAMILY_NAMES.filter((f) => MODEL_FAMILY_KINDS[f] === kind);
