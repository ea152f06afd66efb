import type { RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import { addRowPatterns } from './add-pattern.js';
import { CODED_BITS, decodeMessage, encodeMessage } from './error-correction.js';

/**
 * Invisible watermark: a spread-spectrum pattern in luminance, laid out on a canonical grid.
 *
 * The pattern is defined in *working units*: the image's long side is always {@link WORK} units,
 * whatever its size in pixels, so downscaling the image leaves the pattern where it was in working
 * units and a crop that keeps ≥ 90 % of each side only rescales it by 1–1.11 and shifts it. A tile
 * of 16×16 cells of {@link CELL}×{@link CELL} units repeats over the grid; each cell carries a smooth
 * sin² bump (no block edges) with sign ±1: {@link CODED_BITS} cells carry the convolutionally coded,
 * CRC-32-protected 64-bit payload and the remaining cells a known pilot pattern.
 *
 * Detection resamples the luminance onto the working grid, removes the image's local mean and
 * weights each sample by its neighbourhood's activity (textured areas count less), then
 * for each scale of a small grid folds all tiles onto one (summing every tile's evidence), applies
 * the cell's matched filter and finds the tile phase by correlating with the pilot cells. Only the
 * few best (scale, phase) candidates whose pilot correlation clears a threshold calibrated on
 * unmarked images are decoded, and a decoded payload counts only when its CRC-32 matches: at most
 * {@link MAX_DECODE_ATTEMPTS} attempts per image, each accepting noise with probability 2⁻³², bound the
 * false-positive rate by 4·2⁻³² ≈ 9.3·10⁻¹⁰ per image.
 *
 * Embedding does not look at the image: it adds a precomputed row pattern per cell row, so it costs
 * one pass over the pixels.
 */
export const WORK = 256;
const CELL = 4;
const SIDE = 16;
const TILE = CELL * SIDE;
const CELLS = SIDE * SIDE;
const PILOTS = CELLS - CODED_BITS;
/** Peak amplitude in 8-bit levels; the bump's RMS is 0.375 of it (≈ 40.5 dB PSNR after rounding). */
const AMPLITUDE = 6.4;
export const MAX_DECODE_ATTEMPTS = 4;
/**
 * Pilot statistic a candidate needs to be decoded. Measured (bench:watermark): at most 5.3 on 46
 * unmarked images (photos, crops, re-encodes, noise), at least 7.8 on marks at the smallest size
 * after crop + 50 % + JPEG q75.
 * It limits decoding work; the CRC-32 over at most {@link MAX_DECODE_ATTEMPTS} attempts is what
 * bounds false positives.
 */
export const PILOT_THRESHOLD = 6.5;
/** Scales searched: observed working units per canonical unit (a crop keeping 86–103 % of the long side). */
const MIN_SCALE = 0.97;
const MAX_SCALE = 1.16;

/**
 * The smallest image a watermark is claimed for: long side ≥ 512 px and short side ≥ 288 px (a
 * 512 px wide 16:9 frame), the smallest size at which surviving JPEG q75, 50 % downscaling and a 10 %
 * crop together is tested. Below it the pipeline leaves images unmarked and says so rather than
 * claim a mark nobody has shown to hold.
 */
export const MIN_WATERMARK_LONG_SIDE = 512;
export const MIN_WATERMARK_SHORT_SIDE = 288;

/** A detected watermark. */
export interface WatermarkDetection {
  /** The 64-bit payload as 16 lower-case hex digits. */
  payload: string;
  /** 0–1: agreement of the received signal with the re-encoded payload. */
  confidence: number;
  /** Estimated scale of the image's long side relative to when it was marked (1 = uncropped). */
  scale: number;
}

/** Whether an image of this size can carry a watermark, and why not. */
export function watermarkSupport(
  width: number,
  height: number,
): { supported: true } | { supported: false; reason: string } {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long >= MIN_WATERMARK_LONG_SIDE && short >= MIN_WATERMARK_SHORT_SIDE) return { supported: true };
  return {
    supported: false,
    reason:
      `image_too_small: ${width}×${height} is below the smallest watermarkable size ` +
      `(long side ≥ ${MIN_WATERMARK_LONG_SIDE} px, short side ≥ ${MIN_WATERMARK_SHORT_SIDE} px)`,
  };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cell layout: CELL_BIT[c] is the coded bit cell c carries, or -1 for a pilot; CELL_SIGN its sign. */
const { CELL_BIT, CELL_SIGN, PILOT_CELLS } = (() => {
  const random = mulberry32(0x5eed_f00d);
  const order = Array.from({ length: CELLS }, (_, i) => i);
  for (let i = CELLS - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cellBit = new Int32Array(CELLS);
  const cellSign = new Float32Array(CELLS);
  const pilots = new Int32Array(PILOTS);
  order.forEach((cell, rank) => {
    cellBit[cell] = rank < CODED_BITS ? rank : -1;
    if (rank >= CODED_BITS) pilots[rank - CODED_BITS] = cell;
  });
  for (let i = 0; i < CELLS; i++) cellSign[i] = random() < 0.5 ? -1 : 1;
  return { CELL_BIT: cellBit, CELL_SIGN: cellSign, PILOT_CELLS: pilots };
})();

/** The bump's weight at each working sample of a cell (sample centres at u + 0.5). */
const BUMP = Float32Array.from({ length: CELL }, (_, u) => Math.sin((Math.PI * (u + 0.5)) / CELL) ** 2);

/** Parses a 64-bit payload given as 16 hex digits, a bigint or 8 bytes. */
export function parsePayload(payload: string | bigint | Uint8Array): Uint8Array {
  if (payload instanceof Uint8Array) {
    if (payload.length !== 8)
      throw inferenceError(InferenceErrorCode.RequestInvalid, 'A watermark payload is exactly 8 bytes.');
    return payload;
  }
  const hex = typeof payload === 'bigint' ? payload.toString(16).padStart(16, '0') : payload;
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) {
    throw inferenceError(InferenceErrorCode.RequestInvalid, 'A watermark payload is 64 bits: 16 hex digits.');
  }
  return Uint8Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** ±1 chip of every cell of the tile for a payload. */
function cellChips(payload: Uint8Array): Float32Array {
  const code = encodeMessage(payload);
  const chips = new Float32Array(CELLS);
  for (let cell = 0; cell < CELLS; cell++) {
    const bit = CELL_BIT[cell];
    chips[cell] = (bit < 0 ? 1 : code[bit] ? 1 : -1) * CELL_SIGN[cell];
  }
  return chips;
}

/** Per pixel along one axis: the tile cell it falls in and its bump weight (pixel centres on the canonical grid). */
function axisLayout(pixels: number, unitsPerPixel: number): { cell: Uint8Array; bump: Float32Array } {
  const cell = new Uint8Array(pixels);
  const bump = new Float32Array(pixels);
  for (let x = 0; x < pixels; x++) {
    const t = ((x + 0.5) * unitsPerPixel) / CELL;
    const whole = Math.floor(t);
    cell[x] = whole % SIDE;
    bump[x] = Math.sin(Math.PI * (t - whole)) ** 2;
  }
  return { cell, bump };
}

/**
 * Returns a copy of `image` carrying `payload` (16 hex digits, bigint or 8 bytes). `useSimd: false`
 * takes the scalar path (identical output; for tests and runtimes without WebAssembly SIMD).
 * @throws `image_too_small` below {@link MIN_WATERMARK_LONG_SIDE}×{@link MIN_WATERMARK_SHORT_SIDE}
 *   (check {@link watermarkSupport} first).
 */
export function embedWatermark(image: RgbImage, payload: string | bigint | Uint8Array, useSimd = true): RgbImage {
  const { width, height, data } = image;
  const support = watermarkSupport(width, height);
  if (!support.supported) throw inferenceError(InferenceErrorCode.ImageTooSmall, support.reason);
  const chips = cellChips(parsePayload(payload));
  const unitsPerPixel = WORK / Math.max(width, height);
  const cols = axisLayout(width, unitsPerPixel);
  const rows = axisLayout(height, unitsPerPixel);
  // One row pattern per row of cells (levels × 256); a pixel row is its cell row's pattern times
  // the row's bump (Q15), added to R, G and B alike.
  const patterns = Array.from({ length: SIDE }, (_, cy) =>
    Int16Array.from({ length: width }, (_, x) =>
      Math.round(chips[cy * SIDE + cols.cell[x]] * cols.bump[x] * AMPLITUDE * 256),
    ),
  );
  const weights = Int32Array.from(rows.bump, (b) => Math.round(b * 32767));
  return { width, height, data: addRowPatterns(data, width, patterns, rows.cell, weights, useSimd) };
}

/** Taps of an antialiased linear resampler along one axis (triangle filter widened when shrinking). */
function resampleTaps(source: number, target: number, ratio: number): { start: Int32Array; weights: Float32Array[] } {
  const radius = Math.max(1, ratio);
  const start = new Int32Array(target);
  const weights: Float32Array[] = [];
  for (let j = 0; j < target; j++) {
    const centre = (j + 0.5) * ratio - 0.5;
    const lo = Math.max(0, Math.ceil(centre - radius));
    const hi = Math.min(source - 1, Math.floor(centre + radius));
    const w = new Float32Array(Math.max(1, hi - lo + 1));
    let sum = 0;
    for (let i = lo; i <= hi; i++) {
      w[i - lo] = Math.max(0, 1 - Math.abs(i - centre) / radius);
      sum += w[i - lo];
    }
    for (let i = 0; i < w.length; i++) w[i] = sum > 0 ? w[i] / sum : 1 / w.length;
    start[j] = Math.min(lo, source - 1);
    weights.push(w);
  }
  return { start, weights };
}

interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/** Luminance resampled onto the working grid (long side = {@link WORK} samples). */
function workingLuma(image: RgbImage): Plane {
  const { width, height, data } = image;
  const fullRatio = Math.max(width, height) / WORK;
  const w = Math.max(1, Math.round(width / fullRatio));
  const h = Math.max(1, Math.round(height / fullRatio));
  // Average f×f blocks first (one add per pixel), keeping ≥ 2 block samples per working sample for
  // the triangle filter; block centres keep the same sample-centre mapping at ratio / f.
  const f = Math.max(1, Math.floor(fullRatio / 2));
  const bw = Math.floor(width / f);
  const bh = Math.floor(height / f);
  const blocks = new Float32Array(bw * bh);
  const scale = 1 / (f * f);
  for (let y = 0; y < bh * f; y++) {
    const row = Math.floor(y / f) * bw;
    let o = y * width * 3;
    for (let bx = 0; bx < bw; bx++) {
      let acc = 0;
      for (let k = 0; k < f; k++, o += 3) acc += 0.299 * data[o] + 0.587 * data[o + 1] + 0.114 * data[o + 2];
      blocks[row + bx] += acc * scale;
    }
  }
  const ratio = fullRatio / f;
  const cols = resampleTaps(bw, w, ratio);
  const rows = resampleTaps(bh, h, ratio);
  const horizontal = new Float32Array(bh * w);
  for (let y = 0; y < bh; y++) {
    const line = y * bw;
    for (let j = 0; j < w; j++) {
      const taps = cols.weights[j];
      const s = line + cols.start[j];
      let acc = 0;
      for (let t = 0; t < taps.length; t++) acc += blocks[s + t] * taps[t];
      horizontal[y * w + j] = acc;
    }
  }
  const out = new Float32Array(w * h);
  for (let i = 0; i < h; i++) {
    const taps = rows.weights[i];
    const s = rows.start[i];
    for (let t = 0; t < taps.length; t++) {
      const weight = taps[t];
      const row = (s + t) * w;
      for (let j = 0; j < w; j++) out[i * w + j] += horizontal[row + j] * weight;
    }
  }
  return { width: w, height: h, data: out };
}

/** Mean over a (2r+1)² box, edges replicated; two running-sum passes. */
function boxMean(src: Float32Array, width: number, height: number, radius: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const norm = 1 / (2 * radius + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let acc = 0;
    for (let d = -radius; d <= radius; d++) acc += src[row + Math.min(Math.max(d, 0), width - 1)];
    for (let x = 0; x < width; x++) {
      tmp[row + x] = acc * norm;
      acc += src[row + Math.min(x + radius + 1, width - 1)] - src[row + Math.max(x - radius, 0)];
    }
  }
  for (let x = 0; x < width; x++) {
    let acc = 0;
    for (let d = -radius; d <= radius; d++) acc += tmp[Math.min(Math.max(d, 0), height - 1) * width + x];
    for (let y = 0; y < height; y++) {
      out[y * width + x] = acc * norm;
      acc += tmp[Math.min(y + radius + 1, height - 1) * width + x] - tmp[Math.max(y - radius, 0) * width + x];
    }
  }
  return out;
}

/**
 * Whitened residual: the plane minus its 3×3 mean, divided by the residual energy around it (the
 * optimal weighting when the image is the noise: busy texture counts less than flat areas), then
 * clipped at 3 RMS so a few strong edges cannot dominate.
 */
function residual(plane: Plane): Float32Array {
  const { width, height, data } = plane;
  const mean = boxMean(data, width, height, 1);
  const out = new Float32Array(data.length);
  const square = new Float32Array(data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = data[i] - mean[i];
    square[i] = out[i] * out[i];
  }
  const local = boxMean(square, width, height, 2);
  let energy = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] /= local[i] + 1;
    energy += out[i] * out[i];
  }
  const limit = 3 * Math.sqrt(energy / out.length) + 1e-9;
  for (let i = 0; i < out.length; i++) out[i] = out[i] > limit ? limit : out[i] < -limit ? -limit : out[i];
  return out;
}

