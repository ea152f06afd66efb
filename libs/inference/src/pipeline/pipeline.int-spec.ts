import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  buildArcFaceModel,
  buildHyperswapModel,
  buildInswapperModel,
  buildLandmarkerModel,
  buildScrfdModel,
  buildUltraFaceModel,
  buildYoloFaceModel,
  buildYunetModel,
  defaultEmap,
} from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import type { ModelRef, RgbImage } from '../inference.types.js';
import { DETECTOR_SPECS, detectFaces, prepareDetectorInput } from '../models/detectors.js';
import type { ModelRunner } from '../models/loaded-model.js';
import type { FusionProgress } from './fusion.types.js';
import { SessionCache } from './session-cache.js';

const W = 1280;
const H = 720;
const runner: ModelRunner = { run: (model, feeds) => model.session.run(feeds) };
let dir: string;

function solid(rgb: [number, number, number], width = W, height = H): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, data };
}

function gradient(width = W, height = H): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      data.set([(x * 255) / width, (y * 255) / height, 128 + 60 * Math.sin(x / 90)], (y * width + x) * 3);
  }
  return { width, height, data };
}

async function png(image: RgbImage): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toBuffer(),
  );
}

async function rawOf(bytes: Uint8Array): Promise<RgbImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

// Detector-input boxes (640×640 letterbox of a 1280×720 frame: scale 0.5, padded at the bottom).
const BIG = { box: [100, 60, 260, 250] as [number, number, number, number] };
const SMALL = { box: [400, 100, 480, 190] as [number, number, number, number] };

