import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildArcFaceModel, buildInswapperModel, buildScrfdModel } from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import type { FusionModels } from './fusion.types.js';

const W = 640;
const H = 480;

async function photoLike(format: 'png' | 'jpeg'): Promise<Uint8Array> {
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data.set([(x * 255) / W, (y * 255) / H, 128 + 60 * Math.sin(x / 40)], (y * W + x) * 3);
  }
  const image = sharp(data, { raw: { width: W, height: H, channels: 3 } });
  return new Uint8Array(await (format === 'png' ? image.png() : image.jpeg({ quality: 92 })).toBuffer());
}

async function pixels(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await sharp(bytes).removeAlpha().raw().toBuffer());
}

/** Both codecs behind the engine give the same pipeline result, within rounding. */
describe('pipeline results with the sharp and the jimp codec', () => {
  let dir: string;
  let models: FusionModels;
  const engines: Partial<Record<'sharp' | 'jimp', FaceFusionEngine>> = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inference-codecs-'));
    models = {
      detector: writeModel(dir, 'scrfd', buildScrfdModel([{ box: [100, 60, 260, 250] }]), 'scrfd', 'face_detector'),
      recognizer: writeModel(dir, 'arcface', buildArcFaceModel(0.03), 'arcface', 'face_recognizer'),
      swapper: writeModel(dir, 'inswapper', buildInswapperModel({ kind: 'source' }), 'inswapper', 'face_swapper'),
    };
    engines.sharp = await FaceFusionEngine.create({ workers: 1, codec: 'sharp' });
    engines.jimp = await FaceFusionEngine.create({ workers: 1, codec: 'jimp' });
  });
  afterAll(async () => {
    await Promise.all(Object.values(engines).map((e) => e.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['png', 'jpeg'] as const)('%s target: same faces, same swapped pixels within rounding', async (format) => {
    const request = { source: await photoLike('png'), target: await photoLike(format), models };
    const [a, b] = await Promise.all([engines.sharp!.run(request), engines.jimp!.run(request)]);
    expect(a.format).toBe(format);
    expect(b.format).toBe(format);
    const boxes = (r: typeof a) => r.faces.map(({ box }) => [box.x1, box.y1, box.x2, box.y2].map(Math.round));
    expect(a.faces).toHaveLength(1);
    expect(boxes(b)).toEqual(boxes(a));
    const [pa, pb] = await Promise.all([pixels(a.image), pixels(b.image)]);
    expect(pb.length).toBe(pa.length);
    let sum = 0;
    let worst = 0;
    for (let i = 0; i < pa.length; i++) {
      const d = Math.abs(pa[i] - pb[i]);
      sum += d;
      worst = Math.max(worst, d);
    }
    // PNG is lossless: at most rounding differs. JPEG adds the two encoders' own (different) error.
    expect(sum / pa.length).toBeLessThan(format === 'png' ? 0.05 : 1.5);
    expect(worst).toBeLessThanOrEqual(format === 'png' ? 1 : 16);
  });
});
