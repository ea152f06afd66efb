import * as ort from 'onnxruntime-node';
import type { Point, RgbImage } from '../inference.types.js';
import { estimateAffinePartial2D } from '../geometry/affine.js';
import { scaledTemplate } from '../geometry/templates.js';
import { toNchw, warpAffine } from '../image/image-ops.js';
import type { LoadedModel, ModelRunner } from './loaded-model.js';

/** A face embedding and its L2-normalised copy. */
export interface FaceEmbedding {
  embedding: Float32Array;
  normed: Float32Array;
}

/**
 * `arcface` family: align to `arcface_112_v2` at 112×112, RGB planes, x/127.5 − 1, output the raw
 * embedding (512-d for the InsightFace models).
 */
export async function embedFace(
  runner: ModelRunner,
  model: LoadedModel,
  image: RgbImage,
  landmarks5: readonly Point[],
): Promise<FaceEmbedding> {
  const size = 112;
  const { matrix } = estimateAffinePartial2D(landmarks5, scaledTemplate('arcface_112_v2', size));
  const crop = warpAffine(image, matrix, size, size);
  const tensor = toNchw(crop, size, size, { channels: 'rgb', mean: 127.5, std: 127.5 });
  const inputName = model.session.inputNames[0];
  const outputs = await runner.run(model, { [inputName]: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
  const embedding = Float32Array.from(outputs[model.session.outputNames[0]].data as Float32Array);
  return { embedding, normed: l2Normalize(embedding) };
}

export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const norm = Math.sqrt(sum) || 1;
  return Float32Array.from(v, (x) => x / norm);
}

/** Cosine similarity of two embeddings (any scale). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
