import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  buildArcFaceModel,
  buildInswapperModel,
  buildLandmarkerModel,
  buildUltraFaceModel,
  buildYoloFaceModel,
} from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import type { ModelRef, Point, RgbImage } from '../inference.types.js';
import { FACE_SELECTOR_ORDERS } from './face-selection.js';
import type { FusionRequest } from './fusion.types.js';

/** FaceFusion behaviours of the pipeline: landmarker preference, face angle, selector order, output. */

const W = 1280;
const H = 720;

function gradient(width = W, height = H): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      data.set([(x * 255) / width, (y * 255) / height, 128 + 60 * Math.sin(x / 90)], (y * width + x) * 3);
  }
  return { width, height, data };
}

async function png(image: RgbImage, alpha?: Uint8Array): Promise<Uint8Array> {
  const channels = alpha ? 4 : 3;
  const data = alpha ? new Uint8Array(image.width * image.height * 4) : image.data;
  if (alpha) {
    for (let i = 0; i < alpha.length; i++) data.set([...image.data.subarray(i * 3, i * 3 + 3), alpha[i]], i * 4);
  }
  return new Uint8Array(
    await sharp(data, { raw: { width: image.width, height: image.height, channels } })
      .png()
      .toBuffer(),
  );
}

// Detector-input boxes (640×640 letterbox of a 1280×720 frame: scale 0.5), frame = 2 × these.
const LEFT = { box: [100, 60, 260, 250] as [number, number, number, number], score: 0.7 };
const RIGHT = { box: [420, 80, 500, 180] as [number, number, number, number], score: 0.95 };
const LOW = { box: [280, 200, 400, 330] as [number, number, number, number], score: 0.8 };
// A face lying on its side: eye line pointing down the frame (roll 90°).
const SIDEWAYS = {
  box: [100, 60, 260, 250] as [number, number, number, number],
  landmarks: [
    [200, 100],
    [200, 160],
    [170, 130],
    [140, 105],
    [140, 155],
  ] as Array<[number, number]>,
};

const LANDMARK_POINTS = Array.from(
  { length: 68 },
  (_, i) => [20 + (i % 10) * 2.5, 20 + Math.floor(i / 10) * 3] as [number, number],
);

