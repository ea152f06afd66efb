import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { ensureRealFixtures } from '#test/fixtures/real-fixtures';
import type { Affine, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { DETECTOR_SPECS, prepareDetectorInput } from '../models/detectors.js';
import { createBoxMask, pasteBack } from '../pipeline/paste-back.js';
import { loadImageCodec } from './load-image-codec.js';
import { gaussianBlur, resizeBilinear, toNchw, warpAffine, type TensorLayout } from './image-ops.js';

// The image path's loops are written for speed (row-wise index arithmetic, truncation instead of
// Math.floor/Math.round on non-negative values, lookup tables). These are plain per-pixel definitions:
// for the warp and the paste-back, OpenCV's `warpAffine` and FaceFusion's `paste_back` (which the
// parity suite in test/parity checks against OpenCV itself), matched exactly; for the resize and the
// letterbox, the float bilinear they replaced, matched within one level.

/** Channel `c` of pixel (x, y) of an interleaved image `width` pixels wide. */
function at(data: ArrayLike<number>, width: number, channels: number, c: number, x: number, y: number): number {
  return data[(y * width + x) * channels + c];
}

/** Bilinear sample of channel `c` between the four pixels (x0 | x1, y0 | y1). */
function lerp2(
  data: ArrayLike<number>,
  width: number,
  channels: number,
  c: number,
  [x0, x1, fx]: [number, number, number],
  [y0, y1, fy]: [number, number, number],
): number {
  const top = at(data, width, channels, c, x0, y0) * (1 - fx) + at(data, width, channels, c, x1, y0) * fx;
  const bottom = at(data, width, channels, c, x0, y1) * (1 - fx) + at(data, width, channels, c, x1, y1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/** Neighbours and weight of coordinate `p` clamped into [0, n − 1]. */
function clampedTaps(p: number, n: number): [number, number, number] {
  const q = Math.min(Math.max(p, 0), n - 1);
  const p0 = Math.floor(q);
  return [p0, Math.min(p0 + 1, n - 1), q - p0];
}

function referenceResize(image: RgbImage, width: number, height: number): Uint8Array {
  const { width: sw, height: sh, data } = image;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const ty = clampedTaps((y + 0.5) * (sh / height) - 0.5, sh);
    for (let x = 0; x < width; x++) {
      const tx = clampedTaps((x + 0.5) * (sw / width) - 0.5, sw);
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = Math.round(lerp2(data, sw, 3, c, tx, ty));
    }
  }
  return out;
}

function referenceLetterbox(image: RgbImage, [dw, dh]: [number, number], layout: TensorLayout): Float32Array {
  const scale = Math.min(dw / image.width, dh / image.height);
  const shrink = image.width > dw || image.height > dh;
  const width = shrink ? Math.max(1, Math.floor(image.width * scale)) : image.width;
  const height = shrink ? Math.max(1, Math.floor(image.height * scale)) : image.height;
  const pixels = shrink ? referenceResize(image, width, height) : image.data;
  const order = layout.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const tensor = new Float32Array(dw * dh * 3);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < dh; y++) {
      for (let x = 0; x < dw; x++) {
        const value = x < width && y < height ? pixels[(y * width + x) * 3 + order[c]] : 0;
        tensor[(c * dh + y) * dw + x] = (value - layout.mean) / layout.std;
      }
    }
  }
  return tensor;
}

/** OpenCV's `cvRound` (`lrint`): to nearest, ties to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Where OpenCV's `warpAffine` samples for destination pixel (u, v), `inverse` mapping destination to
 * source: the position in fixed point (`AB_BITS` 10) rounded to 1/32 px (`INTER_BITS` 5), split into
 * the top-left neighbour and the 5-bit fractions.
 */
function cvSamplePosition(inverse: Affine, u: number, v: number): { sx: number; sy: number; ax: number; ay: number } {
  const X = Math.floor(
    (roundHalfEven(inverse[0] * u * 1024) + roundHalfEven((inverse[1] * v + inverse[2]) * 1024) + 16) / 32,
  );
  const Y = Math.floor(
    (roundHalfEven(inverse[3] * u * 1024) + roundHalfEven((inverse[4] * v + inverse[5]) * 1024) + 16) / 32,
  );
  return {
    sx: Math.floor(X / 32),
    sy: Math.floor(Y / 32),
    ax: X - 32 * Math.floor(X / 32),
    ay: Y - 32 * Math.floor(Y / 32),
  };
}

