import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { buildFaceEnhancerModel, buildTileUpscalerModel } from '#test/fixtures/onnx/enhancer-models';
import { buildArcFaceModel, buildInswapperModel, buildScrfdModel } from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import { applyAffine, estimateSimilarity, invertAffine } from '../geometry/affine.js';
import { scaledTemplate } from '../geometry/templates.js';
import { resizeBilinear } from '../image/image-ops.js';
import type { ModelRef, Point, RgbImage, WarpTemplateName } from '../inference.types.js';
import type { FusionProgress, FusionRequest } from '../pipeline/fusion.types.js';
import { SessionCache } from '../pipeline/session-cache.js';
import { faceEnhancerGeometry } from './face-enhancer.js';
import { tileLayout, tileStarts } from './frame-enhancer.js';

const W = 1280;
const H = 720;
// Detector-input box (640×640 letterbox of 1280×720: ×2 to frame pixels) → frame box 200..520 × 120..500.
const FACE = { box: [100, 60, 260, 250] as [number, number, number, number] };
// Landmarks the fixture detector reports, in frame pixels.
const LANDMARKS: Point[] = [
  [2 * (100 + 0.3 * 160), 2 * (60 + 0.4 * 190)],
  [2 * (100 + 0.7 * 160), 2 * (60 + 0.4 * 190)],
  [2 * (100 + 0.5 * 160), 2 * (60 + 0.6 * 190)],
  [2 * (100 + 0.35 * 160), 2 * (60 + 0.8 * 190)],
  [2 * (100 + 0.65 * 160), 2 * (60 + 0.8 * 190)],
];
const CENTRE: Point = [360, 310];

function gradient(width = W, height = H): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      data.set([(x * 255) / width, (y * 255) / height, 128 + 60 * Math.sin(x / 90)], (y * width + x) * 3);
  }
  return { width, height, data };
}

/** Deterministic noise: any misplaced or repeated tile pixel shows. */
function noise(width: number, height: number, seed = 7): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

async function png(image: RgbImage): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer(),
  );
}

async function rawOf(bytes: Uint8Array): Promise<RgbImage> {
  const { data, info } = await sharp(bytes, { limitInputPixels: false })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

const pixel = (image: RgbImage, [x, y]: Point): number[] =>
  Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));

/**
 * The crop square of a face in frame pixels (inverse-mapped corners) for a template and size, one
 * crop pixel wider on each side: the bilinear paste-back reaches that far.
 */
function footprint(landmarks: Point[], template: WarpTemplateName, size: number): Point[] {
  const inverse = invertAffine(estimateSimilarity(landmarks, scaledTemplate(template, size)));
  const [a, b] = [-1, size + 1];
  return (
    [
      [a, a],
      [b, a],
      [b, b],
      [a, b],
    ] as Point[]
  ).map((p) => applyAffine(inverse, p));
}

function inside(polygon: Point[], [x, y]: Point, margin: number): boolean {
  // Convex, clockwise in image coordinates: inside when on the inner side of every edge (with a margin).
  for (let i = 0; i < polygon.length; i++) {
    const [ax, ay] = polygon[i];
    const [bx, by] = polygon[(i + 1) % polygon.length];
    const length = Math.hypot(bx - ax, by - ay);
    if (((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / length < -margin) return false;
  }
  return true;
}

function changedPixels(a: RgbImage, b: RgbImage): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < a.data.length; i += 3) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) {
      const p = i / 3;
      out.push([p % a.width, Math.floor(p / a.width)]);
    }
  }
  return out;
}