/**
 * Folds the residual, sampled at canonical positions (observed = canonical · scale, centred), onto
 * one tile and applies the cell's matched filter: F[y·TILE + x] = Σ bump · folded at offset (x, y).
 */
function foldAndFilter(res: Float32Array, width: number, height: number, scale: number): Float32Array {
  const cw = Math.floor((width - 1) / scale);
  const ch = Math.floor((height - 1) / scale);
  const x0 = (width - 1 - (cw - 1) * scale) / 2;
  const y0 = (height - 1 - (ch - 1) * scale) / 2;
  const folded = new Float32Array(TILE * TILE);
  const ix = new Int32Array(cw);
  const fx = new Float32Array(cw);
  for (let X = 0; X < cw; X++) {
    const sx = x0 + X * scale;
    ix[X] = Math.min(Math.floor(sx), width - 2);
    fx[X] = sx - ix[X];
  }
  for (let Y = 0; Y < ch; Y++) {
    const sy = y0 + Y * scale;
    const iy = Math.min(Math.floor(sy), height - 2);
    const fy = sy - iy;
    const frow = (Y % TILE) * TILE;
    for (let X = 0; X < cw; X++) {
      const p = iy * width + ix[X];
      const f = fx[X];
      const top = res[p] + (res[p + 1] - res[p]) * f;
      const bottom = res[p + width] + (res[p + width + 1] - res[p + width]) * f;
      folded[frow + (X % TILE)] += top + (bottom - top) * fy;
    }
  }
  const horizontal = new Float32Array(TILE * TILE);
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      let acc = 0;
      for (let u = 0; u < CELL; u++) acc += folded[y * TILE + ((x + u) % TILE)] * BUMP[u];
      horizontal[y * TILE + x] = acc;
    }
  }
  const filtered = new Float32Array(TILE * TILE);
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      let acc = 0;
      for (let v = 0; v < CELL; v++) acc += horizontal[((y + v) % TILE) * TILE + x] * BUMP[v];
      filtered[y * TILE + x] = acc;
    }
  }
  return filtered;
}

