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
  const key = `${size}:${blur}:${padding.join(',')}`;
  let mask = masks.get(key);
  if (!mask) {
    mask = buildBoxMask(size, blur, padding);
    // A pipeline uses one or two sizes and blurs; a few kept masks spare the blur on every run.
    if (masks.size >= 8) masks.delete(masks.keys().next().value as string);
    masks.set(key, mask);
  }
  return mask.slice();
}

const masks = new Map<string, Float32Array>();

function buildBoxMask(size: number, blur: number, padding: readonly [number, number, number, number]): Float32Array {
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
    const by = b * y;
    const ey = e * y;
    for (let x = x1, o = (y * width + x1) * 3; x < x2; x++, o += 3) {
      const u = a * x + by + c;
      const v = d * x + ey + f;
      if (u <= -1 || v <= -1 || u >= size || v >= size) continue;
      // u, v > −1 here, so truncation after adding 1 is the floor.
      const u0 = ((u + 1) | 0) - 1;
      const v0 = ((v + 1) | 0) - 1;
      const wu = u - u0;
      const wv = v - v0;
      let alpha: number;
      let p00: number;
      let p10: number;
      let p01: number;
      let p11: number;
      let fu = wu;
      let fv = wv;
      if (u0 >= 0 && v0 >= 0 && u0 < last && v0 < last) {
        // Inside the crop: mask and crop share the four neighbours and the weights.
        const i = v0 * size + u0;
        const m00 = mask[i];
        const m10 = mask[i + 1];
        const m01 = mask[i + size];
        const m11 = mask[i + size + 1];
        alpha = (m00 * (1 - wu) + m10 * wu) * (1 - wv) + (m01 * (1 - wu) + m11 * wu) * wv;
        if (alpha <= 0) continue;
        p00 = i * 3;
        p10 = p00 + 3;
        p01 = p00 + size * 3;
        p11 = p01 + 3;
      } else {
        // Edge: mask bilinear with zeros outside the crop (BORDER_CONSTANT)…
        const m00 = u0 >= 0 && v0 >= 0 ? mask[v0 * size + u0] : 0;
        const m10 = u0 + 1 <= last && v0 >= 0 ? mask[v0 * size + u0 + 1] : 0;
        const m01 = u0 >= 0 && v0 + 1 <= last ? mask[(v0 + 1) * size + u0] : 0;
        const m11 = u0 + 1 <= last && v0 + 1 <= last ? mask[(v0 + 1) * size + u0 + 1] : 0;
        alpha = (m00 * (1 - wu) + m10 * wu) * (1 - wv) + (m01 * (1 - wu) + m11 * wu) * wv;
        if (alpha <= 0) continue;
        // …crop bilinear with replicated edges (BORDER_REPLICATE).
        const cu = u < 0 ? 0 : u > last ? last : u;
        const cv = v < 0 ? 0 : v > last ? last : v;
        const cu0 = Math.floor(cu);
        const cv0 = Math.floor(cv);
        const cu1 = cu0 < last ? cu0 + 1 : cu0;
        const cv1 = cv0 < last ? cv0 + 1 : cv0;
        fu = cu - cu0;
        fv = cv - cv0;
        p00 = (cv0 * size + cu0) * 3;
        p10 = (cv0 * size + cu1) * 3;
        p01 = (cv1 * size + cu0) * 3;
        p11 = (cv1 * size + cu1) * 3;
      }
      if (alpha > 1) alpha = 1;
      const keep = 1 - alpha;
      // Blended values are ≥ 0 and the Uint8Array store truncates, so `+ 0.5` rounds as Math.round
      // does, at a fraction of its cost in this loop.
      let top = crop[p00] + (crop[p10] - crop[p00]) * fu;
      let bottom = crop[p01] + (crop[p11] - crop[p01]) * fu;
      data[o] = alpha * (top + (bottom - top) * fv) + keep * data[o] + 0.5;
      top = crop[p00 + 1] + (crop[p10 + 1] - crop[p00 + 1]) * fu;
      bottom = crop[p01 + 1] + (crop[p11 + 1] - crop[p01 + 1]) * fu;
      data[o + 1] = alpha * (top + (bottom - top) * fv) + keep * data[o + 1] + 0.5;
      top = crop[p00 + 2] + (crop[p10 + 2] - crop[p00 + 2]) * fu;
      bottom = crop[p01 + 2] + (crop[p11 + 2] - crop[p01 + 2]) * fu;
      data[o + 2] = alpha * (top + (bottom - top) * fv) + keep * data[o + 2] + 0.5;
    }
  }
  return { x1, y1, x2, y2 };
}
