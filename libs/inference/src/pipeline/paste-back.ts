import type { Affine, BoundingBox, Point, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { CvWarpGrid, cvRound, gaussianBlur } from '../image/image-ops.js';

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
 * Blends a processed crop back into the frame in place, as FaceFusion's `paste_back`: the paste area
 * is the crop square's corners mapped back by the inverse matrix and rounded to whole pixels (as
 * `cv2.transform` on integer points does), clipped to the frame; in it, the mask (zero outside the
 * crop) and the crop (edges replicated) are resampled on OpenCV's 1/32-px grid with its float32
 * arithmetic, blended in float32 and truncated to 8 bits (numpy's `astype(uint8)`), not rounded.
 * Returns the paste area, or null when it lies outside the frame.
 *
 * With `blend` (0–1), as FaceFusion's enhancers (`blend_frame(frame, paste_back(...))`): the crop is
 * an 8-bit image (whole levels), so it is resampled with OpenCV's integer weights and rounding; the
 * truncated paste is then mixed with the frame as `cv2.addWeighted(frame, 1 − blend, paste, blend, 0)`
 * (float, rounded to nearest, ties to even).
 */
export function pasteBack(
  frame: RgbImage,
  crop: Float32Array,
  mask: Float32Array,
  size: number,
  matrix: Affine,
  blend?: number,
): BoundingBox | null {
  const { x1, y1, x2, y2 } = pasteArea(frame, size, matrix);
  if (x2 <= x1 || y2 <= y1) return null;
  const inverse = invertAffine(matrix);
  const paste: Affine = [inverse[0], inverse[1], inverse[2] - x1, inverse[3], inverse[4], inverse[5] - y1];
  const grid = new CvWarpGrid(invertAffine(paste), x2 - x1);
  const { adelta, bdelta } = grid;
  const f = Math.fround;
  const { data, width } = frame;
  const last = size - 1;
  const w = x2 - x1;
  const eightBit = blend !== undefined;
  const pasteWeight = f(blend ?? 1);
  const frameWeight = f(1 - (blend ?? 1));
  for (let py = 0; py < y2 - y1; py++) {
    const X0 = grid.rowX(py);
    const Y0 = grid.rowY(py);
    for (let px = 0, o = ((py + y1) * width + x1) * 3; px < w; px++, o += 3) {
      const X = (X0 + adelta[px]) >> 5;
      const Y = (Y0 + bdelta[px]) >> 5;
      const sx = X >> 5;
      const sy = Y >> 5;
      if (sx >= size || sx < -1 || sy >= size || sy < -1) continue;
      // OpenCV's float weights for the 1/32-px fraction: exact multiples of 1/1024.
      const ax = X & 31;
      const ay = Y & 31;
      const w0 = WEIGHTS[(ay << 5) | ax];
      const w1 = WEIGHTS[1024 + ((ay << 5) | ax)];
      const w2 = WEIGHTS[2048 + ((ay << 5) | ax)];
      const w3 = WEIGHTS[3072 + ((ay << 5) | ax)];
      let alpha: number;
      let p0: number;
      let p1: number;
      let p2: number;
      let p3: number;
      if (sx >= 0 && sy >= 0 && sx < last && sy < last) {
        // Inside the crop: mask and crop share the four neighbours.
        const i = sy * size + sx;
        alpha = f(f(f(f(mask[i] * w0) + f(mask[i + 1] * w1)) + f(mask[i + size] * w2)) + f(mask[i + size + 1] * w3));
        if (alpha <= 0) continue;
        p0 = i * 3;
        p1 = p0 + 3;
        p2 = p0 + size * 3;
        p3 = p2 + 3;
      } else {
        // Mask: zeros outside the crop (BORDER_CONSTANT).
        const inX0 = sx >= 0;
        const inX1 = sx < last;
        const inY0 = sy >= 0;
        const inY1 = sy < last;
        const m0 = inX0 && inY0 ? mask[sy * size + sx] : 0;
        const m1 = inX1 && inY0 ? mask[sy * size + sx + 1] : 0;
        const m2 = inX0 && inY1 ? mask[(sy + 1) * size + sx] : 0;
        const m3 = inX1 && inY1 ? mask[(sy + 1) * size + sx + 1] : 0;
        alpha = f(f(f(f(m0 * w0) + f(m1 * w1)) + f(m2 * w2)) + f(m3 * w3));
        if (alpha <= 0) continue;
        // Crop: edges replicated (BORDER_REPLICATE).
        const cx0 = sx < 0 ? 0 : sx;
        const cx1 = sx < last ? sx + 1 : last;
        const cy0 = sy < 0 ? 0 : sy;
        const cy1 = sy < last ? sy + 1 : last;
        p0 = (cy0 * size + cx0) * 3;
        p1 = (cy0 * size + cx1) * 3;
        p2 = (cy1 * size + cx0) * 3;
        p3 = (cy1 * size + cx1) * 3;
      }
      if (eightBit) {
        // The 8-bit crop on OpenCV's integer weights (2¹⁵), descaled with rounding.
        const k = (ay << 5) | ax;
        const i0 = INT_WEIGHTS[k];
        const i1 = INT_WEIGHTS[1024 + k];
        const i2 = INT_WEIGHTS[2048 + k];
        const i3 = INT_WEIGHTS[3072 + k];
        if (alpha > 1) alpha = 1;
        const keep = f(1 - alpha);
        for (let ch = 0; ch < 3; ch++) {
          const value =
            (crop[p0 + ch] * i0 + crop[p1 + ch] * i1 + crop[p2 + ch] * i2 + crop[p3 + ch] * i3 + 16384) >> 15;
          const pasted = f(f(data[o + ch] * keep) + f(value * alpha)) | 0;
          data[o + ch] = roundHalfEven(f(f(data[o + ch] * frameWeight) + f(pasted * pasteWeight)));
        }
        continue;
      }
      // numpy's float32 blend; the Uint8Array store truncates as `astype(uint8)` does.
      if (alpha >= 1) {
        data[o] = f(f(f(f(crop[p0] * w0) + f(crop[p1] * w1)) + f(crop[p2] * w2)) + f(crop[p3] * w3));
        data[o + 1] = f(
          f(f(f(crop[p0 + 1] * w0) + f(crop[p1 + 1] * w1)) + f(crop[p2 + 1] * w2)) + f(crop[p3 + 1] * w3),
        );
        data[o + 2] = f(
          f(f(f(crop[p0 + 2] * w0) + f(crop[p1 + 2] * w1)) + f(crop[p2 + 2] * w2)) + f(crop[p3 + 2] * w3),
        );
        continue;
      }
      const keep = f(1 - alpha);
      let value = f(f(f(f(crop[p0] * w0) + f(crop[p1] * w1)) + f(crop[p2] * w2)) + f(crop[p3] * w3));
      data[o] = f(f(data[o] * keep) + f(value * alpha));
      value = f(f(f(f(crop[p0 + 1] * w0) + f(crop[p1 + 1] * w1)) + f(crop[p2 + 1] * w2)) + f(crop[p3 + 1] * w3));
      data[o + 1] = f(f(data[o + 1] * keep) + f(value * alpha));
      value = f(f(f(f(crop[p0 + 2] * w0) + f(crop[p1 + 2] * w1)) + f(crop[p2 + 2] * w2)) + f(crop[p3 + 2] * w3));
      data[o + 2] = f(f(data[o + 2] * keep) + f(value * alpha));
    }
  }
  return { x1, y1, x2, y2 };
}

/** To nearest, ties to even (OpenCV's `saturate_cast<uchar>` of a float), for values in 0–255. */
function roundHalfEven(v: number): number {
  const r = (v + 0.5) | 0;
  return r - v === 0.5 && (r & 1) === 1 ? r - 1 : r;
}

/** OpenCV's bilinear weights per 5-bit fraction pair `(ay << 5) | ax`: four planes of 1024. */
const WEIGHTS = (() => {
  const table = new Float64Array(4096);
  for (let ay = 0; ay < 32; ay++) {
    for (let ax = 0; ax < 32; ax++) {
      const k = (ay << 5) | ax;
      table[k] = ((32 - ax) * (32 - ay)) / 1024;
      table[1024 + k] = (ax * (32 - ay)) / 1024;
      table[2048 + k] = ((32 - ax) * ay) / 1024;
      table[3072 + k] = (ax * ay) / 1024;
    }
  }
  return table;
})();

/** The same weights in OpenCV's fixed point for 8-bit images (`INTER_REMAP_COEF_SCALE` 2¹⁵). */
const INT_WEIGHTS = Int32Array.from(WEIGHTS, (w) => w * 32768);

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
