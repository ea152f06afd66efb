import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { ensureRealFixtures } from '../../../../test/fixtures/real-fixtures.js';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import type { RgbImage } from '../inference.types.js';
import { CODED_BITS, decodeMessage } from './error-correction.js';
import { embedWatermark, psnr } from './watermark.js';

async function load(
  path: string,
  width: number,
  region?: { left: number; top: number; width: number; height: number },
): Promise<RgbImage> {
  let s = sharp(readFileSync(path));
  if (region) s = s.extract(region);
  const { data, info } = await s.resize(width).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

const pipe = (i: RgbImage) => sharp(Buffer.from(i.data), { raw: { width: i.width, height: i.height, channels: 3 } });
async function back(s: Sharp): Promise<RgbImage> {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
const reencode = async (s: Sharp, quality: number) => back(sharp(await s.jpeg({ quality }).toBuffer()));

// Detection is run through the engine's worker thread: the search is numeric work that runs at full
// speed there (Jest's module sandbox slows typed-array loops many times over).
describe('invisible watermark', () => {
  let photos: RgbImage[];
  let engine: FaceFusionEngine;
  const payload = 'a1b2c3d4e5f60718';
  const detect = async (image: RgbImage) =>
    engine.detectWatermark(new Uint8Array(await pipe(image).png({ compressionLevel: 1 }).toBuffer()));

  afterAll(() => engine.close());

  beforeAll(async () => {
    engine = await FaceFusionEngine.create({ workers: 1 });
    const fx = ensureRealFixtures();
    photos = [await load(fx.photos.sample2, 1280), await load(fx.photos.sample3, 1024)];
  });

  it('is invisible: PSNR ≥ 40 dB against the unmarked image', () => {
    for (const photo of photos) {
      const value = psnr(photo, embedWatermark(photo, payload));
      console.log(`watermark PSNR ${photo.width}×${photo.height}: ${value.toFixed(2)} dB`);
      expect(value).toBeGreaterThanOrEqual(40);
    }
  });

  it('survives JPEG q75, 50 % downscale and 10 % crop (and all three together on a 1280 px image)', async () => {
    const report: string[] = [];
    for (const photo of photos) {
      const marked = embedWatermark(photo, payload);
      const w = marked.width;
      const h = marked.height;
      const crop = {
        left: Math.round(w * 0.06),
        top: Math.round(h * 0.04),
        width: Math.round(w * 0.9),
        height: Math.round(h * 0.9),
      };
      const cases: Record<string, RgbImage> = {
        'jpeg q75': await reencode(pipe(marked), 75),
        'resize 50%': await back(pipe(marked).resize(Math.round(w / 2))),
        'crop 10%': await back(pipe(marked).extract(crop)),
      };
      // All three at once leaves a 1024 px original too little signal (measured: not found); 1280 px holds.
      if (w >= 1280) {
        cases['crop 10% + resize 50% + jpeg q75'] = await reencode(
          pipe(await back(pipe(marked).extract(crop))).resize(Math.round(crop.width / 2)),
          75,
        );
      }
      for (const [name, attacked] of Object.entries(cases)) {
        const found = await detect(attacked);
        report.push(
          `${w}px ${name}: ${found ? `payload ok=${found.payload === payload} confidence=${found.confidence.toFixed(3)} scale=${found.scale.toFixed(3)}` : 'not found'}`,
        );
      }
    }
    console.log(report.join('\n'));
    expect(report.filter((line) => !line.includes('payload ok=true'))).toEqual([]);
  });

  it('reports none on unmarked images', async () => {
    const fx = ensureRealFixtures();
    const unmarked: RgbImage[] = [];
    for (const path of Object.values(fx.photos)) {
      for (const [i, left] of [0, 500, 1000].entries()) {
        unmarked.push(await load(path, 320 + i * 160, { left, top: 100 * i, width: 900, height: 700 }));
      }
    }
    for (let seed = 1; seed <= 8; seed++) {
      const data = new Uint8Array(256 * 192 * 3);
      for (let i = 0; i < data.length; i++)
        data[i] = (Math.sin(i * seed * 0.0131) * 60 + 128 + ((i * 2654435761 * seed) % 41)) & 255;
      unmarked.push({ width: 256, height: 192, data });
    }
    const detections = (await Promise.all(unmarked.map((image) => detect(image)))).filter((d) => d !== null);
    console.log(`unmarked images: ${unmarked.length}, false detections: ${detections.length}`);
    expect(detections).toEqual([]);
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

  it('refuses to mark images smaller than one tile', () => {
    expect(() => embedWatermark({ width: 100, height: 100, data: new Uint8Array(30000) }, payload)).toThrow(
      expect.objectContaining({ code: 'image_too_small' }),
    );
  });
});