/** The four bilinear weights of fractions (ax, ay) in 1/32 px, as reals: top-left, top-right, bottom-left, bottom-right. */
function bilinearWeights(ax: number, ay: number): [number, number, number, number] {
  const fx = ax / 32;
  const fy = ay / 32;
  return [(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy];
}

/**
 * `cv2.warpAffine(image, matrix, (size, size))`, INTER_LINEAR on 8-bit data, one pixel at a time:
 * weights scaled to 2¹⁵ and rounded, the sum descaled with rounding; outside taps either replicate
 * the nearest edge pixel or count as zeros.
 */
function referenceWarp(
  image: RgbImage,
  matrix: Affine,
  size: number,
  border: 'replicate' | 'constant' = 'replicate',
): Float32Array {
  const inverse = invertAffine(matrix);
  const { width: sw, height: sh, data } = image;
  const out = new Float32Array(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const { sx, sy, ax, ay } = cvSamplePosition(inverse, u, v);
      const weights = bilinearWeights(ax, ay).map((w) => Math.round(w * 32768));
      const taps = [
        [sx, sy],
        [sx + 1, sy],
        [sx, sy + 1],
        [sx + 1, sy + 1],
      ];
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        taps.forEach(([x, y], k) => {
          if (border === 'replicate') {
            sum += at(data, sw, 3, c, Math.min(Math.max(x, 0), sw - 1), Math.min(Math.max(y, 0), sh - 1)) * weights[k];
          } else if (x >= 0 && y >= 0 && x < sw && y < sh) {
            sum += at(data, sw, 3, c, x, y) * weights[k];
          }
        });
        out[(v * size + u) * 3 + c] = Math.floor((sum + 16384) / 32768);
      }
    }
  }
  return out;
}

/**
 * FaceFusion's `paste_back`, one pixel at a time: the paste area is the crop's corners mapped back
 * and rounded (`cv2.transform`), clipped to the frame; in it, `cv2.warpAffine` of the float mask
 * (zeros outside the crop) clipped to 0–1 and of the float crop (replicated edges), each a float32
 * sum of float32 products, then `frame · (1 − mask) + crop · mask` in float32, `astype(uint8)`.
 */
function referencePaste(
  frame: RgbImage,
  crop: Float32Array,
  mask: Float32Array,
  size: number,
  m: Affine,
  blend?: number,
): void {
  const f = Math.fround;
  const inverse = invertAffine(m);
  const corners = [0, size].flatMap((u) => [0, size].map((v) => applyAffine(inverse, [u, v]).map(roundHalfEven)));
  const clip = (value: number, hi: number) => Math.min(Math.max(value, 0), hi);
  const x1 = clip(Math.min(...corners.map((p) => p[0])), frame.width);
  const y1 = clip(Math.min(...corners.map((p) => p[1])), frame.height);
  const x2 = clip(Math.max(...corners.map((p) => p[0])), frame.width);
  const y2 = clip(Math.max(...corners.map((p) => p[1])), frame.height);
  // The paste matrix maps the frame's paste area into the crop; its inverse maps back.
  const pasteInverse = invertAffine([inverse[0], inverse[1], inverse[2] - x1, inverse[3], inverse[4], inverse[5] - y1]);
  const sample = (plane: ArrayLike<number>, channels: number, c: number, taps: number[][], weights: number[]) =>
    taps.reduce((sum, [x, y], k) => {
      const inside = x >= 0 && y >= 0 && x < size && y < size;
      const value =
        channels === 1
          ? inside
            ? plane[y * size + x]
            : 0
          : at(plane, size, 3, c, Math.min(Math.max(x, 0), size - 1), Math.min(Math.max(y, 0), size - 1));
      return f(sum + f(value * weights[k]));
    }, 0);
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const { sx, sy, ax, ay } = cvSamplePosition(pasteInverse, x - x1, y - y1);
      const weights = bilinearWeights(ax, ay).map(f);
      const taps = [
        [sx, sy],
        [sx + 1, sy],
        [sx, sy + 1],
        [sx + 1, sy + 1],
      ];
      const alpha = Math.min(Math.max(sample(mask, 1, 0, taps, weights), 0), 1);
      for (let c = 0; c < 3; c++) {
        const o = (y * frame.width + x) * 3 + c;
        if (blend === undefined) {
          const value = sample(crop, 3, c, taps, weights);
          frame.data[o] = Math.trunc(f(f(frame.data[o] * f(1 - alpha)) + f(value * alpha)));
          continue;
        }
        // An enhancer's 8-bit crop warps with integer weights; the paste is then `cv2.addWeighted`.
        const sum = taps.reduce(
          (acc, [tx, ty], k) =>
            acc +
            at(crop, size, 3, c, Math.min(Math.max(tx, 0), size - 1), Math.min(Math.max(ty, 0), size - 1)) *
              Math.round(weights[k] * 32768),
          0,
        );
        const value = Math.floor((sum + 16384) / 32768);
        const pasted = Math.trunc(f(f(frame.data[o] * f(1 - alpha)) + f(value * alpha)));
        frame.data[o] = roundHalfEven(f(f(frame.data[o] * f(1 - blend)) + f(pasted * f(blend))));
      }
    }
  }
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** A similarity transform putting a `size` crop over the frame at (cx, cy), `scale` crop px per frame px. */
function cropMatrix(size: number, cx: number, cy: number, scale: number, angle: number): Affine {
  const a = scale * Math.cos(angle);
  const b = scale * Math.sin(angle);
  return [a, b, size / 2 - (a * cx + b * cy), -b, a, size / 2 - (-b * cx + a * cy)];
}

