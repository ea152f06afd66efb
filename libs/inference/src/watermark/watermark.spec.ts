import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { ensureRealFixtures } from '#test/fixtures/real-fixtures';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import type { RgbImage } from '../inference.types.js';
import { CODED_BITS, decodeMessage } from './error-correction.js';
import {
  embedWatermark,
  MIN_WATERMARK_LONG_SIDE,
  MIN_WATERMARK_SHORT_SIDE,
  psnr,
  watermarkSupport,
} from './watermark.js';

const WIDTHS = [512, 640, 800, 1280, 1920];
const SIDES = ['left', 'right', 'top', 'bottom', 'centre'] as const;
type Side = (typeof SIDES)[number];

async function back(s: Sharp): Promise<RgbImage> {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
const pipe = (i: RgbImage) => sharp(Buffer.from(i.data), { raw: { width: i.width, height: i.height, channels: 3 } });
const jpeg75 = async (i: RgbImage) => back(sharp(await pipe(i).jpeg({ quality: 75 }).toBuffer()));
const half = (i: RgbImage) => back(pipe(i).resize(Math.round(i.width / 2)));
/** Keeps 90 % of the image: cut 10 % off one side, or 5 % off every side (centre crop). */
function crop(i: RgbImage, side: Side): Promise<RgbImage> {
  const w = Math.round(i.width * 0.9);
  const h = Math.round(i.height * 0.9);
  const region = {
    left: { left: i.width - w, top: 0, width: w, height: i.height },
    right: { left: 0, top: 0, width: w, height: i.height },
    top: { left: 0, top: i.height - h, width: i.width, height: h },
    bottom: { left: 0, top: 0, width: i.width, height: h },
    centre: { left: Math.round((i.width - w) / 2), top: Math.round((i.height - h) / 2), width: w, height: h },
  }[side];
  return back(pipe(i).extract(region));
}
const combined = async (i: RgbImage, side: Side) => jpeg75(await half(await crop(i, side)));

/** Deterministic 64-bit payloads, a different one per marked image. */
function payloads(seed: number): () => string {
  let state = seed >>> 0;
  return () =>
    Array.from({ length: 16 }, () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state >>> 28).toString(16);
    }).join('');
}