describe('face-fusion pipeline on generated ONNX models', () => {
  let refs: Record<string, ModelRef>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'inference-int-'));
    refs = {
      scrfd: writeModel(dir, 'scrfd', buildScrfdModel([BIG]), 'scrfd', 'face_detector'),
      retinaface: writeModel(dir, 'retinaface', buildScrfdModel([BIG]), 'retinaface', 'face_detector'),
      yoloface: writeModel(dir, 'yoloface', buildYoloFaceModel([BIG, SMALL]), 'yoloface', 'face_detector'),
      yunet: writeModel(dir, 'yunet', buildYunetModel([BIG]), 'yunet', 'face_detector'),
      ultraface: writeModel(
        dir,
        'ultraface',
        buildUltraFaceModel([{ box: [50, 30, 130, 125] }]),
        'ultraface',
        'face_detector',
      ),
      arcface: writeModel(dir, 'arcface', buildArcFaceModel(0.03), 'arcface', 'face_recognizer'),
      inswapperSource: writeModel(
        dir,
        'inswapper-source',
        buildInswapperModel({ kind: 'source' }),
        'inswapper',
        'face_swapper',
      ),
      inswapperGreen: writeModel(
        dir,
        'inswapper-green',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
        'inswapper',
        'face_swapper',
      ),
      hyperswapIdentity: writeModel(
        dir,
        'hyperswap-identity',
        buildHyperswapModel({ kind: 'identity' }),
        'hyperswap',
        'face_swapper',
      ),
    };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('normalises detector input per family: channel order, scale, letterbox padding', () => {
    const image = solid([200, 100, 50], 20, 10);
    const scrfd = prepareDetectorInput(image, [640, 640], DETECTOR_SPECS.scrfd.layout);
    const plane = 640 * 640;
    expect(scrfd.tensor[0]).toBeCloseTo((50 - 127.5) / 128, 6); // B plane first (FaceFusion feeds BGR)
    expect(scrfd.tensor[2 * plane]).toBeCloseTo((200 - 127.5) / 128, 6);
    expect(scrfd.tensor[20]).toBeCloseTo(-127.5 / 128, 6); // right of the image: black padding
    const ultra = prepareDetectorInput(image, [320, 240], DETECTOR_SPECS.ultraface.layout);
    expect(ultra.tensor[0]).toBeCloseTo((200 - 127) / 128, 6); // R plane first
    const yolo = prepareDetectorInput(image, [640, 640], DETECTOR_SPECS.yoloface.layout);
    expect(yolo.tensor[2 * plane]).toBeCloseTo(200 / 255, 6);
    const yunet = prepareDetectorInput(image, [640, 640], DETECTOR_SPECS.yunet.layout);
    expect(yunet.tensor[plane]).toBe(100);
    const big = prepareDetectorInput(gradient(), [640, 640], DETECTOR_SPECS.scrfd.layout);
    expect([big.ratioX, big.ratioY]).toEqual([2, 2]);
  });

  it.each(['scrfd', 'retinaface', 'yoloface', 'yunet'] as const)(
    '%s boxes and landmarks come back at frame pixels after letterboxing',
    async (family) => {
      const cache = new SessionCache();
      const model = await cache.acquire(refs[family]);
      const faces = await detectFaces(runner, model, gradient(), {});
      const big = faces[0];
      expect(big.box.x1).toBeCloseTo(200, 3);
      expect(big.box.y1).toBeCloseTo(120, 3);
      expect(big.box.x2).toBeCloseTo(520, 3);
      expect(big.box.y2).toBeCloseTo(500, 3);
      expect(big.landmarks5![0][0]).toBeCloseTo(2 * (100 + 0.3 * 160), 3);
      expect(big.landmarks5![4][1]).toBeCloseTo(2 * (60 + 0.8 * 190), 3);
      expect(big.score).toBeCloseTo(0.9, 5);
      expect(await detectFaces(runner, model, gradient(), { scoreThreshold: 0.95 })).toHaveLength(0);
      await cache.clear();
    },
  );

  it('ultraface boxes are normalised to its 320×240 input and have no landmarks', async () => {
    const cache = new SessionCache();
    const faces = await detectFaces(runner, await cache.acquire(refs.ultraface), gradient(), {});
    // 1280×720 → 320×180 (scale 0.25): detector pixels × 4.
    expect(faces).toHaveLength(1);
    expect(faces[0].box.x1).toBeCloseTo(200, 3);
    expect(faces[0].box.y1).toBeCloseTo(120, 3);
    expect(faces[0].box.x2).toBeCloseTo(520, 3);
    expect(faces[0].box.y2).toBeCloseTo(500, 3);
    expect(faces[0].landmarks5).toBeNull();
    await cache.clear();
  });

  describe('engine (worker threads)', () => {
    let engine: FaceFusionEngine;
    beforeAll(async () => {
      engine = await FaceFusionEngine.create({ workers: 1 });
    });
    afterAll(() => engine.close());

    it('feeds inswapper the emap-projected source embedding (RGB, x/127.5−1) and pastes its output', async () => {
      const sourceColour: [number, number, number] = [160, 150, 140];
      const target = gradient();
      const events: FusionProgress[] = [];
      const result = await engine.run({
        source: await png(solid(sourceColour)),
        target: await png(target),
        models: { detector: refs.scrfd, recognizer: refs.arcface, swapper: refs.inswapperSource },
        onProgress: (e) => events.push(e),
      });
      // Independent expectation: embedding = plane means of the crop, then tail 0.03; latent = e·emap/‖e‖.
      const e = new Float64Array(512).fill(0.03);
      sourceColour.forEach((v, c) => (e[c] = v / 127.5 - 1));
      const norm = Math.hypot(...e);
      const emap = defaultEmap();
      const expected = [0, 1, 2].map((j) => {
        let s = 0;
        for (let i = 0; i < 512; i++) s += (e[i] / norm) * emap[i * 512 + j];
        return Math.min(1, Math.max(0, s)) * 255;
      });
      const out = await rawOf(result.image);
      expect(result.format).toBe('png');
      expect([out.width, out.height]).toEqual([W, H]);
      // Centre of the face (landmark centroid): fully inside the mask.
      const centre = (Math.round(2 * (60 + 0.6 * 190)) * W + Math.round(2 * (100 + 0.5 * 160))) * 3;
      [0, 1, 2].forEach((c) => expect(Math.abs(out.data[centre + c] - expected[c])).toBeLessThanOrEqual(1));
      expect(result.faces).toHaveLength(1);
      expect(result.faces[0].landmarkSource).toBe('detector');
      expect(result.executionProvider).toBe('cpu');
      expect(result.timings.swap).toBeGreaterThan(0);
      expect(result.timings.sessionRun).toBeLessThan(result.timings.total);
      const stages = events
        .filter((ev) => ev.type === 'stage' && ev.status === 'end')
        .map((ev) => (ev as { stage: string }).stage);
      expect(stages).toEqual(['decode', 'detect', 'landmark', 'embed', 'align', 'swap', 'paste', 'encode']);
      expect(events.filter((ev) => ev.type === 'face')).toEqual([expect.objectContaining({ index: 1, total: 1 })]);
    });

    it('a swapper that outputs pure green changes pixels only inside the selected face region', async () => {
      const target = gradient();
      const result = await engine.run({
        source: await png(solid([128, 128, 128])),
        target: await png(target),
        models: { detector: refs.yoloface, recognizer: refs.arcface, swapper: refs.inswapperGreen },
        selection: { mode: 'largest' },
      });
      const out = await rawOf(result.image);
      let x1 = W;
      let y1 = H;
      let x2 = -1;
      let y2 = -1;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = (y * W + x) * 3;
          if (
            out.data[i] !== target.data[i] ||
            out.data[i + 1] !== target.data[i + 1] ||
            out.data[i + 2] !== target.data[i + 2]
          ) {
            x1 = Math.min(x1, x);
            y1 = Math.min(y1, y);
            x2 = Math.max(x2, x);
            y2 = Math.max(y2, y);
          }
        }
      }
      // Face box 200..520 × 120..500; the arcface_128 crop reaches a little beyond it.
      expect(x1).toBeGreaterThan(200 - 80);
      expect(y1).toBeGreaterThan(120 - 80);
      expect(x2).toBeLessThan(520 + 80);
      expect(y2).toBeLessThan(500 + 80);
      const centre = (310 * W + 360) * 3;
      expect(Array.from(out.data.subarray(centre, centre + 3))).toEqual([0, 255, 0]);
      // The smaller face (detector box 400..480 → frame 800..960) was not selected.
      expect(result.faces.map((f) => f.swapped)).toEqual([true, false]);
      const small = (290 * W + 880) * 3;
      expect(Array.from(out.data.subarray(small, small + 3))).toEqual(
        Array.from(target.data.subarray(small, small + 3)),
      );
    });

    it('an identity hyperswap leaves the frame as it was (warp and paste-back are inverse)', async () => {
      const target = gradient();
      const result = await engine.run({
        source: await png(solid([90, 90, 90])),
        target: await png(target),
        models: { detector: refs.yunet, recognizer: refs.arcface, swapper: refs.hyperswapIdentity },
      });
      const out = await rawOf(result.image);
      let sum = 0;
      let worst = 0;
      for (let i = 0; i < out.data.length; i++) {
        const d = Math.abs(out.data[i] - target.data[i]);
        sum += d;
        worst = Math.max(worst, d);
      }
      expect(worst).toBeLessThanOrEqual(3);
      // The blend truncates to 8 bits as FaceFusion's does (astype(uint8)), so every pasted pixel may
      // lose up to one level (0.08 on average over this frame; 0.05 held while the blend rounded).
      // test/parity checks the blend itself against OpenCV within one level.
      expect(sum / out.data.length).toBeLessThan(0.1);
    });

    it('uses a face_landmarker when the detector has no landmarks', async () => {
      const points = Array.from(
        { length: 68 },
        (_, i) => [20 + (i % 10) * 2.5, 20 + Math.floor(i / 10) * 3] as [number, number],
      );
      const landmarker = writeModel(dir, 'landmarker', buildLandmarkerModel(points), '2dfan4', 'face_landmarker');
      const result = await engine.run({
        source: await png(solid([120, 120, 120])),
        target: await png(gradient()),
        models: { detector: refs.ultraface, landmarker, recognizer: refs.arcface, swapper: refs.inswapperGreen },
      });
      const face = result.faces[0];
      expect(face.landmarkSource).toBe('landmarker');
      // Independent mapping: box 200..520 × 120..500 → 256 crop with scale 195/380, centred.
      const scale = 195 / 380;
      const toFrame = ([x, y]: [number, number]) => [
        ((x / 64) * 256 - (256 - 720 * scale) / 2) / scale,
        ((y / 64) * 256 - (256 - 620 * scale) / 2) / scale,
      ];
      const nose = toFrame(points[30]);
      expect(face.landmarks5[2][0]).toBeCloseTo(nose[0], 3);
      expect(face.landmarks5[2][1]).toBeCloseTo(nose[1], 3);
    });

    it('selects faces by similarity to a reference embedding', async () => {
      const request = {
        source: await png(solid([128, 128, 128])),
        target: await png(solid([200, 40, 40])),
        models: { detector: refs.yoloface, recognizer: refs.arcface, swapper: refs.inswapperGreen },
      };
      const faceEmbedding = [200 / 127.5 - 1, 40 / 127.5 - 1, 40 / 127.5 - 1, ...new Array(509).fill(0.03)];
      const matching = await engine.run({
        ...request,
        selection: { mode: 'reference', referenceEmbedding: faceEmbedding },
      });
      expect(matching.faces.map((f) => f.swapped)).toEqual([true, true]);
      expect(matching.faces[0].similarity).toBeCloseTo(1, 4);
      const other = await engine.run({
        ...request,
        selection: { mode: 'reference', referenceEmbedding: faceEmbedding.map((v) => -v) },
      });
      expect(other.faces.map((f) => f.swapped)).toEqual([false, false]);
    });

    it('keeps the calling event loop responsive while four pipelines run', async () => {
      const request = {
        source: await png(solid([150, 120, 100])),
        target: await png(gradient()),
        models: { detector: refs.scrfd, recognizer: refs.arcface, swapper: refs.inswapperSource },
      };
      const lags: number[] = [];
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        lags.push(now - last - 5);
        last = now;
      }, 5);
      const started = performance.now();
      await Promise.all([1, 2, 3, 4].map(() => engine.run(request)));
      const elapsed = performance.now() - started;
      clearInterval(timer);
      expect(lags.length).toBeGreaterThan(elapsed / 5 / 4);
      expect(Math.max(...lags)).toBeLessThan(150);
    });

    it('refuses bad models and bad images with clear codes', async () => {
      const base = { source: await png(solid([1, 2, 3], 200, 200)), target: await png(gradient(200, 200)) };
      const models = { detector: refs.scrfd, recognizer: refs.arcface, swapper: refs.inswapperSource };
      await expect(
        engine.run({ ...base, models: { ...models, swapper: { ...refs.inswapperSource, sha256: 'a'.repeat(64) } } }),
      ).rejects.toMatchObject({
        code: 'model_digest_mismatch',
        status: 422,
      });
      const garbage = writeModel(
        dir,
        'garbage',
        new TextEncoder().encode('this is not onnx'),
        'arcface',
        'face_recognizer',
      );
      await expect(engine.run({ ...base, models: { ...models, recognizer: garbage } })).rejects.toMatchObject({
        code: 'model_invalid',
      });
      const wrongFamily = { ...refs.arcface, family: 'inswapper' as const, kind: 'face_swapper' as const };
      await expect(engine.run({ ...base, models: { ...models, swapper: wrongFamily } })).rejects.toMatchObject({
        code: 'model_incompatible',
      });
      const noEmap = writeModel(dir, 'no-emap', buildHyperswapModel({ kind: 'identity' }), 'inswapper', 'face_swapper');
      await expect(engine.run({ ...base, models: { ...models, swapper: noEmap } })).rejects.toMatchObject({
        code: 'model_incompatible',
      });
      await expect(
        engine.run({
          ...base,
          models: {
            ...models,
            detector: {
              ...writeModel(dir, 'moved', buildScrfdModel([SMALL]), 'scrfd', 'face_detector'),
              path: join(dir, 'missing.onnx'),
            },
          },
        }),
      ).rejects.toMatchObject({
        code: 'model_unreadable',
      });
      await expect(engine.run({ ...base, target: new TextEncoder().encode('GIF89a'), models })).rejects.toMatchObject({
        code: 'image_unsupported',
        status: 415,
      });
      await expect(engine.run({ ...base, targetType: 'image/jpeg', models })).rejects.toMatchObject({
        code: 'image_mislabelled',
      });
      const blank = writeModel(dir, 'none', buildScrfdModel([]), 'scrfd', 'face_detector');
      await expect(engine.run({ ...base, models: { ...models, detector: blank } })).rejects.toMatchObject({
        code: 'no_source_face',
      });
    });
  });

  it('caches sessions by SHA-256 within a byte budget', async () => {
    const cache = new SessionCache({ maxBytes: 1 });
    const a = await cache.acquire(refs.arcface);
    const again = await cache.acquire({ ...refs.arcface, path: join(dir, 'not-read-when-cached.onnx') });
    expect(again.session).toBe(a.session);
    cache.release(refs.arcface);
    expect(cache.stats.sessions).toBe(1); // still pinned once
    cache.release(refs.arcface);
    expect(cache.stats.sessions).toBe(0); // over budget and unpinned: evicted
    writeFileSync(join(dir, 'unused'), '');
  });
});
