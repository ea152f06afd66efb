import type { Affine, RgbImage } from '../inference.types.js';
import { invertAffine } from '../geometry/affine.js';

/**
 * Bilinear resize with OpenCV's INTER_LINEAR pixel-centre convention
 * (`src = (dst + 0.5) · scale − 0.5`, clamped at the edges).
 */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  const { width: sw, height: sh, data } = image;
  const out = new Uint8Array(width * height * 3);
  const sy = sh / height;
  const { x0s, x1s, fxs } = bilinearColumns(sw, width, Float64Array);
  // Values are ≥ 0, so `+ 0.5` and the Uint8Array's truncation round as Math.round does, much faster.
  for (let y = 0; y < height; y++) {
    const { row0, row1, wy } = bilinearRow(y, sy, sw, sh);
    let o = y * width * 3;
    for (let x = 0; x < width; x++, o += 3) {
      const wx = fxs[x];
      const a = row0 + x0s[x];
      const b = row0 + x1s[x];
      const c = row1 + x0s[x];
      const d = row1 + x1s[x];
      let top = data[a] + (data[b] - data[a]) * wx;
      let bottom = data[c] + (data[d] - data[c]) * wx;
      out[o] = top + (bottom - top) * wy + 0.5;
      top = data[a + 1] + (data[b + 1] - data[a + 1]) * wx;
      bottom = data[c + 1] + (data[d + 1] - data[c + 1]) * wx;
      out[o + 1] = top + (bottom - top) * wy + 0.5;
      top = data[a + 2] + (data[b + 2] - data[a + 2]) * wx;
      bottom = data[c + 2] + (data[d + 2] - data[c + 2]) * wx;
      out[o + 2] = top + (bottom - top) * wy + 0.5;
    }
  }
  return { width, height, data: out };
}

/**
 * The per-column table of an INTER_LINEAR resize of RGB rows from `sourceWidth` to `width` pixels:
 * for each destination column, the byte offsets of its left and right source pixels in a row and
 * the weight of the right one, stored in `weights` (the precision the caller's arithmetic expects).
 */
export function bilinearColumns(
  sourceWidth: number,
  width: number,
  weights: Float32ArrayConstructor | Float64ArrayConstructor,
): { x0s: Int32Array; x1s: Int32Array; fxs: Float32Array | Float64Array } {
  const sx = sourceWidth / width;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new weights(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sourceWidth - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(x0 + 1, sourceWidth - 1) * 3;
    fxs[x] = fx - x0;
  }
  return { x0s, x1s, fxs };
}

/**
 * Row `y` of an INTER_LINEAR resize of RGB rows `sourceWidth` wide, `sourceHeight` high, by `scale`
 * (source rows per destination row): the byte offsets of its upper and lower source rows and the
 * weight of the lower one.
 */
export function bilinearRow(
  y: number,
  scale: number,
  sourceWidth: number,
  sourceHeight: number,
): { row0: number; row1: number; wy: number } {
  const fy = Math.min(Math.max((y + 0.5) * scale - 0.5, 0), sourceHeight - 1);
  const y0 = Math.floor(fy);
  return {
    row0: y0 * sourceWidth * 3,
    row1: Math.min(y0 + 1, sourceHeight - 1) * sourceWidth * 3,
    wy: fy - y0,
  };
}

/**
 * OpenCV's `warpAffine` sampling grid: for destination pixel (x, y) the source position `M⁻¹·(x, y)`
 * is rounded to 1/32 px in fixed point exactly as OpenCV does (`AB_BITS` 10, `INTER_BITS` 5), giving
 * an integer pixel and a 5-bit fraction per axis. `inverse` maps destination to source.
 */
export class CvWarpGrid {
  /** `cvRound(M⁻¹₀₀ · x · 1024)` per destination column. */
  readonly adelta: Int32Array;
  /** `cvRound(M⁻¹₁₀ · x · 1024)` per destination column. */
  readonly bdelta: Int32Array;

  constructor(
    private readonly inverse: Affine,
    width: number,
  ) {
    this.adelta = new Int32Array(width);
    this.bdelta = new Int32Array(width);
    for (let x = 0; x < width; x++) {
      this.adelta[x] = cvRound(inverse[0] * x * 1024);
      this.bdelta[x] = cvRound(inverse[3] * x * 1024);
    }
  }

