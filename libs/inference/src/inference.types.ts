import type { DetectorFamily, ModelFamily, ModelKind } from '#libs/common/vocabulary';

/** Encoded image formats the engine reads and writes. */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** A decoded image: interleaved 8-bit RGB, row-major, no padding (`data.length === width * height * 3`). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
  /** Transparency, one byte per pixel, when the image has any; PNG and WebP encodes keep it. */
  alpha?: Uint8Array;
  /** The source's ICC colour profile (pixels are sRGB); the sharp codec converts back to it and attaches it. */
  icc?: Uint8Array;
}

/** A point in image pixel coordinates (x right, y down; pixel centres at integer coordinates). */
export type Point = [number, number];

/** Axis-aligned box in pixel coordinates, `x1 < x2`, `y1 < y2`. */
export interface BoundingBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type { DetectorFamily, ModelFamily, ModelKind };

/** A model file the pipeline should load: its bytes are checked against `sha256` before use. */
export interface ModelRef {
  /** Absolute or working-directory-relative path of the `.onnx` file. */
  path: string;
  /** Lower-case hex SHA-256 of the file; the session cache is keyed by it. */
  sha256: string;
  family: ModelFamily;
  kind: ModelKind;
}

/** Where a face's five landmarks came from. */
export type LandmarkSource = 'detector' | 'landmarker' | 'box';

/** One face found in an image. Landmarks are left eye, right eye, nose tip, left and right mouth corner. */
export interface DetectedFace {
  box: BoundingBox;
  score: number;
  landmarks5: Point[];
  landmarkSource: LandmarkSource;
}

/** Alignment templates (FaceFusion's numbers, normalised to a unit crop). */
export type WarpTemplateName = 'arcface_112_v2' | 'arcface_128' | 'ffhq_512';

/** Row-major 2×3 affine matrix `[a, b, tx, c, d, ty]` mapping (x, y) to (a·x + b·y + tx, c·x + d·y + ty). */
export type Affine = [number, number, number, number, number, number];
