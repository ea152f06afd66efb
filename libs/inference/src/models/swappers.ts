import * as ort from 'onnxruntime-node';
import type { Affine, Point, RgbImage, WarpTemplateName } from '../inference.types.js';
import { estimateAffinePartial2D } from '../geometry/affine.js';
import { scaledTemplate } from '../geometry/templates.js';
import { toNchw, warpAffine, type TensorLayout } from '../image/image-ops.js';
import type { LoadedModel, ModelRunner } from './loaded-model.js';
import type { FaceEmbedding } from './recognizer.js';

/** Swapper family conventions (FaceFusion's face_swapper model set). */
export interface SwapperSpec {
  template: WarpTemplateName;
  size: number;
  layout: TensorLayout;
  /** Output value = raw · outputScale + outputOffset, then clipped to [0, 1]. */
  outputScale: number;
  outputOffset: number;
}

export const SWAPPER_SPECS: Record<'inswapper' | 'hyperswap', SwapperSpec> = {
  inswapper: {
    template: 'arcface_128',
    size: 128,
    layout: { channels: 'rgb', mean: 0, std: 255 },
    outputScale: 1,
    outputOffset: 0,
  },
  hyperswap: {
    template: 'arcface_128',
    size: 256,
    layout: { channels: 'rgb', mean: 127.5, std: 127.5 },
    outputScale: 0.5,
    outputOffset: 0.5,
  },
};

/** The target face warped into the swapper's crop, and the matrix that put it there. */
export interface AlignedCrop {
  crop: Float32Array;
  size: number;
  matrix: Affine;
}

/** Crop size of a swapper: its static `target` input size, else the family default. */
export function swapperSize(model: LoadedModel): number {
  const family = model.ref.family as 'inswapper' | 'hyperswap';
  const shape = model.inputShapes.target ?? [];
  return shape[2] > 0 ? shape[2] : SWAPPER_SPECS[family].size;
}

/** Aligns a target face to the swapper's template (similarity transform, replicate border). */
export function alignForSwap(model: LoadedModel, image: RgbImage, landmarks5: readonly Point[]): AlignedCrop {
  const spec = SWAPPER_SPECS[model.ref.family as 'inswapper' | 'hyperswap'];
  const size = swapperSize(model);
  const { matrix } = estimateAffinePartial2D(landmarks5, scaledTemplate(spec.template, size));
  return { crop: warpAffine(image, matrix, size, size), size, matrix };
}

/**
 * The `source` input: InSwapper takes `embedding · emap / ‖embedding‖` (emap read from the model
 * file's last initializer); HyperSwap takes the normalised embedding directly.
 */
export function sourceLatent(model: LoadedModel, source: FaceEmbedding): Float32Array {
  if (model.ref.family === 'hyperswap') return Float32Array.from(source.normed);
  const emap = model.emap;
  if (!emap) throw new Error('inswapper model loaded without its emap');
  const e = source.embedding;
  let norm = 0;
  for (let i = 0; i < e.length; i++) norm += e[i] * e[i];
  norm = Math.sqrt(norm) || 1;
  const latent = new Float32Array(emap.cols);
  for (let i = 0; i < emap.rows; i++) {
    const v = e[i] / norm;
    if (v === 0) continue;
    const row = i * emap.cols;
    for (let j = 0; j < emap.cols; j++) latent[j] += v * emap.data[row + j];
  }
  return latent;
}

/** Runs the swapper on an aligned crop; returns the swapped crop as HWC RGB floats in 0–255. */
export async function swapFace(
  runner: ModelRunner,
  model: LoadedModel,
  aligned: AlignedCrop,
  latent: Float32Array,
): Promise<Float32Array> {
  const spec = SWAPPER_SPECS[model.ref.family as 'inswapper' | 'hyperswap'];
  const { size } = aligned;
  const target = toNchw(aligned.crop, size, size, spec.layout);
  const outputs = await runner.run(model, {
    target: new ort.Tensor('float32', target, [1, 3, size, size]),
    source: new ort.Tensor('float32', latent, [1, latent.length]),
  });
  const raw = outputs[model.session.outputNames[0]].data as Float32Array;
  const plane = size * size;
  const out = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      const v = raw[c * plane + i] * spec.outputScale + spec.outputOffset;
      out[i * 3 + c] = (v < 0 ? 0 : v > 1 ? 1 : v) * 255;
    }
  }
  return out;
}