  /** Row constant `X0` (with OpenCV's rounding half, 16) for destination row `y`. */
  rowX(y: number): number {
    return cvRound((this.inverse[1] * y + this.inverse[2]) * 1024) + 16;
  }

  /** Row constant `Y0` (with OpenCV's rounding half, 16) for destination row `y`. */
  rowY(y: number): number {
    return cvRound((this.inverse[4] * y + this.inverse[5]) * 1024) + 16;
  }
}

/** `cvRound`: to nearest, ties to even (as `lrint`). */
export function cvRound(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Where outside-image samples come from: the nearest edge pixel, or zeros. */
export type WarpBorder = 'replicate' | 'constant';

/**
 * Warps `image` into a `width`×`height` crop as `cv2.warpAffine(image, matrix, (width, height))`
 * with INTER_LINEAR on 8-bit data: crop pixel p samples the image at `matrix⁻¹ · p` on OpenCV's
 * 1/32-px grid with its 15-bit integer weights and rounding, so every value equals OpenCV's.
 * `matrix` maps image coordinates to crop coordinates, as FaceFusion's affine matrices do.
 * Returns HWC float RGB holding those 0–255 integers.
 */
export function warpAffine(
  image: RgbImage,
  matrix: Affine,
  width: number,
  height: number,
  border: WarpBorder = 'replicate',
): Float32Array {
  const grid = new CvWarpGrid(invertAffine(matrix), width);
  const { adelta, bdelta } = grid;
  const { width: sw, height: sh, data } = image;
  const out = new Float32Array(width * height * 3);
  const replicate = border === 'replicate';
  const maxX = sw - 1;
  const maxY = sh - 1;
  const stride = sw * 3;
  let o = 0;
  for (let v = 0; v < height; v++) {
    const X0 = grid.rowX(v);
    const Y0 = grid.rowY(v);
    for (let u = 0; u < width; u++, o += 3) {
      // All integer arithmetic (int32), as OpenCV's: position in 1/32 px, weights summing to 2¹⁵.
      const X = (X0 + adelta[u]) >> 5;
      const Y = (Y0 + bdelta[u]) >> 5;
      const sx = X >> 5;
      const sy = Y >> 5;
      const ax = X & 31;
      const ay = Y & 31;
      const w3 = (ax * ay) << 5;
      const w1 = (ax << 10) - w3;
      const w2 = (ay << 10) - w3;
      const w0 = 32768 - w1 - w2 - w3;
      if (sx >= 0 && sy >= 0 && sx < maxX && sy < maxY) {
        const i0 = (sy * sw + sx) * 3;
        const i2 = i0 + stride;
        out[o] = (data[i0] * w0 + data[i0 + 3] * w1 + data[i2] * w2 + data[i2 + 3] * w3 + 16384) >> 15;
        out[o + 1] = (data[i0 + 1] * w0 + data[i0 + 4] * w1 + data[i2 + 1] * w2 + data[i2 + 4] * w3 + 16384) >> 15;
        out[o + 2] = (data[i0 + 2] * w0 + data[i0 + 5] * w1 + data[i2 + 2] * w2 + data[i2 + 5] * w3 + 16384) >> 15;
      } else if (replicate) {
        const x0 = sx < 0 ? 0 : sx > maxX ? maxX : sx;
        const x1 = sx + 1 < 0 ? 0 : sx + 1 > maxX ? maxX : sx + 1;
        const y0 = sy < 0 ? 0 : sy > maxY ? maxY : sy;
        const y1 = sy + 1 < 0 ? 0 : sy + 1 > maxY ? maxY : sy + 1;
        const i0 = (y0 * sw + x0) * 3;
        const i1 = (y0 * sw + x1) * 3;
        const i2 = (y1 * sw + x0) * 3;
        const i3 = (y1 * sw + x1) * 3;
        out[o] = (data[i0] * w0 + data[i1] * w1 + data[i2] * w2 + data[i3] * w3 + 16384) >> 15;
        out[o + 1] = (data[i0 + 1] * w0 + data[i1 + 1] * w1 + data[i2 + 1] * w2 + data[i3 + 1] * w3 + 16384) >> 15;
        out[o + 2] = (data[i0 + 2] * w0 + data[i1 + 2] * w1 + data[i2 + 2] * w2 + data[i3 + 2] * w3 + 16384) >> 15;
      } else if (sx >= -1 && sy >= -1 && sx <= maxX && sy <= maxY) {
        // BORDER_CONSTANT at the edge: neighbours outside the image count as zeros.
        const inX0 = sx >= 0;
        const inX1 = sx < maxX;
        const inY0 = sy >= 0;
        const inY1 = sy < maxY;
        const i0 = (sy * sw + sx) * 3;
        const i2 = i0 + stride;
        for (let ch = 0; ch < 3; ch++) {
          const sum =
            (inX0 && inY0 ? data[i0 + ch] * w0 : 0) +
            (inX1 && inY0 ? data[i0 + 3 + ch] * w1 : 0) +
            (inX0 && inY1 ? data[i2 + ch] * w2 : 0) +
            (inX1 && inY1 ? data[i2 + 3 + ch] * w3 : 0);
          out[o + ch] = (sum + 16384) >> 15;
        }
      }
    }
  }
  return out;
}

/** Channel order, normalisation and layout of a model input. */
export interface TensorLayout {
  /** Order of the three planes in the tensor. */
  channels: 'rgb' | 'bgr';
  /** Per-plane value = (pixel − mean) / std, pixel in 0–255. */
  mean: number;
  std: number;
}

/** HWC RGB (uint8 or float, 0–255) → NCHW float32 with the given layout. */
export function toNchw(hwc: ArrayLike<number>, width: number, height: number, layout: TensorLayout): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  const [r, g, b] = layout.channels === 'rgb' ? [0, plane, 2 * plane] : [2 * plane, plane, 0];
  const { mean } = layout;
  const scale = 1 / layout.std;
  for (let i = 0, s = 0; i < plane; i++, s += 3) {
    out[r + i] = (hwc[s] - mean) * scale;
    out[g + i] = (hwc[s + 1] - mean) * scale;
    out[b + i] = (hwc[s + 2] - mean) * scale;
  }
  return out;
}