interface Candidate {
  scale: number;
  /** Tile phase in working samples. */
  px: number;
  py: number;
  /** Pilot correlation as a z-score. */
  z: number;
}

const PILOT_OFFSETS = Int32Array.from(PILOT_CELLS, (c) => Math.floor(c / SIDE) * CELL * 2 * TILE + (c % SIDE) * CELL);
const PILOT_SIGNS = Float32Array.from(PILOT_CELLS, (c) => CELL_SIGN[c]);

/**
 * The best tile phase of a filtered fold by pilot correlation: the t-statistic of the pilots' mean
 * (sign-corrected) against their spread, ≈ Student's t with PILOTS − 1 degrees of freedom without a mark.
 */
function pilotPhase(filtered: Float32Array, scale: number): Candidate {
  // The tile twice in each direction, so a phase shift needs no modulo.
  const side = 2 * TILE;
  const doubled = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) doubled[y * side + x] = filtered[(y % TILE) * TILE + (x % TILE)];
  }
  let best: Candidate = { scale, px: 0, py: 0, z: -Infinity };
  for (let py = 0; py < TILE; py++) {
    for (let px = 0; px < TILE; px++) {
      const base = py * side + px;
      let corr = 0;
      let power = 0;
      for (let p = 0; p < PILOTS; p++) {
        const v = doubled[base + PILOT_OFFSETS[p]];
        corr += v * PILOT_SIGNS[p];
        power += v * v;
      }
      const mean = corr / PILOTS;
      const z = mean / Math.sqrt(Math.max(power / PILOTS - mean * mean, 1e-12) / (PILOTS - 1));
      if (z > best.z) best = { scale, px, py, z };
    }
  }
  return best;
}

