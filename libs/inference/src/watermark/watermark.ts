import type { RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import { CODED_BITS, decodeMessage, encodeMessage } from './error-correction.js';

/**
 * Invisible watermark: a tiled spread-spectrum pattern in luminance.
 *
 * Each 128×128 tile holds 16×16 cells of 8×8 px; cell i carries coded bit `CELL_BIT[i]` (204 coded
 * bits of a CRC-protected, convolutionally coded 64-bit payload) with a pseudo-random sign, shaped by
 * a smooth sin² bump so there are no block edges to see. The same tile repeats over the whole image,
 * so a crop only shifts its phase and a resize only changes its period: the detector searches scale
 * and phase, folds all tiles onto one (summing the evidence of every tile), and decodes.
 *
 * False positives: the decoder accepts only when the 32-bit CRC of the decoded payload matches, so an
 * unmarked image passes with probability 2⁻³² ≈ 2.3·10⁻¹⁰ per decoding attempt; detection makes at
 * most {@link MAX_DECODE_ATTEMPTS} (6) attempts, bounding the rate by ≈ 1.4·10⁻⁹ (< 10⁻⁶).
 */
export const TILE = 128;
const CELL = 8;
const CELLS_PER_SIDE = TILE / CELL;
const CELLS = CELLS_PER_SIDE * CELLS_PER_SIDE;
/** Peak amplitude in 8-bit levels; RMS is 0.375 of it (≈ 41 dB PSNR after rounding). */
const AMPLITUDE = 6.5;
export const MAX_DECODE_ATTEMPTS = 6;

/** A detected watermark. */
export interface WatermarkDetection {
  /** The 64-bit payload as 16 lower-case hex digits. */
  payload: string;
  /** 0–1: agreement of the received signal with the re-encoded payload. */
  confidence: number;
  /** Estimated scale of the image relative to when it was marked. */
  scale: number;
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

const { CELL_BIT, CELL_SIGN } = (() => {
  const random = mulberry32(0x5eed_f00d);
  const order = Array.from({ length: CELLS }, (_, i) => i);
  for (let i = CELLS - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cellBit = new Int32Array(CELLS);
  const cellSign = new Float32Array(CELLS);
  order.forEach((cell, rank) => {
    cellBit[cell] = rank % CODED_BITS;
  });
  for (let i = 0; i < CELLS; i++) cellSign[i] = random() < 0.5 ? -1 : 1;
  return { CELL_BIT: cellBit, CELL_SIGN: cellSign };
})();

const BUMP = (() => {
  const bump = new Float32Array(CELL * CELL);
  for (let v = 0; v < CELL; v++) {
    for (let u = 0; u < CELL; u++)
      bump[v * CELL + u] =
        Math.sin((Math.PI * (u + 0.5)) / CELL) ** 2 * Math.sin((Math.PI * (v + 0.5)) / CELL) ** 2 * 2;
  }
  return bump;
})();

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

/** The additive luminance pattern of one tile for a payload. */
function tilePattern(payload: Uint8Array): Float32Array {
  const code = encodeMessage(payload);
  const pattern = new Float32Array(TILE * TILE);
  for (let cy = 0; cy < CELLS_PER_SIDE; cy++) {
    for (let cx = 0; cx < CELLS_PER_SIDE; cx++) {
      const cell = cy * CELLS_PER_SIDE + cx;
      const chip = (code[CELL_BIT[cell]] ? 1 : -1) * CELL_SIGN[cell] * AMPLITUDE;
      for (let v = 0; v < CELL; v++) {
        for (let u = 0; u < CELL; u++)
          pattern[(cy * CELL + v) * TILE + cx * CELL + u] = chip * BUMP[v * CELL + u] * 0.5;
      }
    }
  }
  return pattern;
}

/**
 * Returns a copy of `image` carrying `payload` (16 hex digits, bigint or 8 bytes).
 * @throws `image_too_small` below one tile (128×128).
 */
export function embedWatermark(image: RgbImage, payload: string | bigint | Uint8Array): RgbImage {
  if (image.width < TILE || image.height < TILE) {
    throw inferenceError(InferenceErrorCode.ImageTooSmall, `Watermarking needs at least ${TILE}×${TILE} pixels.`);
  }
  const pattern = tilePattern(parsePayload(payload));
  const out = new Uint8Array(image.data.length);
  const { width, height, data } = image;
  for (let y = 0; y < height; y++) {
    const row = (y % TILE) * TILE;
    for (let x = 0; x < width; x++) {
      const delta = pattern[row + (x % TILE)];
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = Math.round(data[o + c] + delta);
        out[o + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { width, height, data: out };
}

/** Luminance minus its local mean (box of side 2r+1): keeps the pattern, drops image content. */
function residual(image: RgbImage, radius: number): Float32Array {
  const { width, height, data } = image;
  const luma = new Float32Array(width * height);
  for (let i = 0; i < luma.length; i++)
    luma[i] = 0.299 * data[i * 3] + 0.587 * data[i * 3 + 1] + 0.114 * data[i * 3 + 2];
  const tmp = new Float32Array(luma.length);
  for (let y = 0; y < height; y++) {
    let acc = 0;
    const row = y * width;
    for (let x = -radius; x <= radius; x++) acc += luma[row + Math.min(Math.max(x, 0), width - 1)];
    for (let x = 0; x < width; x++) {
      tmp[row + x] = acc;
      acc += luma[row + Math.min(x + radius + 1, width - 1)] - luma[row + Math.max(x - radius, 0)];
    }
  }
  const out = new Float32Array(luma.length);
  const norm = 1 / (2 * radius + 1) ** 2;
  for (let x = 0; x < width; x++) {
    let acc = 0;
    for (let y = -radius; y <= radius; y++) acc += tmp[Math.min(Math.max(y, 0), height - 1) * width + x];
    for (let y = 0; y < height; y++) {
      out[y * width + x] = luma[y * width + x] - acc * norm;
      acc += tmp[Math.min(y + radius + 1, height - 1) * width + x] - tmp[Math.max(y - radius, 0) * width + x];
    }
  }
  // Clip outliers (edges) so a few strong contours cannot dominate the correlation.
  for (let i = 0; i < out.length; i++) out[i] = out[i] > 12 ? 12 : out[i] < -12 ? -12 : out[i];
  return out;
}

/**
 * Folds a window of the residual, resampled by `scale` (observed = canonical · scale), onto one
 * tile and applies the cell matched filter. Returns F[y·TILE + x] = Σ bump · folded at offset (x, y).
 */
function foldAndFilter(res: Float32Array, width: number, height: number, scale: number, window: number): Float32Array {
  const cw = Math.min(Math.floor(width / scale), window);
  const ch = Math.min(Math.floor(height / scale), window);
  const x0 = (width - cw * scale) / 2;
  const y0 = (height - ch * scale) / 2;
  const folded = new Float32Array(TILE * TILE);
  for (let Y = 0; Y < ch; Y++) {
    const sy = y0 + Y * scale;
    const iy = Math.min(Math.floor(sy), height - 2);
    const fy = sy - iy;
    const frow = (Y % TILE) * TILE;
    for (let X = 0; X < cw; X++) {
      const sx = x0 + X * scale;
      const ix = Math.min(Math.floor(sx), width - 2);
      const fx = sx - ix;
      const p = iy * width + ix;
      const top = res[p] + (res[p + 1] - res[p]) * fx;
      const bottom = res[p + width] + (res[p + width + 1] - res[p + width]) * fx;
      folded[frow + (X % TILE)] += top + (bottom - top) * fy;
    }
  }
  const filtered = new Float32Array(TILE * TILE);
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      let acc = 0;
      for (let v = 0; v < CELL; v++) {
        const row = ((y + v) % TILE) * TILE;
        for (let u = 0; u < CELL; u++) acc += folded[row + ((x + u) % TILE)] * BUMP[v * CELL + u];
      }
      filtered[y * TILE + x] = acc;
    }
  }
  return filtered;
}

/**
 * How strongly the fold shows the cell grid: energy at the best sub-cell phase over the mean energy
 * of all 64 sub-cell phases (≈ 1 without a watermark, larger at the right scale).
 */
function periodicity(filtered: Float32Array): number {
  let best = 0;
  let sum = 0;
  for (let sy = 0; sy < CELL; sy++) {
    for (let sx = 0; sx < CELL; sx++) {
      let e = 0;
      for (let y = sy; y < TILE; y += CELL) {
        for (let x = sx; x < TILE; x += CELL) e += filtered[y * TILE + x] ** 2;
      }
      best = Math.max(best, e);
      sum += e;
    }
  }
  return best / (sum / (CELL * CELL) || 1);
}

interface PhaseFit {
  metric: number;
  soft: Float64Array;
}

/** Best tile phase for a filtered fold: sub-cell phase by energy, cell phase by payload structure. */
function bestPhase(filtered: Float32Array): PhaseFit {
  const energies: Array<{ sx: number; sy: number; e: number }> = [];
  for (let sy = 0; sy < CELL; sy++) {
    for (let sx = 0; sx < CELL; sx++) {
      let e = 0;
      for (let cy = 0; cy < CELLS_PER_SIDE; cy++) {
        for (let cx = 0; cx < CELLS_PER_SIDE; cx++) e += Math.abs(filtered[(cy * CELL + sy) * TILE + cx * CELL + sx]);
      }
      energies.push({ sx, sy, e });
    }
  }
  energies.sort((a, b) => b.e - a.e);
  let best: PhaseFit = { metric: -Infinity, soft: new Float64Array(CODED_BITS) };
  const soft = new Float64Array(CODED_BITS);
  const power = new Float64Array(CODED_BITS);
  for (const { sx, sy } of energies.slice(0, 2)) {
    for (let dy = 0; dy < CELLS_PER_SIDE; dy++) {
      for (let dx = 0; dx < CELLS_PER_SIDE; dx++) {
        soft.fill(0);
        power.fill(0);
        for (let cy = 0; cy < CELLS_PER_SIDE; cy++) {
          const y = ((cy + dy) % CELLS_PER_SIDE) * CELL + sy;
          for (let cx = 0; cx < CELLS_PER_SIDE; cx++) {
            const cell = cy * CELLS_PER_SIDE + cx;
            const value = filtered[y * TILE + ((cx + dx) % CELLS_PER_SIDE) * CELL + sx] * CELL_SIGN[cell];
            soft[CELL_BIT[cell]] += value;
            power[CELL_BIT[cell]] += value * value;
          }
        }
        let sum = 0;
        let total = 0;
        for (let b = 0; b < CODED_BITS; b++) {
          sum += Math.abs(soft[b]);
          total += power[b];
        }
        const metric = sum / Math.sqrt(total * CODED_BITS || 1);
        if (metric > best.metric) best = { metric, soft: Float64Array.from(soft) };
      }
    }
  }
  return best;
}

/**
 * Looks for a watermark. Handles re-encoding, resizing (scales 0.45–1.1 of the marked size) and
 * cropping (any offset). Returns `null` for unmarked images.
 */
export function detectWatermark(image: RgbImage): WatermarkDetection | null {
  if (image.width < 64 || image.height < 64) return null;
  const res = residual(image, 6);
  const { width, height } = image;
  const coarse: Array<{ scale: number; metric: number }> = [];
  // 0.5 % steps: over the 512 px search window the worst scale error drifts the grid by ≤ 1.3 px.
  for (let scale = 0.45; scale <= 1.1; scale *= 1.005) {
    if (width / scale < TILE || height / scale < TILE) continue;
    coarse.push({ scale, metric: periodicity(foldAndFilter(res, width, height, scale, 512)) });
  }
  coarse.sort((a, b) => b.metric - a.metric);
  const tried: number[] = [];
  for (const candidate of coarse) {
    if (tried.length >= MAX_DECODE_ATTEMPTS) break;
    if (tried.some((s) => Math.abs(Math.log(s / candidate.scale)) < 0.008)) continue;
    tried.push(candidate.scale);
    let refined = { scale: candidate.scale, metric: -Infinity };
    for (let step = -3; step <= 3; step++) {
      const scale = candidate.scale * (1 + step * 0.001);
      const metric = bestPhase(foldAndFilter(res, width, height, scale, 512)).metric;
      if (metric > refined.metric) refined = { scale, metric };
    }
    const fit = bestPhase(foldAndFilter(res, width, height, refined.scale, Infinity));
    const payload = decodeMessage(fit.soft);
    if (payload) {
      const code = encodeMessage(payload);
      let agree = 0;
      let norm = 0;
      for (let i = 0; i < CODED_BITS; i++) {
        agree += (code[i] ? 1 : -1) * fit.soft[i];
        norm += Math.abs(fit.soft[i]);
      }
      return {
        payload: toHex(payload),
        confidence: Math.max(0, Math.min(1, agree / (norm || 1))),
        scale: refined.scale,
      };
    }
  }
  return null;
}

/** Peak signal-to-noise ratio between two same-sized images, in dB. */
export function psnr(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i] - b.data[i]) ** 2;
  const mse = sum / a.data.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