/**
 * Separable Gaussian blur of a single-channel float image, kernel size and border as OpenCV's
 * `GaussianBlur(src, (0, 0), sigma)` on float data: `ksize = round(sigma · 8 + 1) | 1`, BORDER_REFLECT_101.
 */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const ksize = Math.round(sigma * 8 + 1) | 1;
  const radius = (ksize - 1) >> 1;
  const kernel = new Float32Array(ksize);
  let sum = 0;
  for (let i = 0; i < ksize; i++) {
    kernel[i] = Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma));
    sum += kernel[i];
  }
  for (let i = 0; i < ksize; i++) kernel[i] /= sum;
  const reflect = (i: number, n: number): number => {
    if (n === 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
    return i;
  };
  const tmp = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * src[y * width + reflect(x + k, width)];
      tmp[y * width + x] = acc;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += kernel[k + radius] * tmp[reflect(y + k, height) * width + x];
      out[y * width + x] = acc;
    }
  }
  return out;
}

/** Copies a region of an image (clamped to its bounds). */
export function cropImage(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  const out = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * 3;
    out.set(image.data.subarray(start, start + width * 3), row * width * 3);
  }
  return { width, height, data: out };
}

/** The alpha plane of interleaved grey+alpha or RGBA pixels; undefined when every pixel is opaque. */
export function alphaOf(data: Uint8Array, channels: number): Uint8Array | undefined {
  const pixels = data.length / channels;
  const alpha = new Uint8Array(pixels);
  let opaque = true;
  for (let i = 0; i < pixels; i++) {
    const a = data[i * channels + channels - 1];
    alpha[i] = a;
    if (a !== 255) opaque = false;
  }
  return opaque ? undefined : alpha;
}

/** Interleaves RGB and an alpha plane into RGBA. */
export function withAlphaChannel(rgb: Uint8Array, alpha: Uint8Array): Uint8Array {
  const out = new Uint8Array(alpha.length * 4);
  for (let i = 0; i < alpha.length; i++) {
    out[i * 4] = rgb[i * 3];
    out[i * 4 + 1] = rgb[i * 3 + 1];
    out[i * 4 + 2] = rgb[i * 3 + 2];
    out[i * 4 + 3] = alpha[i];
  }
  return out;
}
