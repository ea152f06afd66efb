import type { Affine, BoundingBox, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { gaussianBlur } from '../image/image-ops.js';

/** FaceFusion's default box-mask blur. */
export const DEFAULT_MASK_BLUR = 0.3;

/**
 * FaceFusion's feathered box mask for a square crop: ones with a zero border of
 * `max(⌊⌊size · 0.5 · blur⌋ / 2⌋, 1)` px, blurred with σ = ⌊size · 0.5 · blur⌋ · 0.25 (≈ 0.125 · size · blur).
 */
export function createBoxMask(size: number, blur = DEFAULT_MASK_BLUR): Float32Array {
  const blurAmount = Math.floor(size * 0.5 * blur);
  const border = Math.max(Math.floor(blurAmount / 2), 1);
  const mask = new Float32Array(size * size);
  for (let y = border; y < size - border; y++) mask.fill(1, y * size + border, y * size + size - border);
  return blurAmount > 0 ? gaussianBlur(mask, size, size, blurAmount * 0.25) : mask;
}

/**
 * Blends a processed crop back into the frame in place. Only pixels inside the crop's footprint
 * (the inverse-mapped crop square, clipped to the frame) are visited, unlike FaceFusion's whole-frame
 * warp; inside it, the result equals FaceFusion's: bilinear crop sample (replicate border) weighted
 * by the bilinear mask sample (zero outside the crop). Returns the visited region.
 *
 * With `blend` (0–1), the pasted pixel is then mixed with the frame's as FaceFusion's enhancers do
 * (`blend_frame(frame, paste_back(...), blend)`): the paste truncated to 8 bits, the mix rounded.
 */
export function pasteBack(
  frame: RgbImage,
  crop: Float32Array,
  mask: Float32Array,
  size: number,
  matrix: Affine,
  blend?: number,
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
  // FaceFusion's enhancers paste with OpenCV's warpAffine over the paste area from (fx, fy): it
  // rounds sample positions to 1/32 px (fixed point) and the warped crop to whole levels. Done
  // here too when blending, so the result stays within a level of FaceFusion's.
  const exact = blend !== undefined;
  const mix = blend ?? 1;
  const fx = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const fy = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const cx = a * fx + b * fy + c;
  const cy = d * fx + e * fy + f;
  const fixed = (k: number, t: number): number => (Math.round(k) + Math.round(t) + 16) >> 5;
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const u = exact ? fixed(a * (x - fx) * 1024, (b * (y - fy) + cx) * 1024) / 32 : a * x + b * y + c;
      const v = exact ? fixed(d * (x - fx) * 1024, (e * (y - fy) + cy) * 1024) / 32 : d * x + e * y + f;
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
        if (!exact) {
          data[o + ch] = Math.round(alpha * value + (1 - alpha) * data[o + ch]);
          continue;
        }
        const pasted = Math.trunc(alpha * Math.round(value) + (1 - alpha) * data[o + ch]);
        data[o + ch] = Math.round((1 - mix) * data[o + ch] + mix * pasted);
      }
    }
  }
  return { x1, y1, x2, y2 };
}
