import * as ort from 'onnxruntime-node';
import type { Affine, Point, RgbImage, WarpTemplateName } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import { estimateSimilarity } from '../geometry/affine.js';
import { scaledTemplate } from '../geometry/templates.js';
import { toNchw, warpAffine, type TensorLayout } from '../image/image-ops.js';
import type { LoadedModel, ModelRunner } from '../models/loaded-model.js';
import { createBoxMask, DEFAULT_MASK_BLUR, pasteBack } from '../pipeline/paste-back.js';

/** FaceFusion's default `--face-enhancer-blend`. */
export const DEFAULT_FACE_ENHANCER_BLEND = 80;
/** FaceFusion's default `--face-enhancer-weight` (CodeFormer's fidelity input). */
export const DEFAULT_FACE_ENHANCER_WEIGHT = 0.5;

/** Every face enhancer FaceFusion ships reads RGB scaled to [−1, 1] (`(x / 255 − 0.5) / 0.5`). */
export const FACE_ENHANCER_LAYOUT: TensorLayout = { channels: 'rgb', mean: 127.5, std: 127.5 };

/** Where a face enhancer's crop comes from: its warp template and square size. */
export interface FaceEnhancerGeometry {
  template: WarpTemplateName;
  size: number;
}

/**
 * FaceFusion's model options: GFPGAN, RestoreFormer++ and CodeFormer take a 512 px `ffhq_512` crop;
 * GPEN-BFR takes its input size, aligned to `arcface_128` at 256 px and to `ffhq_512` above.
 */
export function faceEnhancerGeometry(model: LoadedModel): FaceEnhancerGeometry {
  const shape = model.inputShapes.input ?? [];
  const size = shape[2] > 0 ? shape[2] : 512;
  if (shape[2] > 0 && shape[3] !== shape[2]) {
    throw inferenceError(
      InferenceErrorCode.ModelIncompatible,
      `Face enhancer ${model.ref.path} takes a ${shape[3]}×${shape[2]} input; a square crop is needed.`,
    );
  }
  const template: WarpTemplateName = model.ref.family === 'gpen_bfr' && size === 256 ? 'arcface_128' : 'ffhq_512';
  return { template, size };
}

/** The face as the enhancer sees it: the crop and the matrix that made it. */
export interface EnhancerCrop {
  crop: Float32Array;
  size: number;
  matrix: Affine;
}

/** Aligns a face to the enhancer's template (similarity transform, replicate border), as FaceFusion does. */
export function alignForEnhancer(model: LoadedModel, image: RgbImage, landmarks5: readonly Point[]): EnhancerCrop {
  const { template, size } = faceEnhancerGeometry(model);
  const matrix = estimateSimilarity(landmarks5, scaledTemplate(template, size));
  const crop = warpAffine(image, matrix, size, size);
  // FaceFusion's crop is an 8-bit image: the model sees whole levels.
  for (let i = 0; i < crop.length; i++) crop[i] = Math.round(crop[i]);
  return { crop, size, matrix };
}

/**
 * FaceFusion's `normalize_crop_frame`: clip to [−1, 1], map to 0–255 and round, NCHW → HWC RGB.
 * Exported for the parity tests.
 */
export function fromEnhancerOutput(raw: Float32Array, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = raw[c * plane + i];
      out[i * 3 + c] = Math.round(((v < -1 ? -1 : v > 1 ? 1 : v) + 1) * 127.5);
    }
  }
  return out;
}

/** Runs the enhancer on an aligned crop; returns the enhanced crop as HWC RGB in 0–255. */
export async function runFaceEnhancer(
  runner: ModelRunner,
  model: LoadedModel,
  aligned: EnhancerCrop,
  weight: number,
): Promise<Float32Array> {
  const { size } = aligned;
  const feeds: Record<string, ort.Tensor> = {
    input: new ort.Tensor('float32', toNchw(aligned.crop, size, size, FACE_ENHANCER_LAYOUT), [1, 3, size, size]),
  };
  if (model.session.inputNames.includes('weight')) {
    // CodeFormer's fidelity is a double in FaceFusion's export; accept a float one too.
    const meta = model.session.inputMetadata.find((m) => m.name === 'weight');
    const type = meta?.isTensor ? meta.type : 'float64';
    feeds.weight =
      type === 'float32'
        ? new ort.Tensor('float32', Float32Array.of(weight), [1])
        : new ort.Tensor('float64', Float64Array.of(weight), [1]);
  }
  const outputs = await runner.run(model, feeds);
  const output = outputs[model.session.outputNames[0]];
  const dims = output.dims;
  if (dims.length !== 4 || dims[1] !== 3 || dims[2] !== size || dims[3] !== size) {
    throw inferenceError(
      InferenceErrorCode.ModelIncompatible,
      `Face enhancer ${model.ref.path} returned [${dims.join(', ')}]; expected [1, 3, ${size}, ${size}].`,
    );
  }
  return fromEnhancerOutput(output.data as Float32Array, size);
}

const masks = new Map<string, Float32Array>();

/** FaceFusion's feathered box mask of an enhancer crop (padding 0), cached per size and blur. */
function boxMask(size: number, blur: number): Float32Array {
  const key = `${size}:${blur}`;
  let mask = masks.get(key);
  if (!mask) {
    mask = createBoxMask(size, blur);
    if (masks.size > 16) masks.clear();
    masks.set(key, mask);
  }
  return mask;
}

/**
 * Enhances one face of `frame` in place, as FaceFusion's `enhance_face`: align, run, paste back
 * with a feathered box mask, blend with the frame by `blend` (0–100).
 */
export async function enhanceFace(
  runner: ModelRunner,
  model: LoadedModel,
  frame: RgbImage,
  landmarks5: readonly Point[],
  options: { blend?: number; weight?: number; maskBlur?: number } = {},
): Promise<void> {
  const blend = options.blend ?? DEFAULT_FACE_ENHANCER_BLEND;
  if (blend <= 0) return;
  const aligned = alignForEnhancer(model, frame, landmarks5);
  const enhanced = await runFaceEnhancer(runner, model, aligned, options.weight ?? DEFAULT_FACE_ENHANCER_WEIGHT);
  const mask = boxMask(aligned.size, options.maskBlur ?? DEFAULT_MASK_BLUR);
  pasteBack(frame, enhanced, mask, aligned.size, aligned.matrix, blend / 100);
}
