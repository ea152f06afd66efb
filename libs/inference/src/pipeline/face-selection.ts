import type { BoundingBox } from '../inference.types.js';
import { boxArea } from '../geometry/affine.js';
import { cosineSimilarity } from '../models/recognizer.js';

/** FaceFusion's face selector orders. */
export const FACE_SELECTOR_ORDERS = [
  'left-right',
  'right-left',
  'top-bottom',
  'bottom-top',
  'small-large',
  'large-small',
  'best-worst',
  'worst-best',
] as const;
export type FaceSelectorOrder = (typeof FACE_SELECTOR_ORDERS)[number];

/**
 * Which target faces to swap, as FaceFusion's selector modes:
 * - `all` ("many"): every detected face, swapped in `order` (default: as detected, best first);
 * - `one`: the first face in `order` (default `large-small`, FaceFusion's default);
 * - `largest`: `one` with `large-small`;
 * - `reference`: faces whose embedding distance (1 − cosine similarity) to `referenceEmbedding` is
 *   below `referenceDistance` (default 0.6, FaceFusion's default). Instead of an embedding, the
 *   pipeline accepts `referenceFaceIndex`: the target's faces sorted by `order` (default
 *   `large-small`), the one at that index is the reference.
 *
 * Gender, age and race filters need a face classifier model; the engine has none, so a request for
 * them is refused (`inference_request_invalid`) rather than ignored.
 */
export type FaceSelection =
  | { mode: 'all'; order?: FaceSelectorOrder }
  | { mode: 'one'; order?: FaceSelectorOrder }
  | { mode: 'largest' }
  | { mode: 'reference'; referenceEmbedding: number[]; referenceDistance?: number }
  | { mode: 'reference'; referenceFaceIndex: number; referenceDistance?: number; order?: FaceSelectorOrder };

export const DEFAULT_REFERENCE_DISTANCE = 0.6;

/** A candidate face: its box and detector score. */
export interface SelectableFace {
  box: BoundingBox;
  score: number;
}

/** FaceFusion's `sort_faces_by_order`: indices of `faces` in that order (stable for ties). */
export function sortFaces(faces: readonly SelectableFace[], order: FaceSelectorOrder): number[] {
  const key: (f: SelectableFace) => number =
    order === 'left-right' || order === 'right-left'
      ? (f) => f.box.x1
      : order === 'top-bottom' || order === 'bottom-top'
        ? (f) => f.box.y1
        : order === 'small-large' || order === 'large-small'
          ? (f) => boxArea(f.box)
          : (f) => f.score;
  const descending =
    order === 'right-left' || order === 'bottom-top' || order === 'large-small' || order === 'best-worst';
  const indices = faces.map((_, i) => i);
  // Python's sorted(reverse=True) keeps equal keys in their original order, as a stable sort on -key does.
  return indices.sort((a, b) => (descending ? key(faces[b]) - key(faces[a]) : key(faces[a]) - key(faces[b])));
}

/** Indices of the faces to swap, in swap order. `embeddings` is needed for `reference` mode only. */
export function selectFaces(
  faces: readonly SelectableFace[],
  selection: FaceSelection,
  embeddings?: ReadonlyArray<ArrayLike<number>>,
): number[] {
  if (faces.length === 0) return [];
  switch (selection.mode) {
    case 'all':
      return selection.order ? sortFaces(faces, selection.order) : faces.map((_, i) => i);
    case 'one':
      return [sortFaces(faces, selection.order ?? 'large-small')[0]];
    case 'largest':
      return [sortFaces(faces, 'large-small')[0]];
    case 'reference': {
      if (!embeddings) throw new Error('reference selection needs target embeddings');
      if (!('referenceEmbedding' in selection)) throw new Error('resolve referenceFaceIndex before selecting faces');
      const threshold = selection.referenceDistance ?? DEFAULT_REFERENCE_DISTANCE;
      return faces
        .map((_, i) => i)
        .filter((i) => 1 - cosineSimilarity(embeddings[i], selection.referenceEmbedding) < threshold);
    }
    default: {
      const unreachable: never = selection;
      throw new Error(`unknown selection ${JSON.stringify(unreachable)}`);
    }
  }
}