let photo: RgbImage;
let small: RgbImage;

beforeAll(async () => {
  // The middle 960×640 of a real photo, pixels as they are (big enough to shrink for every detector).
  const { data, info } = await sharp(readFileSync(ensureRealFixtures().photos.sample1))
    .extract({ left: 480, top: 320, width: 960, height: 640 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  photo = { width: info.width, height: info.height, data: new Uint8Array(data) };
  // A small odd-sized image exercises the edges in every direction.
  const pixels = new Uint8Array(37 * 23 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
  small = { width: 37, height: 23, data: pixels };
});

describe('fast image path gives the pixels of the plain definitions', () => {
  it('resizes a photo like OpenCV INTER_LINEAR, within one level', () => {
    for (const [w, h] of [
      [320, 213],
      [641, 427],
      [501, 3],
      [97, 900],
    ]) {
      expect(maxDifference(resizeBilinear(photo, w, h).data, referenceResize(photo, w, h))).toBeLessThanOrEqual(1);
    }
    expect(maxDifference(resizeBilinear(small, 80, 9).data, referenceResize(small, 80, 9))).toBeLessThanOrEqual(1);
  });

  // BGR at 640×640 with InsightFace's and YuNet's normalisations, RGB at UltraFace's 320×240.
  it.each(['scrfd', 'yunet', 'ultraface'] as const)(
    'letterboxes a photo for %s within one level, the padding black',
    (family) => {
      const { size, layout } = DETECTOR_SPECS[family];
      const input = prepareDetectorInput(photo, size, layout);
      const reference = referenceLetterbox(photo, size, layout);
      expect(maxDifference(input.tensor, reference) * layout.std).toBeLessThanOrEqual(1 + 1e-4);
      // The bottom-right pixel of every plane is padding for a 3:2 photo.
      const plane = size[0] * size[1];
      for (let c = 0; c < 3; c++) expect(input.tensor[(c + 1) * plane - 1]).toBeCloseTo(-layout.mean / layout.std, 6);
      // Images smaller than the input are placed as they are.
      const tiny = prepareDetectorInput(small, size, layout);
      expect(maxDifference(tiny.tensor, referenceLetterbox(small, size, layout)) * layout.std).toBeLessThanOrEqual(
        1e-4,
      );
    },
  );

  it("warps crops inside, across and outside the frame exactly as OpenCV's warpAffine", () => {
    const cases: Array<[number, Affine]> = [
      [128, cropMatrix(128, 450, 300, 0.4, 0.2)],
      [112, cropMatrix(112, 10, 15, 0.5, -0.6)],
      [256, cropMatrix(256, photo.width - 5, photo.height - 40, 1.3, 2.5)],
      [128, cropMatrix(128, -400, 3000, 0.2, 1)],
    ];
    for (const [size, matrix] of cases) {
      expect(maxDifference(warpAffine(photo, matrix, size, size), referenceWarp(photo, matrix, size))).toBe(0);
      expect(
        maxDifference(
          warpAffine(photo, matrix, size, size, 'constant'),
          referenceWarp(photo, matrix, size, 'constant'),
        ),
      ).toBe(0);
    }
    const matrix = cropMatrix(64, 18, 11, 3, 0.4);
    expect(maxDifference(warpAffine(small, matrix, 64, 64), referenceWarp(small, matrix, 64))).toBe(0);
    expect(
      maxDifference(warpAffine(small, matrix, 64, 64, 'constant'), referenceWarp(small, matrix, 64, 'constant')),
    ).toBe(0);
  });

  it.each([
    ['rgb', 127.5, 127.5],
    ['bgr', 0, 255],
  ] as const)('lays out %s planes (mean %d, std %d)', (channels, mean, std) => {
    const hwc = warpAffine(photo, cropMatrix(96, 400, 300, 0.5, 0.1), 96, 96);
    const tensor = toNchw(hwc, 96, 96, { channels, mean, std });
    const plane = 96 * 96;
    const order = channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
    for (const i of [0, 95, 4000, plane - 1]) {
      for (let c = 0; c < 3; c++) expect(tensor[c * plane + i]).toBeCloseTo((hwc[i * 3 + order[c]] - mean) / std, 5);
    }
  });

  it("pastes crops back exactly as FaceFusion's paste_back, at every angle and across the frame edges", () => {
    const cases: Array<[number, number, Affine]> = [
      [128, 0.3, cropMatrix(128, 400, 250, 0.4, 0.1)],
      [128, 0.3, cropMatrix(128, 30, 20, 0.45, -0.8)],
      [256, 0.3, cropMatrix(256, photo.width - 60, photo.height - 10, 0.9, Math.PI)],
      [128, 0.6, cropMatrix(128, 700, 300, 0.25, 2.2)],
      [128, 0, cropMatrix(128, 200, 450, 0.5, 0.4)],
    ];
    const fast: RgbImage = { ...photo, data: photo.data.slice() };
    const reference: RgbImage = { ...photo, data: photo.data.slice() };
    let changed = 0;
    for (const [size, blur, matrix] of cases) {
      // A processed crop: the warped face with its colours turned and off the integer levels, as a
      // swapper's output is, so the paste visibly changes pixels.
      const crop = warpAffine(photo, matrix, size, size).map((v) => (255 - v) * 0.97 + 0.37);
      const mask = createBoxMask(size, blur);
      pasteBack(fast, crop, mask, size, matrix);
      referencePaste(reference, crop, mask, size, matrix);
    }
    for (let i = 0; i < photo.data.length; i++) if (fast.data[i] !== photo.data[i]) changed++;
    expect(changed).toBeGreaterThan(50_000);
    expect(maxDifference(fast.data, reference.data)).toBe(0);
  });

  it("pastes an enhancer's 8-bit crop and blends it exactly as FaceFusion's blend_frame(paste_back)", () => {
    const fast: RgbImage = { ...photo, data: photo.data.slice() };
    const reference: RgbImage = { ...photo, data: photo.data.slice() };
    const cases: Array<[number, number, Affine]> = [
      [512, 0.8, cropMatrix(512, 420, 260, 1.6, 0.15)],
      [256, 0.35, cropMatrix(256, 25, photo.height - 30, 0.7, -2.4)],
    ];
    for (const [size, blend, matrix] of cases) {
      const crop = warpAffine(photo, matrix, size, size).map((v) => 255 - v);
      const mask = createBoxMask(size, 0.3);
      pasteBack(fast, crop, mask, size, matrix, blend);
      referencePaste(reference, crop, mask, size, matrix, blend);
    }
    expect(maxDifference(fast.data, photo.data)).toBeGreaterThan(100);
    expect(maxDifference(fast.data, reference.data)).toBe(0);
  });

  it('reuses the box mask without sharing it with callers', () => {
    const first = createBoxMask(128, 0.3);
    const blurAmount = Math.floor(128 * 0.5 * 0.3);
    const plain = new Float32Array(128 * 128);
    const border = Math.floor(blurAmount / 2);
    for (let y = border; y < 128 - border; y++) plain.fill(1, y * 128 + border, y * 128 + 128 - border);
    expect(maxDifference(first, gaussianBlur(plain, 128, 128, blurAmount * 0.25))).toBe(0);
    first.fill(0);
    expect(maxDifference(createBoxMask(128, 0.3), gaussianBlur(plain, 128, 128, blurAmount * 0.25))).toBe(0);
    expect(createBoxMask(256, 0.3)).toHaveLength(256 * 256);
  });

  it('encodes JPEG fast with the pixels Huffman-optimised coding would give, at the requested quality', async () => {
    const codec = await loadImageCodec('sharp');
    const raw = { raw: { width: photo.width, height: photo.height, channels: 3 as const } };
    for (const quality of [80, 92]) {
      const encoded = await codec.encode(photo, 'jpeg', { quality });
      const optimised = await sharp(photo.data, raw).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
      const [ours, theirs] = await Promise.all([
        codec.decode(encoded),
        sharp(optimised).raw().toBuffer({ resolveWithObject: true }),
      ]);
      expect(ours.width).toBe(theirs.info.width);
      expect(maxDifference(ours.data, theirs.data)).toBe(0);
    }
  });
});