describe('FaceFusion behaviours of the fusion pipeline', () => {
  let dir: string;
  let engine: FaceFusionEngine;
  let refs: Record<string, ModelRef>;
  let target: Uint8Array;
  let source: Uint8Array;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inference-fidelity-'));
    refs = {
      yolo: writeModel(dir, 'yolo', buildYoloFaceModel([LEFT, RIGHT, LOW]), 'yoloface', 'face_detector'),
      sideways: writeModel(dir, 'sideways', buildYoloFaceModel([SIDEWAYS]), 'yoloface', 'face_detector'),
      ultraface: writeModel(
        dir,
        'ultra',
        buildUltraFaceModel([{ box: [50, 30, 130, 125] }]),
        'ultraface',
        'face_detector',
      ),
      landmarker: writeModel(dir, 'lm', buildLandmarkerModel(LANDMARK_POINTS), '2dfan4', 'face_landmarker'),
      weakLandmarker: writeModel(
        dir,
        'lm-weak',
        buildLandmarkerModel(LANDMARK_POINTS, 0.3),
        '2dfan4',
        'face_landmarker',
      ),
      arcface: writeModel(dir, 'arcface', buildArcFaceModel(0.03), 'arcface', 'face_recognizer'),
      green: writeModel(
        dir,
        'green',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
        'inswapper',
        'face_swapper',
      ),
    };
    engine = await FaceFusionEngine.create({ workers: 1 });
    target = await png(gradient());
    source = await png(gradient(320, 240));
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (overrides: Partial<FusionRequest>): FusionRequest => ({
    source,
    target,
    models: { detector: refs.yolo, recognizer: refs.arcface, swapper: refs.green },
    outputFormat: 'png',
    ...overrides,
  });

  it("uses a configured landmarker's points over the detector's when its score is above 0.5", async () => {
    const models = { detector: refs.yolo, landmarker: refs.landmarker, recognizer: refs.arcface, swapper: refs.green };
    const preferred = await engine.run(request({ models }));
    expect(preferred.faces.map((f) => f.landmarkSource)).toEqual(['landmarker', 'landmarker', 'landmarker']);
    const score = preferred.faces[0].landmarkerScore!;
    expect(score).toBeGreaterThan(0.5);
    // Strictly greater: at a threshold equal to the score the detector's points stay.
    const atScore = await engine.run(request({ models, landmarkerScore: score }));
    expect(atScore.faces.map((f) => f.landmarkSource)).toEqual(['detector', 'detector', 'detector']);
    const optedOut = await engine.run(request({ models, preferLandmarker: false }));
    expect(optedOut.faces.map((f) => f.landmarkSource)).toEqual(['detector', 'detector', 'detector']);
  });

  it('aligns UltraFace faces (no landmarks) from the landmarker, falling back to the box when it is unsure', async () => {
    const sure = await engine.run(
      request({
        models: {
          detector: refs.ultraface,
          landmarker: refs.landmarker,
          recognizer: refs.arcface,
          swapper: refs.green,
        },
      }),
    );
    expect(sure.faces[0].landmarkSource).toBe('landmarker');
    const unsure = await engine.run(
      request({
        models: {
          detector: refs.ultraface,
          landmarker: refs.weakLandmarker,
          recognizer: refs.arcface,
          swapper: refs.green,
        },
      }),
    );
    expect(unsure.faces[0].landmarkerScore).toBeCloseTo(0.3 / 0.9, 5);
    expect(unsure.faces[0].landmarkSource).toBe('box');
  });

  it("estimates a sideways face's roll and runs the landmarker on it turned upright", async () => {
    const result = await engine.run(
      request({
        models: { detector: refs.sideways, landmarker: refs.landmarker, recognizer: refs.arcface, swapper: refs.green },
      }),
    );
    const face = result.faces[0];
    expect(face.angle).toBe(90);
    expect(face.landmarkSource).toBe('landmarker');
    // Independent mapping: frame box 200..520 × 120..500 → 256 crop (scale 195/380, centred), turned
    // 90° counter-clockwise about the crop centre; the landmarker's point (u, v) in the turned crop is
    // (256 − v, u) in the upright crop.
    const scale = 195 / 380;
    const tx = (256 - 720 * scale) / 2;
    const ty = (256 - 620 * scale) / 2;
    const toFrame = ([x, y]: [number, number]): Point => {
      const u = (x / 64) * 256;
      const v = (y / 64) * 256;
      return [(256 - v - tx) / scale, (u - ty) / scale];
    };
    const nose = toFrame(LANDMARK_POINTS[30]);
    expect(face.landmarks5[2][0]).toBeCloseTo(nose[0], 3);
    expect(face.landmarks5[2][1]).toBeCloseTo(nose[1], 3);
    const upright = await engine.run(request({}));
    expect(upright.faces.map((f) => f.angle)).toEqual([0, 0, 0]);
  });

  it('detects on the frame turned by each requested angle and maps the faces back', async () => {
    const turned = await engine.run(
      request({
        models: { detector: refs.ultraface, recognizer: refs.arcface, swapper: refs.green },
        detector: { angles: [0, 90] },
      }),
    );
    // The generated detector reports the same input box whatever it is shown: on the 720×1280
    // turned frame (letterbox scale 0.1875) that box is another place, mapped back by the inverse turn.
    expect(turned.faces).toHaveLength(2);
    const byX = [...turned.faces].sort((a, b) => a.box.x1 - b.box.x1);
    const upright = await engine.run(
      request({ models: { detector: refs.ultraface, recognizer: refs.arcface, swapper: refs.green } }),
    );
    const plain = upright.faces[0].box;
    expect(turned.faces.some((f) => Math.abs(f.box.x1 - plain.x1) < 1e-6 && Math.abs(f.box.y2 - plain.y2) < 1e-6)).toBe(
      true,
    );
    // Rotated frame 720×1280: scale min(320/720, 240/1280) = 0.1875; box x 50..130, y 30..125 of 320×240.
    const r = 1 / 0.1875;
    const [rx1, ry1, rx2, ry2] = [50 * r, 30 * r, 130 * r, 125 * r];
    // Turn of 90°: rotated (x', y') = (y, W − x) for the frame, so frame (x, y) = (W − y', x').
    const expected = { x1: W - ry2, y1: rx1, x2: W - ry1, y2: rx2 };
    const other = byX.find((f) => Math.abs(f.box.x1 - plain.x1) > 1)!;
    expect(other.box.x1).toBeCloseTo(expected.x1, 0);
    expect(other.box.x2).toBeCloseTo(expected.x2, 0);
    expect(other.box.y1).toBeCloseTo(expected.y1, 0);
    expect(other.box.y2).toBeCloseTo(expected.y2, 0);
  });

  it.each(FACE_SELECTOR_ORDERS)('selector "one" with order %s swaps the face FaceFusion picks', async (order) => {
    const result = await engine.run(request({ selection: { mode: 'one', order } }));
    // Frame boxes (2 × detector boxes): LEFT x 200 y 120 area 320·380, score 0.7; RIGHT x 840 y 160
    // area 160·200, score 0.95; LOW x 560 y 400 area 240·260, score 0.8. Detection order: by score.
    const name = (i: number) =>
      ({ 0.95: 'right', 0.7: 'left', 0.8: 'low' })[Math.round(result.faces[i].score * 100) / 100]!;
    const swapped = result.faces.map((f, i) => (f.swapped ? name(i) : null)).filter(Boolean);
    const expected = {
      'left-right': 'left',
      'right-left': 'right',
      'top-bottom': 'left',
      'bottom-top': 'low',
      'small-large': 'right',
      'large-small': 'left',
      'best-worst': 'right',
      'worst-best': 'left',
    }[order];
    expect(swapped).toEqual([expected]);
  });

  it('refuses age and gender filters clearly: no face classifier model runs here', async () => {
    await expect(engine.run(request({ selectorFilters: { gender: 'female' } }))).rejects.toMatchObject({
      code: 'inference_request_invalid',
      message: expect.stringContaining('face classifier'),
    });
    await expect(engine.run(request({ selectorFilters: { ageStart: 20, ageEnd: 40 } }))).rejects.toMatchObject({
      code: 'inference_request_invalid',
    });
  });

  it("encodes JPEG at FaceFusion's default quality 80 unless asked otherwise", async () => {
    const jpeg = { ...request({}), outputFormat: 'jpeg' as const };
    const [byDefault, at80, at92] = await Promise.all([
      engine.run(jpeg),
      engine.run({ ...jpeg, quality: 80 }),
      engine.run({ ...jpeg, quality: 92 }),
    ]);
    expect(Buffer.from(byDefault.image).equals(Buffer.from(at80.image))).toBe(true);
    expect(at92.image.length).toBeGreaterThan(byDefault.image.length * 1.2);
  });

  it('keeps the colour profile of a Display P3 photo (sharp codec)', async () => {
    const p3 = new Uint8Array(
      await sharp(gradient().data, { raw: { width: W, height: H, channels: 3 } })
        .withIccProfile('p3')
        .jpeg({ quality: 95 })
        .toBuffer(),
    );
    const inputProfile = (await sharp(p3).metadata()).icc!;
    expect(inputProfile.subarray(16, 20).toString('latin1')).toBe('RGB ');
    const result = await engine.run({ ...request({ target: p3 }), outputFormat: undefined });
    expect(result.format).toBe('jpeg');
    const meta = await sharp(result.image).metadata();
    expect(meta.icc && Buffer.from(meta.icc).equals(Buffer.from(inputProfile))).toBe(true);
    // Right of the swapped faces the colours read back as the input's (after a JPEG round trip).
    const [a, b] = await Promise.all(
      [p3, result.image].map((bytes) => sharp(bytes).toColourspace('srgb').raw().toBuffer()),
    );
    let sum = 0;
    let n = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 1150; x < W; x++) {
        for (let c = 0; c < 3; c++) sum += Math.abs(a[(y * W + x) * 3 + c] - b[(y * W + x) * 3 + c]);
        n += 3;
      }
    }
    expect(sum / n).toBeLessThan(2);
  });

  it('gives a transparent PNG back with the same alpha', async () => {
    const alpha = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) alpha[y * W + x] = x < 100 ? 0 : (x * 7 + y) % 256;
    for (const codec of ['sharp', 'jimp'] as const) {
      const codecEngine = codec === 'sharp' ? engine : await FaceFusionEngine.create({ workers: 1, codec });
      try {
        const result = await codecEngine.run(request({ target: await png(gradient(), alpha) }));
        expect(result.faces.some((f) => f.swapped)).toBe(true);
        const { data, info } = await sharp(result.image).raw().toBuffer({ resolveWithObject: true });
        expect(info.channels).toBe(4);
        const back = new Uint8Array(W * H);
        for (let i = 0; i < back.length; i++) back[i] = data[i * 4 + 3];
        expect(Buffer.from(back).equals(Buffer.from(alpha))).toBe(true);
      } finally {
        if (codecEngine !== engine) await codecEngine.close();
      }
    }
  });
});