// Detection runs in the engine's worker threads (two, in parallel): the search is numeric work that
// runs at full speed there, and the API reads watermarks the same way.
describe('invisible watermark', () => {
  let engine: FaceFusionEngine;
  let photos: Record<string, string>;
  const nextPayload = payloads(2026);
  const detect = async (image: RgbImage) =>
    engine.detectWatermark(new Uint8Array(await pipe(image).png({ compressionLevel: 1 }).toBuffer()));
  const load = async (path: string, width: number) => back(sharp(readFileSync(path)).resize(width));

  beforeAll(async () => {
    engine = await FaceFusionEngine.create({ workers: 2 });
    photos = ensureRealFixtures().photos;
  });
  afterAll(() => engine.close());

  it('states its smallest size and refuses to mark below it', () => {
    expect([MIN_WATERMARK_LONG_SIDE, MIN_WATERMARK_SHORT_SIDE]).toEqual([512, 288]);
    expect(watermarkSupport(512, 288)).toEqual({ supported: true });
    expect(watermarkSupport(288, 512)).toEqual({ supported: true });
    for (const [w, h] of [
      [511, 400],
      [640, 287],
      [320, 240],
    ]) {
      const support = watermarkSupport(w, h);
      expect(support).toEqual({ supported: false, reason: expect.stringContaining(`${w}×${h}`) });
      expect(() =>
        embedWatermark({ width: w, height: h, data: new Uint8Array(w * h * 3) }, 'a1b2c3d4e5f60718'),
      ).toThrow(expect.objectContaining({ code: 'image_too_small' }));
    }
  });

  it('marks with WebAssembly SIMD exactly as the scalar path does, any row length', async () => {
    for (const [w, h] of [
      [517, 301],
      [1280, 720],
    ]) {
      const photo = await back(sharp(readFileSync(photos.sample2)).resize(w, h, { fit: 'fill' }));
      const simd = embedWatermark(photo, 'f00dfacecafe0123');
      const scalar = embedWatermark(photo, 'f00dfacecafe0123', false);
      expect(Buffer.compare(simd.data, scalar.data)).toBe(0);
      expect(psnr(photo, simd)).toBeGreaterThanOrEqual(40);
      expect(psnr(photo, simd)).toBeLessThan(45);
    }
  });

  it('on photos 512–1920 px wide keeps PSNR ≥ 40 dB and survives JPEG q75, 50 % downscale and 10 % crops, alone and together', async () => {
    const cases: Array<{ name: string; payload: string; attacked: Promise<RgbImage> }> = [];
    const report: string[] = [];
    let n = 0;
    for (const width of WIDTHS) {
      for (const [p, path] of Object.values(photos).entries()) {
        const photo = await load(path, width);
        const payload = nextPayload();
        const marked = embedWatermark(photo, payload);
        const quality = psnr(photo, marked);
        report.push(`${width}px photo ${p + 1}: PSNR ${quality.toFixed(2)} dB`);
        expect(quality).toBeGreaterThanOrEqual(40);
        const name = `${marked.width}×${marked.height} photo ${p + 1}`;
        // All three attacks together on every photo: centre crop and a one-side crop (side rotates).
        const side = SIDES[n++ % 4];
        cases.push({ name: `${name} crop centre+50%+q75`, payload, attacked: combined(marked, 'centre') });
        cases.push({ name: `${name} crop ${side}+50%+q75`, payload, attacked: combined(marked, side) });
        // Each attack alone on two of the four photos per width.
        if ((p + WIDTHS.indexOf(width)) % 2 === 0) {
          cases.push({ name: `${name} q75`, payload, attacked: jpeg75(marked) });
          cases.push({ name: `${name} 50%`, payload, attacked: half(marked) });
          for (const s of SIDES) cases.push({ name: `${name} crop ${s}`, payload, attacked: crop(marked, s) });
        }
      }
    }
    // The smallest supported shape: a 512×288 (16:9) frame, all three attacks together.
    const frame = await back(sharp(readFileSync(photos.sample6)).resize(512, 288, { fit: 'cover' }));
    const framePayload = nextPayload();
    const markedFrame = embedWatermark(frame, framePayload);
    expect(psnr(frame, markedFrame)).toBeGreaterThanOrEqual(40);
    for (const s of SIDES) {
      cases.push({ name: `512×288 crop ${s}+50%+q75`, payload: framePayload, attacked: combined(markedFrame, s) });
    }

    const results = await Promise.all(
      cases.map(async ({ name, payload, attacked }) => {
        const found = await detect(await attacked);
        return { name, ok: found?.payload === payload, found };
      }),
    );
    for (const { name, ok, found } of results) {
      report.push(`${name}: ${ok ? 'found' : found ? `WRONG payload ${found.payload}` : 'not found'}`);
    }
    const confidence = Math.min(...results.map((r) => r.found?.confidence ?? 0));
    console.log(`${cases.length} attacked images, lowest confidence ${confidence.toFixed(3)}\n${report.join('\n')}`);
    expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual([]);
    // A found mark names its payload with confidence: the API reports it as watermarked.
    expect(confidence).toBeGreaterThan(0.8);
  });

  it('finds nothing in 33 unmarked images (photos at every size, crops, re-encodes, synthetic)', async () => {
    const unmarked: Array<Promise<RgbImage>> = [];
    for (const path of Object.values(photos)) {
      for (const width of WIDTHS) unmarked.push(load(path, width));
      unmarked.push(back(sharp(readFileSync(path)).extract({ left: 300, top: 200, width: 900, height: 700 })));
      unmarked.push(load(path, 720).then(jpeg75));
    }
    const size = { width: 640, height: 480 };
    let state = 7;
    const noise = new Uint8Array(size.width * size.height * 3).map(() => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state >>> 24;
    });
    const synthetic: Array<(x: number, y: number) => number> = [
      () => 128,
      (x, y) => (x + y) / 4.5,
      (x, y) => (((x >> 3) + (y >> 3)) & 1 ? 200 : 40),
      (x, y) => 128 + 100 * Math.sin(x / 7) * Math.cos(y / 11),
    ];
    for (const f of synthetic) {
      const data = new Uint8Array(size.width * size.height * 3);
      for (let y = 0; y < size.height; y++)
        for (let x = 0; x < size.width; x++) data.fill(f(x, y), (y * size.width + x) * 3, (y * size.width + x) * 3 + 3);
      unmarked.push(Promise.resolve({ ...size, data }));
    }
    unmarked.push(Promise.resolve({ ...size, data: noise }));
    expect(unmarked.length).toBeGreaterThanOrEqual(30);
    const detections = await Promise.all(unmarked.map(async (image) => detect(await image)));
    console.log(`unmarked images: ${unmarked.length}, false detections: ${detections.filter((d) => d).length}`);
    expect(detections.filter((d) => d !== null)).toEqual([]);
  });

  it('the checksum rejects random received signals (decoder false-accept rate)', () => {
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32 - 0.5;
    };
    const trials = 2_000;
    let accepted = 0;
    const soft = new Float64Array(CODED_BITS);
    for (let t = 0; t < trials; t++) {
      for (let i = 0; i < CODED_BITS; i++) soft[i] = random();
      if (decodeMessage(soft)) accepted++;
    }
    console.log(`decoder: ${accepted} of ${trials} random signals accepted (expected rate 2^-32 ≈ 2.3e-10)`);
    expect(accepted).toBe(0);
  });
});
