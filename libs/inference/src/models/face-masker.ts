import * as ort from 'onnxruntime-node';
import type { RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import { gaussianBlur, resizeBilinear } from '../image/image-ops.js';
import type { LoadedModel, ModelRunner } from './loaded-model.js';

/**
 * FaceFusion's face masker (facefusion/face_masker.py): occlusion masks from an XSeg face occluder
 * and region masks from a BiSeNet face parser, each computed on the aligned face crop and later
 * combined with the box mask by their minimum.
 */

/** Mask kinds, as FaceFusion's `--face-mask-types`. */
export const FACE_MASK_TYPES = ['box', 'occlusion', 'region'] as const;
export type FaceMaskType = (typeof FACE_MASK_TYPES)[number];

/** BiSeNet (CelebAMask-HQ) label of each selectable region, as FaceFusion's `face_mask_region_set`. */
export const FACE_MASK_REGION_LABELS = {
  skin: 1,
  'left-eyebrow': 2,
  'right-eyebrow': 3,
  'left-eye': 4,
  'right-eye': 5,
  glasses: 6,
  nose: 10,
  mouth: 11,
  'upper-lip': 12,
  'lower-lip': 13,
} as const;
export type FaceMaskRegion = keyof typeof FACE_MASK_REGION_LABELS;
export const FACE_MASK_REGIONS = Object.keys(FACE_MASK_REGION_LABELS) as FaceMaskRegion[];

/** Box mask padding in percent of the crop: top, right, bottom, left (FaceFusion's order). */
export type FaceMaskPadding = [number, number, number, number];

/** Input sizes of FaceFusion's occluder (XSeg) and parser (BiSeNet) models. */
export const OCCLUDER_SIZE = 256;
export const PARSER_SIZE = 512;
/** BiSeNet's classes (CelebAMask-HQ: background + 18 face parts). */
export const PARSER_CLASSES = 19;

const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];
/** σ of the blur FaceFusion applies to occlusion and region masks before sharpening them back. */
const MASK_SMOOTHING_SIGMA = 5;

/** A crop (HWC RGB floats in 0–255) as an 8-bit image, as FaceFusion's crops are. */
export function cropToImage(crop: Float32Array, size: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(crop[i]);
    data[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { width: size, height: size, data };
}

/**
 * Bilinear resize of a single-channel float image, as OpenCV's `cv2.resize` with INTER_LINEAR on
 * float data (pixel-centre convention, edges clamped).
 */
export function resizeMask(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  if (sw === dw && sh === dh) return Float32Array.from(src);
  const out = new Float32Array(dw * dh);
  const sx = sw / dw;
  const sy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const top = src[y0 * sw + x0] + (src[y0 * sw + x1] - src[y0 * sw + x0]) * wx;
      const bottom = src[y1 * sw + x0] + (src[y1 * sw + x1] - src[y1 * sw + x0]) * wx;
      out[y * dw + x] = top + (bottom - top) * wy;
    }
  }
  return out;
}

/** FaceFusion's finish of occlusion and region masks: `(blur(clip(m, 0, 1), σ 5).clip(0.5, 1) − 0.5) · 2`. */
export function smoothMask(mask: Float32Array, size: number): Float32Array {
  const clipped = mask.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v));
  const blurred = gaussianBlur(clipped, size, size, MASK_SMOOTHING_SIGMA);
  for (let i = 0; i < blurred.length; i++) blurred[i] = (Math.min(Math.max(blurred[i], 0.5), 1) - 0.5) * 2;
  return blurred;
}

/** The occluder's input: the crop resized to 256×256, channels-last BGR in 0–1 (`[1, 256, 256, 3]`). */
export function occluderInput(crop: RgbImage, size = OCCLUDER_SIZE): Float32Array {
  const resized = resizeBilinear(crop, size, size).data;
  const out = new Float32Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    out[i * 3] = resized[i * 3 + 2] / 255;
    out[i * 3 + 1] = resized[i * 3 + 1] / 255;
    out[i * 3 + 2] = resized[i * 3] / 255;
  }
  return out;
}

/** The occluder's raw `[size × size]` output → the crop's occlusion mask (1 = face visible, 0 = occluded). */
export function occlusionFromOutput(raw: Float32Array, rawSize: number, cropSize: number): Float32Array {
  const clipped = raw.map((v) => (v < 0 ? 0 : v > 1 ? 1 : v));
  return smoothMask(resizeMask(clipped, rawSize, rawSize, cropSize, cropSize), cropSize);
}