/** Soft coded bits read at a tile phase. */
function softBits(filtered: Float32Array, px: number, py: number): Float64Array {
  const soft = new Float64Array(CODED_BITS);
  for (let cell = 0; cell < CELLS; cell++) {
    const bit = CELL_BIT[cell];
    if (bit < 0) continue;
    const x = ((cell % SIDE) * CELL + px) % TILE;
    const y = (Math.floor(cell / SIDE) * CELL + py) % TILE;
    soft[bit] = filtered[y * TILE + x] * CELL_SIGN[cell];
  }
  return soft;
}

/** Diagnostics of a detection run, for calibration and benchmarks. */
export interface WatermarkSearch {
  detection: WatermarkDetection | null;
  /** The highest pilot correlation found over all scales and phases. */
  bestPilotZ: number;
}

/**
 * Looks for a watermark. Handles re-encoding, resizing (any scale; the grid is relative to the
 * image) and crops that keep ≥ 86 % of the long side. Returns `null` for unmarked images.
 */
export function detectWatermark(image: RgbImage): WatermarkDetection | null {
  return searchWatermark(image).detection;
}

/** {@link detectWatermark} with the search's best pilot correlation (for calibration). */
export function searchWatermark(image: RgbImage): WatermarkSearch {
  if (image.width < 16 || image.height < 16) return { detection: null, bestPilotZ: 0 };
  const plane = workingLuma(image);
  const { width, height } = plane;
  if (width < TILE + 2 || height < TILE + 2) return { detection: null, bestPilotZ: 0 };
  const res = residual(plane);
  const coarse: Candidate[] = [];
  for (let scale = MIN_SCALE; scale <= MAX_SCALE; scale *= 1.005) {
    coarse.push(pilotPhase(foldAndFilter(res, width, height, scale), scale));
  }
  coarse.sort((a, b) => b.z - a.z);
  let bestPilotZ = coarse[0]?.z ?? 0;
  // Refine the best scales (each once, at most twice the decode budget), decode those that pass.
  const refinedScales: number[] = [];
  let attempts = 0;
  for (const candidate of coarse) {
    if (attempts >= MAX_DECODE_ATTEMPTS || refinedScales.length >= 2 * MAX_DECODE_ATTEMPTS) break;
    if (candidate.z < PILOT_THRESHOLD - 1) break;
    if (refinedScales.some((s) => Math.abs(Math.log(s / candidate.scale)) < 0.006)) continue;
    refinedScales.push(candidate.scale);
    let refined = candidate;
    let refinedFold = foldAndFilter(res, width, height, candidate.scale);
    for (let step = -3; step <= 3; step++) {
      if (step === 0) continue;
      const scale = candidate.scale * (1 + step * 0.001);
      const fold = foldAndFilter(res, width, height, scale);
      const fit = pilotPhase(fold, scale);
      if (fit.z > refined.z) {
        refined = fit;
        refinedFold = fold;
      }
    }
    bestPilotZ = Math.max(bestPilotZ, refined.z);
    if (refined.z < PILOT_THRESHOLD) continue;
    attempts++;
    const soft = softBits(refinedFold, refined.px, refined.py);
    const payload = decodeMessage(soft);
    if (payload) {
      const code = encodeMessage(payload);
      let agree = 0;
      let norm = 0;
      for (let i = 0; i < CODED_BITS; i++) {
        agree += (code[i] ? 1 : -1) * soft[i];
        norm += Math.abs(soft[i]);
      }
      return {
        detection: {
          payload: toHex(payload),
          confidence: Math.max(0, Math.min(1, agree / (norm || 1))),
          scale: refined.scale,
        },
        bestPilotZ,
      };
    }
  }
  return { detection: null, bestPilotZ };
}

/** Peak signal-to-noise ratio between two same-sized images, in dB. */
export function psnr(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i] - b.data[i]) ** 2;
  const mse = sum / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
