import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { ensureRealFixtures } from '../../../../test/fixtures/real-fixtures.js';
import type { Affine, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { DETECTOR_SPECS, prepareDetectorInput } from '../models/detectors.js';
import { createBoxMask, pasteBack } from '../pipeline/paste-back.js';
import { loadImageCodec } from './image-codec.js';
import { gaussianBlur, resizeBilinear, toNchw, warpAffine, type TensorLayout } from './image-ops.js';

// The image path's loops are written for speed (row-wise index arithmetic, truncation instead of
// Math.floor/Math.round on non-negative values, lookup tables). These are the plain per-pixel
// definitions they replaced; the fast ones must give the same pixels, within one level.

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

function referenceWarp(image: RgbImage, matrix: Affine, size: number): Float32Array {
  const inv = invertAffine(matrix);
  const { width: sw, height: sh, data } = image;
  const out = new Float32Array(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const tx = clampedTaps(inv[0] * u + inv[1] * v + inv[2], sw);
      const ty = clampedTaps(inv[3] * u + inv[4] * v + inv[5], sh);
      for (let c = 0; c < 3; c++) out[(v * size + u) * 3 + c] = lerp2(data, sw, 3, c, tx, ty);
    }
  }
  return out;
}

/**
 * FaceFusion's paste-back, one pixel at a time over the crop's footprint (nothing outside it changes):
 * crop sampled with replicated edges, mask with zeros outside the crop.
 */
function referencePaste(frame: RgbImage, crop: Float32Array, mask: Float32Array, size: number, m: Affine): void {
  // The mask with a ring of zeros, so that its bilinear sample is zero beyond the crop.
  const padded = new Float32Array((size + 2) * (size + 2));
  for (let v = 0; v < size; v++) padded.set(mask.subarray(v * size, (v + 1) * size), (v + 1) * (size + 2) + 1);
  const inverse = invertAffine(m);
  const corners = [0, size].flatMap((u) => [0, size].map((v) => applyAffine(inverse, [u, v])));
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const x1 = Math.max(0, Math.floor(Math.min(...xs)) - 2);
  const x2 = Math.min(frame.width, Math.ceil(Math.max(...xs)) + 2);
  const y1 = Math.max(0, Math.floor(Math.min(...ys)) - 2);
  const y2 = Math.min(frame.height, Math.ceil(Math.max(...ys)) + 2);
  for (let y = y1; y < y2; y++) {
    for (let x = x1; x < x2; x++) {
      const [u, v] = applyAffine(m, [x, y]);
      if (u <= -1 || v <= -1 || u >= size || v >= size) continue;
      const alpha = Math.min(
        lerp2(padded, size + 2, 1, 0, clampedTaps(u + 1, size + 2), clampedTaps(v + 1, size + 2)),
        1,
      );
      if (alpha <= 0) continue;
      const tu = clampedTaps(u, size);
      const tv = clampedTaps(v, size);
      for (let c = 0; c < 3; c++) {
        const o = (y * frame.width + x) * 3 + c;
        frame.data[o] = Math.round(alpha * lerp2(crop, size, 3, c, tu, tv) + (1 - alpha) * frame.data[o]);
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

  it('warps crops inside, across and outside the frame within one level', () => {
    const cases: Array<[number, Affine]> = [
      [128, cropMatrix(128, 450, 300, 0.4, 0.2)],
      [112, cropMatrix(112, 10, 15, 0.5, -0.6)],
      [256, cropMatrix(256, photo.width - 5, photo.height - 40, 1.3, 2.5)],
      [128, cropMatrix(128, -400, 3000, 0.2, 1)],
    ];
    for (const [size, matrix] of cases) {
      expect(
        maxDifference(warpAffine(photo, matrix, size, size), referenceWarp(photo, matrix, size)),
      ).toBeLessThanOrEqual(1);
    }
    const matrix = cropMatrix(64, 18, 11, 3, 0.4);
    expect(maxDifference(warpAffine(small, matrix, 64, 64), referenceWarp(small, matrix, 64))).toBeLessThanOrEqual(1);
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

  it('pastes crops back within one level, at every angle and across the frame edges', () => {
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
      // A processed crop: the warped face with its colours turned, so the paste visibly changes pixels.
      const crop = warpAffine(photo, matrix, size, size).map((v) => 255 - v);
      const mask = createBoxMask(size, blur);
      pasteBack(fast, crop, mask, size, matrix);
      referencePaste(reference, crop, mask, size, matrix);
    }
    for (let i = 0; i < photo.data.length; i++) if (fast.data[i] !== photo.data[i]) changed++;
    expect(changed).toBeGreaterThan(50_000);
    expect(maxDifference(fast.data, reference.data)).toBeLessThanOrEqual(1);
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