/** The parser's input: the crop resized to 512×512, RGB, ImageNet mean/std, NCHW (`[1, 3, 512, 512]`). */
export function parserInput(crop: RgbImage, size = PARSER_SIZE): Float32Array {
  const resized = resizeBilinear(crop, size, size).data;
  const plane = size * size;
  const out = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(IMAGENET_MEAN[c]);
    const std = Math.fround(IMAGENET_STD[c]);
    for (let i = 0; i < plane; i++) out[c * plane + i] = (resized[i * 3 + c] / 255 - mean) / std;
  }
  return out;
}

/**
 * The parser's class scores (`[classes, size, size]`) → the crop's region mask: 1 where the best
 * class is one of `labels`, then resized and smoothed as FaceFusion does.
 */
export function regionFromOutput(
  scores: Float32Array,
  classes: number,
  rawSize: number,
  labels: readonly number[],
  cropSize: number,
): Float32Array {
  const plane = rawSize * rawSize;
  const wanted = new Uint8Array(classes);
  for (const label of labels) if (label < classes) wanted[label] = 1;
  // Argmax class by class (sequential reads); a later class wins only when strictly better, as numpy's argmax.
  const bestScore = scores.slice(0, plane);
  const best = new Uint8Array(plane);
  for (let c = 1; c < classes; c++) {
    const offset = c * plane;
    for (let i = 0; i < plane; i++) {
      const score = scores[offset + i];
      if (score > bestScore[i]) {
        bestScore[i] = score;
        best[i] = c;
      }
    }
  }
  const chosen = new Float32Array(plane);
  for (let i = 0; i < plane; i++) chosen[i] = wanted[best[i]];
  return smoothMask(resizeMask(chosen, rawSize, rawSize, cropSize, cropSize), cropSize);
}

/** The element-wise minimum of masks of one size, clipped to 0–1 (FaceFusion's `minimum.reduce(...).clip(0, 1)`). */
export function minimumMask(masks: readonly Float32Array[]): Float32Array {
  const out = Float32Array.from(masks[0]);
  for (let m = 1; m < masks.length; m++) {
    const mask = masks[m];
    for (let i = 0; i < out.length; i++) if (mask[i] < out[i]) out[i] = mask[i];
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i] < 0 ? 0 : out[i] > 1 ? 1 : out[i];
  return out;
}

function firstOutput(
  model: LoadedModel,
  outputs: ort.InferenceSession.OnnxValueMapType,
  expected: number,
): Float32Array {
  const tensor = outputs[model.session.outputNames[0]] as ort.Tensor;
  if (tensor.type !== 'float32' || tensor.data.length < expected) {
    throw inferenceError(
      InferenceErrorCode.ModelIncompatible,
      `The ${model.ref.family} model returned ${tensor.type} [${tensor.dims.join(', ')}]; ${expected} float values were expected.`,
    );
  }
  return tensor.data as Float32Array;
}

/** Runs the face occluder on a crop: its occlusion mask at the crop's size. */
export async function createOcclusionMask(
  runner: ModelRunner,
  model: LoadedModel,
  crop: RgbImage,
): Promise<Float32Array> {
  const input = occluderInput(crop);
  const outputs = await runner.run(model, {
    input: new ort.Tensor('float32', input, [1, OCCLUDER_SIZE, OCCLUDER_SIZE, 3]),
  });
  const raw = firstOutput(model, outputs, OCCLUDER_SIZE * OCCLUDER_SIZE).subarray(0, OCCLUDER_SIZE * OCCLUDER_SIZE);
  return occlusionFromOutput(raw, OCCLUDER_SIZE, crop.width);
}

/** Runs the face parser on a crop: the mask of the chosen regions at the crop's size. */
export async function createRegionMask(
  runner: ModelRunner,
  model: LoadedModel,
  crop: RgbImage,
  regions: readonly FaceMaskRegion[],
): Promise<Float32Array> {
  const input = parserInput(crop);
  const outputs = await runner.run(model, {
    input: new ort.Tensor('float32', input, [1, 3, PARSER_SIZE, PARSER_SIZE]),
  });
  const scores = firstOutput(model, outputs, PARSER_CLASSES * PARSER_SIZE * PARSER_SIZE);
  const labels = regions.map((r) => FACE_MASK_REGION_LABELS[r]);
  return regionFromOutput(scores, PARSER_CLASSES, PARSER_SIZE, labels, crop.width);
}