function worstDifference(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** [−1, 1] enhancer output → the 0–255 level FaceFusion's normalize_crop_frame gives. */
const level = (v: number): number => Math.round((v + 1) * 127.5);
const COLOUR: [number, number, number] = [0.6, -0.8, 0.1];

describe('face and frame enhancers', () => {
  let dir: string;
  let engine: FaceFusionEngine;
  let refs: Record<string, ModelRef>;
  let target: RgbImage;
  let targetPng: Uint8Array;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'enhancers-int-'));
    refs = {
      scrfd: writeModel(dir, 'scrfd', buildScrfdModel([FACE]), 'scrfd', 'face_detector'),
      arcface: writeModel(dir, 'arcface', buildArcFaceModel(0.03), 'arcface', 'face_recognizer'),
      green: writeModel(
        dir,
        'inswapper-green',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
        'inswapper',
        'face_swapper',
      ),
      gfpgan: writeModel(
        dir,
        'gfpgan',
        buildFaceEnhancerModel({ kind: 'colour', rgb: COLOUR }),
        'gfpgan',
        'face_enhancer',
      ),
      gpen256: writeModel(
        dir,
        'gpen-256',
        buildFaceEnhancerModel({ kind: 'colour', rgb: COLOUR }, { size: 256 }),
        'gpen_bfr',
        'face_enhancer',
      ),
      codeformer: writeModel(
        dir,
        'codeformer',
        buildFaceEnhancerModel({ kind: 'weight' }, { weight: 'double' }),
        'codeformer',
        'face_enhancer',
      ),
      upscale2: writeModel(dir, 'esrgan-x2', buildTileUpscalerModel({ scale: 2 }), 'real_esrgan', 'frame_enhancer'),
      upscale4Tile128: writeModel(
        dir,
        'esrgan-x4-128',
        buildTileUpscalerModel({ scale: 4, tile: 128 }),
        'real_esrgan',
        'frame_enhancer',
      ),
      blur2: writeModel(
        dir,
        'esrgan-blur',
        buildTileUpscalerModel({ scale: 2, tile: 'dynamic', blur: true }),
        'real_esrgan',
        'frame_enhancer',
      ),
    };
    target = gradient();
    targetPng = await png(target);
    engine = await FaceFusionEngine.create({ workers: 1 });
  });

  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const enhanceOnly = (step: NonNullable<FusionRequest['processors']>[number], extra: Partial<FusionRequest> = {}) =>
    engine.run({ target: targetPng, models: { detector: refs.scrfd }, processors: [step], ...extra });

  it('a face enhancer alone (no source) changes pixels only inside its aligned crop', async () => {
    const events: FusionProgress[] = [];
    const result = await engine.run({
      target: targetPng,
      models: { detector: refs.scrfd },
      processors: [{ processor: 'face_enhancer', model: refs.gfpgan, blend: 100 }],
      onProgress: (e) => events.push(e),
    });
    const out = await rawOf(result.image);
    expect([out.width, out.height]).toEqual([W, H]);
    const changed = changedPixels(out, target);
    const crop = footprint(LANDMARKS, 'ffhq_512', 512);
    expect(changed.length).toBeGreaterThan(50_000);
    expect(changed.filter((p) => !inside(crop, p, 0.5))).toEqual([]);
    // The face centre is deep inside the feathered mask: the model's colour, as FaceFusion rounds it.
    expect(pixel(out, CENTRE)).toEqual(COLOUR.map(level));
    expect(result.faces).toHaveLength(1);
    expect(result.faces[0].swapped).toBe(false);
    expect(result.sourceEmbedding).toEqual([]);
    expect(result.timings.enhance_face).toBeGreaterThan(0);
    const stages = events
      .filter((e) => e.type === 'stage' && e.status === 'end')
      .map((e) => (e as { stage: string }).stage);
    expect(stages).toEqual(['decode', 'detect', 'landmark', 'enhance_face', 'encode']);
  });

  it('blend interpolates between the frame (0) and the model output (100)', async () => {
    const at = async (blend: number) =>
      rawOf((await enhanceOnly({ processor: 'face_enhancer', model: refs.gfpgan, blend })).image);
    const [zero, half, eighty, full] = await Promise.all([at(0), at(50), at(80), at(100)]);
    expect(worstDifference(zero.data, target.data)).toBe(0);
    const input = pixel(target, CENTRE);
    const model = COLOUR.map(level);
    for (const [image, b] of [
      [half, 0.5],
      [eighty, 0.8],
      [full, 1],
    ] as const) {
      const expected = input.map((v, c) => v * (1 - b) + model[c] * b);
      pixel(image, CENTRE).forEach((v, c) => expect(Math.abs(v - expected[c])).toBeLessThanOrEqual(1));
    }
    // The default is FaceFusion's 80.
    const byDefault = await rawOf((await enhanceOnly({ processor: 'face_enhancer', model: refs.gfpgan })).image);
    expect(worstDifference(byDefault.data, eighty.data)).toBe(0);
  });

  it('GPEN-BFR 256 aligns to arcface_128, the 512 px families to ffhq_512', async () => {
    const cache = new SessionCache();
    expect(faceEnhancerGeometry(await cache.acquire(refs.gpen256))).toEqual({ template: 'arcface_128', size: 256 });
    expect(faceEnhancerGeometry(await cache.acquire(refs.gfpgan))).toEqual({ template: 'ffhq_512', size: 512 });
    await cache.clear();
    const out = await rawOf((await enhanceOnly({ processor: 'face_enhancer', model: refs.gpen256, blend: 100 })).image);
    const changed = changedPixels(out, target);
    const crop = footprint(LANDMARKS, 'arcface_128', 256);
    expect(changed.filter((p) => !inside(crop, p, 0.5))).toEqual([]);
    // arcface_128 is a tighter crop than ffhq_512: pixels ffhq would reach stay as they were.
    const ffhq = footprint(LANDMARKS, 'ffhq_512', 512);
    expect(changed.length).toBeLessThan(0.8 * countInside(ffhq, W, H));
    expect(pixel(out, CENTRE)).toEqual(COLOUR.map(level));
  });

  it('CodeFormer receives its fidelity weight (double) as given, FaceFusion’s 0.5 by default', async () => {
    for (const [weight, expected] of [
      [0, level(0)],
      [0.25, level(0.25)],
      [undefined, level(0.5)],
      [1, level(1)],
    ] as const) {
      const out = await rawOf(
        (await enhanceOnly({ processor: 'face_enhancer', model: refs.codeformer, blend: 100, weight })).image,
      );
      expect({ weight, centre: pixel(out, CENTRE) }).toEqual({ weight, centre: [expected, expected, expected] });
    }
  });

  it('runs after the swap on the swapped face, and the result keeps both', async () => {
    const swapOnly = await rawOf(
      (
        await engine.run({
          source: targetPng,
          target: targetPng,
          models: { detector: refs.scrfd, recognizer: refs.arcface, swapper: refs.green },
        })
      ).image,
    );
    expect(pixel(swapOnly, CENTRE)).toEqual([0, 255, 0]);
    const result = await engine.run({
      source: targetPng,
      target: targetPng,
      models: { detector: refs.scrfd, recognizer: refs.arcface, swapper: refs.green },
      processors: [{ processor: 'face_swapper' }, { processor: 'face_enhancer', model: refs.gfpgan, blend: 50 }],
    });
    const out = await rawOf(result.image);
    const model = COLOUR.map(level);
    pixel(out, CENTRE).forEach((v, c) =>
      expect(Math.abs(v - ([0, 255, 0][c] * 0.5 + model[c] * 0.5))).toBeLessThanOrEqual(1),
    );
    expect(result.faces[0].swapped).toBe(true);
    expect(result.timings.swap).toBeGreaterThan(0);
    expect(result.timings.enhance_face).toBeGreaterThan(0);
  });

  it('FaceFusion’s tile layout: interiors tile the frame edge to edge with the pad and overlap of the model', () => {
    const layout = { size: 256, pad: 16, overlap: 8 };
    expect(tileStarts(1000, layout)).toEqual([-16, 224, 464, 704, 944]);
    // Consecutive interiors (240 px) meet exactly and together cover [0, length).
    for (const length of [1, 239, 240, 241, 719, 1080, 3840]) {
      const starts = tileStarts(length, layout);
      starts.slice(1).forEach((s, i) => expect(s - starts[i]).toBe(240));
      expect(starts[0]).toBeLessThanOrEqual(0);
      expect(starts[starts.length - 1] + 240).toBeGreaterThanOrEqual(length);
    }
  });

  it('an identity upscaler reassembles tiles without a seam: every output pixel is its source pixel', async () => {
    for (const [ref, k, width, height] of [
      [refs.upscale2, 2, 1000, 700],
      [refs.upscale4Tile128, 4, 333, 257],
    ] as const) {
      const frame = noise(width, height);
      const result = await engine.run({
        target: await png(frame),
        models: {},
        processors: [{ processor: 'frame_enhancer', model: ref, blend: 100 }],
        outputFormat: 'png',
      });
      expect([result.width, result.height]).toEqual([width * k, height * k]);
      const out = await rawOf(result.image);
      expect([out.width, out.height]).toEqual([width * k, height * k]);
      let wrong = 0;
      for (let y = 0; y < out.height; y++) {
        for (let x = 0; x < out.width; x++) {
          const o = (y * out.width + x) * 3;
          const s = (Math.floor(y / k) * width + Math.floor(x / k)) * 3;
          if (
            out.data[o] !== frame.data[s] ||
            out.data[o + 1] !== frame.data[s + 1] ||
            out.data[o + 2] !== frame.data[s + 2]
          )
            wrong++;
        }
      }
      expect({ k, wrong }).toEqual({ k, wrong: 0 });
    }
  });

  it('a transparent PNG keeps its transparency, scaled with the frame by a ×2 frame enhancer', async () => {
    const width = 300;
    const height = 200;
    const frame = noise(width, height);
    // Opaque on the left half, fully transparent on the right half.
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba.set(frame.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = i % width < width / 2 ? 255 : 0;
    }
    const target = new Uint8Array(
      await sharp(rgba, { raw: { width, height, channels: 4 } })
        .png()
        .toBuffer(),
    );
    const result = await engine.run({
      target,
      models: {},
      processors: [{ processor: 'frame_enhancer', model: refs.upscale2, blend: 100 }],
      outputFormat: 'png',
    });
    const { data, info } = await sharp(result.image).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([width * 2, height * 2, 4]);
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    expect([alphaAt(10, 10), alphaAt(width - 20, height), alphaAt(width * 2 - 10, height * 2 - 10)]).toEqual([
      255, 255, 0,
    ]);
    expect(alphaAt(width + 20, 30)).toBe(0);
  });

  it('a model that reads its neighbours gives the same frame tiled as run whole (the overlap hides the seams)', async () => {
    const frame = noise(600, 530, 11);
    const result = await engine.run({
      target: await png(frame),
      models: {},
      processors: [{ processor: 'frame_enhancer', model: refs.blur2, blend: 100 }],
      outputFormat: 'png',
    });
    const tiled = await rawOf(result.image);
    // The same model over the whole frame at once (its input size is dynamic).
    const session = await ort.InferenceSession.create(refs.blur2.path);
    const plane = frame.width * frame.height;
    const input = new Float32Array(plane * 3);
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) input[c * plane + i] = frame.data[i * 3 + c] / 255;
    const whole = (await session.run({ input: new ort.Tensor('float32', input, [1, 3, frame.height, frame.width]) }))
      .output;
    await session.release();
    const [, , oh, ow] = whole.dims;
    expect([tiled.width, tiled.height]).toEqual([ow, oh]);
    const values = whole.data as Float32Array;
    const expected = new Uint8Array(ow * oh * 3);
    for (let i = 0; i < ow * oh; i++)
      for (let c = 0; c < 3; c++)
        expected[i * 3 + c] = Math.min(255, Math.max(0, Math.trunc(values[c * ow * oh + i] * 255)));
    expect(worstDifference(tiled.data, expected)).toBeLessThanOrEqual(1);
  });

  it('frame blend 0 is the bilinearly upscaled input, 100 the model output, between them a mix', async () => {
    const frame = noise(300, 200, 3);
    const bytes = await png(frame);
    const at = async (blend: number) =>
      rawOf(
        (
          await engine.run({
            target: bytes,
            models: {},
            processors: [{ processor: 'frame_enhancer', model: refs.upscale2, blend }],
          })
        ).image,
      );
    const [zero, half, full] = await Promise.all([at(0), at(50), at(100)]);
    const upscaled = resizeBilinear(frame, 600, 400);
    expect(worstDifference(zero.data, upscaled.data)).toBe(0);
    let worst = 0;
    for (let i = 0; i < half.data.length; i++)
      worst = Math.max(worst, Math.abs(half.data[i] - (zero.data[i] + full.data[i]) / 2));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('a face enhancer after a frame enhancer finds the face at the new scale; the watermark comes last', async () => {
    const result = await engine.run({
      target: targetPng,
      models: { detector: refs.scrfd },
      processors: [
        { processor: 'frame_enhancer', model: refs.upscale2, blend: 100 },
        { processor: 'face_enhancer', model: refs.gfpgan, blend: 100 },
      ],
      watermark: { payload: '0123456789abcdef' },
    });
    expect([result.width, result.height]).toEqual([2 * W, 2 * H]);
    expect(result.watermarked).toBe(true);
    const out = await rawOf(result.image);
    const model = COLOUR.map(level);
    pixel(out, [2 * CENTRE[0], 2 * CENTRE[1]]).forEach((v, c) => expect(Math.abs(v - model[c])).toBeLessThanOrEqual(3));
    // Far from the face, the (watermarked) upscale of the input.
    pixel(out, [2400, 100]).forEach((v, c) =>
      expect(Math.abs(v - pixel(target, [1200, 50])[c])).toBeLessThanOrEqual(3),
    );
    const detection = await engine.detectWatermark(result.image);
    expect(detection?.payload).toBe('0123456789abcdef');
  });

  it('refuses models whose I/O does not fit their family, and bad processor lists, with clear codes', async () => {
    const swapperAsEnhancer = { ...refs.green, family: 'gfpgan', kind: 'face_enhancer' } as ModelRef;
    await expect(enhanceOnly({ processor: 'face_enhancer', model: swapperAsEnhancer })).rejects.toMatchObject({
      code: 'model_incompatible',
    });
    const sameSize = writeModel(
      dir,
      'esrgan-x1',
      buildFaceEnhancerModel({ kind: 'identity' }, { size: 256 }),
      'real_esrgan',
      'frame_enhancer',
    );
    await expect(
      engine.run({ target: targetPng, models: {}, processors: [{ processor: 'frame_enhancer', model: sameSize }] }),
    ).rejects.toMatchObject({ code: 'model_incompatible', message: expect.stringContaining('upscaled') });
    await expect(
      engine.run({
        target: targetPng,
        models: {},
        processors: [{ processor: 'face_enhancer', model: refs.upscale2 }],
      }),
    ).rejects.toMatchObject({
      code: 'inference_request_invalid',
      message: expect.stringContaining('kind frame_enhancer'),
    });
    await expect(
      engine.run({ target: targetPng, models: { detector: refs.scrfd }, processors: [{ processor: 'face_swapper' }] }),
    ).rejects.toMatchObject({ code: 'inference_request_invalid', message: expect.stringContaining('source') });
    await expect(enhanceOnly({ processor: 'face_enhancer', model: refs.gfpgan, blend: 101 })).rejects.toMatchObject({
      code: 'inference_request_invalid',
    });
    await expect(
      engine.run({
        target: targetPng,
        models: { detector: refs.scrfd },
        processors: [
          { processor: 'face_enhancer', model: refs.gfpgan },
          { processor: 'face_enhancer', model: refs.gfpgan },
        ],
      }),
    ).rejects.toMatchObject({ code: 'inference_request_invalid', message: expect.stringContaining('twice') });
    await expect(
      engine.run({ target: targetPng, models: {}, processors: [{ processor: 'face_enhancer', model: refs.gfpgan }] }),
    ).rejects.toMatchObject({ code: 'inference_request_invalid', message: expect.stringContaining('models.detector') });
  });

  it('tile layouts follow the model: fixed input size, else Real-ESRGAN’s 256/16/8', async () => {
    const cache = new SessionCache();
    expect(tileLayout(await cache.acquire(refs.upscale4Tile128))).toEqual({ size: 128, pad: 8, overlap: 4 });
    expect(tileLayout(await cache.acquire(refs.blur2))).toEqual({ size: 256, pad: 16, overlap: 8 });
    await cache.clear();
  });

  it('runs side by side: parallel enhancements of different frames give each its own result', async () => {
    const frames = [noise(200, 150, 1), noise(210, 140, 2), noise(190, 160, 3)];
    const results = await Promise.all(
      frames.map(async (frame) =>
        engine.run({
          target: await png(frame),
          models: {},
          processors: [{ processor: 'frame_enhancer', model: refs.upscale2, blend: 100 }],
        }),
      ),
    );
    for (let i = 0; i < frames.length; i++) {
      const out = await rawOf(results[i].image);
      expect([out.width, out.height]).toEqual([frames[i].width * 2, frames[i].height * 2]);
      expect(pixel(out, [3, 5])).toEqual(pixel(frames[i], [1, 2]));
    }
  });
});

function countInside(polygon: Point[], width: number, height: number): number {
  let n = 0;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(polygon, [x, y], 0)) n++;
  return n;
}
