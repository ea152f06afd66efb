import type { Affine, RgbImage } from '../inference.types.js';
import { invertAffine } from '../geometry/affine.js';

/**
 * Bilinear resize with OpenCV's INTER_LINEAR pixel-centre convention
 * (`src = (dst + 0.5) · scale − 0.5`, clamped at the edges).
 */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  const { width: sw, height: sh, data } = image;
  const out = new Uint8Array(width * height * 3);
  const sx = sw / width;
  const sy = sh / height;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const fxs = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0 * 3;
    x1s[x] = Math.min(x0 + 1, sw - 1) * 3;
    fxs[x] = fx - x0;
  }
  // Values are ≥ 0, so `+ 0.5` and the Uint8Array's truncation round as Math.round does, much faster.
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const wy = fy - y0;
    const row0 = y0 * sw * 3;
    const row1 = Math.min(y0 + 1, sh - 1) * sw * 3;
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
 * Warps `image` into a `width`×`height` crop: crop pixel p samples the image at `matrix⁻¹ · p`
 * (bilinear). `matrix` maps image coordinates to crop coordinates, as FaceFusion's affine matrices
 * do. Out-of-image samples replicate the nearest edge pixel (BORDER_REPLICATE). Returns HWC float
 * RGB in 0–255.
 */
export function warpAffine(image: RgbImage, matrix: Affine, width: number, height: number): Float32Array {
  const [ia, ib, ic, id, ie, ig] = invertAffine(matrix);
  const { width: sw, height: sh, data } = image;
  const out = new Float32Array(width * height * 3);
  const maxX = sw - 1;
  const maxY = sh - 1;
  let o = 0;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++, o += 3) {
      let x = ia * u + ib * v + ic;
      let y = id * u + ie * v + ig;
      x = x < 0 ? 0 : x > maxX ? maxX : x;
      y = y < 0 ? 0 : y > maxY ? maxY : y;
      // Clamped to ≥ 0, so truncation is the floor (and much faster than Math.floor).
      const x0 = x | 0;
      const y0 = y | 0;
      const dx = x0 < maxX ? 3 : 0;
      const dy = y0 < maxY ? sw * 3 : 0;
      const wx = x - x0;
      const wy = y - y0;
      const a = (y0 * sw + x0) * 3;
      const b = a + dx;
      const c = a + dy;
      const d = c + dx;
      let top = data[a] + (data[b] - data[a]) * wx;
      let bottom = data[c] + (data[d] - data[c]) * wx;
      out[o] = top + (bottom - top) * wy;
      top = data[a + 1] + (data[b + 1] - data[a + 1]) * wx;
      bottom = data[c + 1] + (data[d + 1] - data[c + 1]) * wx;
      out[o + 1] = top + (bottom - top) * wy;
      top = data[a + 2] + (data[b + 2] - data[a + 2]) * wx;
      bottom = data[c + 2] + (data[d + 2] - data[c + 2]) * wx;
      out[o + 2] = top + (bottom - top) * wy;
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
