import type { BoundingBox } from '../inference.types.js';
import { boxArea } from '../geometry/affine.js';
import { cosineSimilarity } from '../models/recognizer.js';

/**
 * Which target faces to swap, as FaceFusion's selector modes:
 * - `all` ("many"): every detected face;
 * - `largest` ("one", ordered large→small): the face with the largest box;
 * - `reference`: faces whose embedding distance (1 − cosine similarity) to `referenceEmbedding` is
 *   below `referenceDistance` (default 0.6, FaceFusion's default). Instead of an embedding, the
 *   pipeline accepts `referenceFaceIndex`: the target's faces ordered large→small (FaceFusion's
 *   default order), the one at that index is the reference.
 */
export type FaceSelection =
  | { mode: 'all' }
  | { mode: 'largest' }
  | { mode: 'reference'; referenceEmbedding: number[]; referenceDistance?: number }
  | { mode: 'reference'; referenceFaceIndex: number; referenceDistance?: number };

export const DEFAULT_REFERENCE_DISTANCE = 0.6;

/** Indices of the faces to swap, in the order given. `embeddings` is needed for `reference` mode only. */
export function selectFaces(
  boxes: readonly BoundingBox[],
  selection: FaceSelection,
  embeddings?: ReadonlyArray<ArrayLike<number>>,
): number[] {
  if (boxes.length === 0) return [];
  switch (selection.mode) {
    case 'all':
      return boxes.map((_, i) => i);
    case 'largest': {
      let best = 0;
      boxes.forEach((box, i) => {
        if (boxArea(box) > boxArea(boxes[best])) best = i;
      });
      return [best];
    }
    case 'reference': {
      if (!embeddings) throw new Error('reference selection needs target embeddings');
      if (!('referenceEmbedding' in selection)) throw new Error('resolve referenceFaceIndex before selecting faces');
      const threshold = selection.referenceDistance ?? DEFAULT_REFERENCE_DISTANCE;
      return boxes
        .map((_, i) => i)
        .filter((i) => 1 - cosineSimilarity(embeddings[i], selection.referenceEmbedding) < threshold);
    }
    default: {
      const unreachable: never = selection;
      throw new Error(`unknown selection ${JSON.stringify(unreachable)}`);
    }
  }
}
