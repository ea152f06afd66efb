import type { Affine, BoundingBox, Point, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { CvWarpGrid, cvRound, gaussianBlur } from '../image/image-ops.js';

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
 * Blends a processed crop back into the frame in place, as FaceFusion's `paste_back`: the paste area
 * is the crop square's corners mapped back by the inverse matrix and rounded to whole pixels (as
 * `cv2.transform` on integer points does), clipped to the frame; in it, the mask (zero outside the
 * crop) and the crop (edges replicated) are resampled on OpenCV's 1/32-px grid with its float32
 * arithmetic, blended in float32 and truncated to 8 bits (numpy's `astype(uint8)`), not rounded.
 * Returns the paste area, or null when it lies outside the frame.
 */
export function pasteBack(
  frame: RgbImage,
  crop: Float32Array,
  mask: Float32Array,
  size: number,
  matrix: Affine,
): BoundingBox | null {
  const { x1, y1, x2, y2 } = pasteArea(frame, size, matrix);
  if (x2 <= x1 || y2 <= y1) return null;
  const inverse = invertAffine(matrix);
  const paste: Affine = [inverse[0], inverse[1], inverse[2] - x1, inverse[3], inverse[4], inverse[5] - y1];
  const grid = new CvWarpGrid(invertAffine(paste), x2 - x1);
  const f = Math.fround;
  const { data, width } = frame;
  const last = size - 1;
  for (let py = 0; py < y2 - y1; py++) {
    const row = grid.row(py);
    for (let px = 0; px < x2 - x1; px++) {
      const X = grid.x(row, px);
      const Y = grid.y(row, px);
      const sx = X >> 5;
      const sy = Y >> 5;
      if (sx >= size || sx + 1 < 0 || sy >= size || sy + 1 < 0) continue;
      const ax = X & 31;
      const ay = Y & 31;
      const w0 = ((32 - ax) * (32 - ay)) / 1024;
      const w1 = (ax * (32 - ay)) / 1024;
      const w2 = ((32 - ax) * ay) / 1024;
      const w3 = (ax * ay) / 1024;
      // Mask: zeros outside the crop (BORDER_CONSTANT).
      const inX0 = sx >= 0;
      const inX1 = sx + 1 <= last;
      const inY0 = sy >= 0;
      const inY1 = sy + 1 <= last;
      const m0 = inX0 && inY0 ? mask[sy * size + sx] : 0;
      const m1 = inX1 && inY0 ? mask[sy * size + sx + 1] : 0;
      const m2 = inX0 && inY1 ? mask[(sy + 1) * size + sx] : 0;
      const m3 = inX1 && inY1 ? mask[(sy + 1) * size + sx + 1] : 0;
      let alpha = f(f(f(f(m0 * w0) + f(m1 * w1)) + f(m2 * w2)) + f(m3 * w3));
      if (alpha <= 0) continue;
      if (alpha > 1) alpha = 1;
      const keep = f(1 - alpha);
      // Crop: edges replicated (BORDER_REPLICATE).
      const cx0 = sx < 0 ? 0 : sx > last ? last : sx;
      const cx1 = sx + 1 < 0 ? 0 : sx + 1 > last ? last : sx + 1;
      const cy0 = sy < 0 ? 0 : sy > last ? last : sy;
      const cy1 = sy + 1 < 0 ? 0 : sy + 1 > last ? last : sy + 1;
      const p0 = (cy0 * size + cx0) * 3;
      const p1 = (cy0 * size + cx1) * 3;
      const p2 = (cy1 * size + cx0) * 3;
      const p3 = (cy1 * size + cx1) * 3;
      const o = ((py + y1) * width + px + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const value = f(
          f(f(f(crop[p0 + ch] * w0) + f(crop[p1 + ch] * w1)) + f(crop[p2 + ch] * w2)) + f(crop[p3 + ch] * w3),
        );
        data[o + ch] = Math.trunc(f(f(data[o + ch] * keep) + f(value * alpha)));
      }
    }
  }
  return { x1, y1, x2, y2 };
}

/** FaceFusion's `calculate_paste_area`: the crop's corners mapped into the frame, rounded, clipped. */
export function pasteArea(frame: { width: number; height: number }, size: number, matrix: Affine): BoundingBox {
  const inverse = invertAffine(matrix);
  const corners = (
    [
      [0, 0],
      [size, 0],
      [size, size],
      [0, size],
    ] as Point[]
  ).map((p) => applyAffine(inverse, p).map(cvRound));
  const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  return {
    x1: clip(Math.min(...corners.map((p) => p[0])), frame.width),
    y1: clip(Math.min(...corners.map((p) => p[1])), frame.height),
    x2: clip(Math.max(...corners.map((p) => p[0])), frame.width),
    y2: clip(Math.max(...corners.map((p) => p[1])), frame.height),
  };
}
