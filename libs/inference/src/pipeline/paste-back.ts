import type { Affine, BoundingBox, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { gaussianBlur } from '../image/image-ops.js';

/** FaceFusion's default box-mask blur. */
export const DEFAULT_MASK_BLUR = 0.3;

/**
 * FaceFusion's feathered box mask for a square crop (`create_box_mask`): ones with a zero border of
 * `max(⌊⌊size · 0.5 · blur⌋ / 2⌋, 1)` px, widened on each side to its padding
 * (`⌊size · padding% / 100⌋` px; top, right, bottom, left), blurred with
 * σ = ⌊size · 0.5 · blur⌋ · 0.25 (≈ 0.125 · size · blur).
 */
export function createBoxMask(
  size: number,
  blur = DEFAULT_MASK_BLUR,
  padding: readonly [number, number, number, number] = [0, 0, 0, 0],
): Float32Array {
  const blurAmount = Math.floor(size * 0.5 * blur);
  const border = Math.max(Math.floor(blurAmount / 2), 1);
  const edge = (percent: number) => Math.min(size, Math.max(border, Math.trunc((size * percent) / 100)));
  const [top, right, bottom, left] = padding.map(edge);
  const mask = new Float32Array(size * size);
  if (left + right < size) {
    for (let y = top; y < size - bottom; y++) mask.fill(1, y * size + left, y * size + size - right);
  }
  return blurAmount > 0 ? gaussianBlur(mask, size, size, blurAmount * 0.25) : mask;
}

/**
 * Blends a processed crop back into the frame in place. Only pixels inside the crop's footprint
 * (the inverse-mapped crop square, clipped to the frame) are visited, unlike FaceFusion's whole-frame
 * warp; inside it, the result equals FaceFusion's: bilinear crop sample (replicate border) weighted
 * by the bilinear mask sample (zero outside the crop). Returns the visited region.
 */
export function pasteBack(
  frame: RgbImage,
  crop: Float32Array,
  mask: Float32Array,
  size: number,
  matrix: Affine,
): BoundingBox | null {
  const inverse = invertAffine(matrix);
  const corners = [
    applyAffine(inverse, [0, 0]),
    applyAffine(inverse, [size, 0]),
    applyAffine(inverse, [0, size]),
    applyAffine(inverse, [size, size]),
  ];
  const x1 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))) - 1);
  const y1 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))) - 1);
  const x2 = Math.min(frame.width, Math.ceil(Math.max(...corners.map((p) => p[0]))) + 1);
  const y2 = Math.min(frame.height, Math.ceil(Math.max(...corners.map((p) => p[1]))) + 1);
  if (x2 <= x1 || y2 <= y1) return null;
  const { data, width } = frame;
  const [a, b, c, d, e, f] = matrix;
  const last = size - 1;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const u = a * x + b * y + c;
      const v = d * x + e * y + f;
      if (u <= -1 || v <= -1 || u >= size || v >= size) continue;
      // Mask: bilinear with zeros outside the crop (BORDER_CONSTANT).
      const u0 = Math.floor(u);
      const v0 = Math.floor(v);
      const wu = u - u0;
      const wv = v - v0;
      const m00 = u0 >= 0 && v0 >= 0 ? mask[v0 * size + u0] : 0;
      const m10 = u0 + 1 <= last && v0 >= 0 ? mask[v0 * size + u0 + 1] : 0;
      const m01 = u0 >= 0 && v0 + 1 <= last ? mask[(v0 + 1) * size + u0] : 0;
      const m11 = u0 + 1 <= last && v0 + 1 <= last ? mask[(v0 + 1) * size + u0 + 1] : 0;
      let alpha = (m00 * (1 - wu) + m10 * wu) * (1 - wv) + (m01 * (1 - wu) + m11 * wu) * wv;
      if (alpha <= 0) continue;
      if (alpha > 1) alpha = 1;
      // Crop: bilinear with replicated edges.
      const cu = u < 0 ? 0 : u > last ? last : u;
      const cv = v < 0 ? 0 : v > last ? last : v;
      const cu0 = Math.floor(cu);
      const cv0 = Math.floor(cv);
      const cu1 = cu0 < last ? cu0 + 1 : cu0;
      const cv1 = cv0 < last ? cv0 + 1 : cv0;
      const fu = cu - cu0;
      const fv = cv - cv0;
      const p00 = (cv0 * size + cu0) * 3;
      const p10 = (cv0 * size + cu1) * 3;
      const p01 = (cv1 * size + cu0) * 3;
      const p11 = (cv1 * size + cu1) * 3;
      const o = (y * width + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = crop[p00 + ch] + (crop[p10 + ch] - crop[p00 + ch]) * fu;
        const bottom = crop[p01 + ch] + (crop[p11 + ch] - crop[p01 + ch]) * fu;
        const value = top + (bottom - top) * fv;
        data[o + ch] = Math.round(alpha * value + (1 - alpha) * data[o + ch]);
      }
    }
  }
  return { x1, y1, x2, y2 };
}
