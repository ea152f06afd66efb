import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildInswapperModel } from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { ensureRealFixtures, type RealFixtures } from '#test/fixtures/real-fixtures';
import { FaceFusionEngine } from './face-fusion.engine.js';
import type { ImageCodec } from './image/image-codec.js';
import { loadImageCodec } from './image/load-image-codec.js';
import type { RgbImage } from './inference.types.js';
import { detectFaces } from './models/detectors.js';
import { landmarksFromBox } from './models/landmarks.js';
import type { LoadedModel, ModelRunner } from './models/loaded-model.js';
import { cosineSimilarity, embedFace } from './models/recognizer.js';
import { SessionCache } from './pipeline/session-cache.js';

const runner: ModelRunner = { run: (model, feeds) => model.session.run(feeds) };

describe('real UltraFace detector and face-embedding model on photos', () => {
  let fixtures: RealFixtures;
  let cache: SessionCache;
  let detector: LoadedModel;
  let recognizer: LoadedModel;
  let codec: ImageCodec;

  beforeAll(async () => {
    fixtures = ensureRealFixtures();
    cache = new SessionCache();
    detector = await cache.acquire(fixtures.ultraface);
    recognizer = await cache.acquire(fixtures.embedding);
    codec = await loadImageCodec();
  });
  afterAll(() => cache.clear());

  const centre = (b: { x1: number; y1: number; x2: number; y2: number }) => [(b.x1 + b.x2) / 2, (b.y1 + b.y2) / 2];

  it('finds the faces where they are', async () => {
    const group = await codec.decode(readFileSync(fixtures.photos.sample1));
    const faces = await detectFaces(runner, detector, group, {});
    // Three people, heads at these pixels (checked by eye on the photo).
    const expected = [
      [507, 476],
      [931, 535],
      [1572, 328],
    ];
    expect(faces).toHaveLength(3);
    const centres = faces.map((f) => centre(f.box)).sort((a, b) => a[0] - b[0]);
    centres.forEach(([x, y], i) => {
      expect(Math.abs(x - expected[i][0])).toBeLessThan(40);
      expect(Math.abs(y - expected[i][1])).toBeLessThan(40);
    });
    for (const face of faces) {
      const w = face.box.x2 - face.box.x1;
      const h = face.box.y2 - face.box.y1;
      expect(w).toBeGreaterThan(150);
      expect(h / w).toBeGreaterThan(0.9);
      expect(h / w).toBeLessThan(1.6);
    }
    const four = await detectFaces(runner, detector, await codec.decode(readFileSync(fixtures.photos.sample6)), {});
    expect(four).toHaveLength(4);
  });

  it('scores the same person higher than other people', async () => {
    const photo = await codec.decode(readFileSync(fixtures.photos.sample1));
    const faces = await detectFaces(runner, detector, photo, {});
    const embeddings = await Promise.all(
      faces.map((f) => embedFace(runner, recognizer, photo, landmarksFromBox(f.box))),
    );
    // The same person again, in a different picture of her: shifted crop, 60 % size, JPEG quality 70.
    const person = faces[0].box;
    const left = Math.max(0, Math.round(person.x1 - 230));
    const top = Math.max(0, Math.round(person.y1 - 170));
    const retaken = await sharp(readFileSync(fixtures.photos.sample1))
      .extract({ left, top, width: 700, height: 650 })
      .resize(420)
      .modulate({ brightness: 1.08 })
      .jpeg({ quality: 70 })
      .toBuffer();
    const other = await codec.decode(new Uint8Array(retaken));
    const [again] = await detectFaces(runner, detector, other, {});
    expect(again).toBeDefined();
    const same = await embedFace(runner, recognizer, other, landmarksFromBox(again.box));
    const toSame = cosineSimilarity(same.normed, embeddings[0].normed);
    const toOthers = embeddings.slice(1).map((e) => cosineSimilarity(same.normed, e.normed));
    const strangers = await codec.decode(readFileSync(fixtures.photos.sample2));
    for (const face of await detectFaces(runner, detector, strangers, {})) {
      const e = await embedFace(runner, recognizer, strangers, landmarksFromBox(face.box));
      toOthers.push(cosineSimilarity(same.normed, e.normed));
    }
    console.log(`same person ${toSame.toFixed(3)}; other people ${toOthers.map((v) => v.toFixed(3)).join(', ')}`);
    expect(toSame).toBeGreaterThan(0.6);
    expect(toSame).toBeGreaterThan(Math.max(...toOthers) + 0.2);
  });

  it('runs the whole pipeline on a photo in the worker pool and watermarks the output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inference-real-'));
    const engine = await FaceFusionEngine.create({ workers: 1 });
    try {
      const swapper = writeModel(
        dir,
        'inswapper',
        buildInswapperModel({ kind: 'colour', rgb: [1, 0, 1] }),
        'inswapper',
        'face_swapper',
      );
      const source = readFileSync(fixtures.photos.sample2);
      const target = readFileSync(fixtures.photos.sample3);
      const result = await engine.run({
        source,
        target,
        models: { detector: fixtures.ultraface, recognizer: fixtures.embedding, swapper },
        watermark: { payload: '0123456789abcdef' },
      });
      expect(result.format).toBe('jpeg');
      expect(result.faces).toHaveLength(3);
      expect(result.faces.every((f) => f.swapped && f.landmarkSource === 'box')).toBe(true);
      const out = (await engine.decode(result.image)) as RgbImage;
      for (const face of result.faces) {
        const [x, y] = centre(face.box).map(Math.round);
        const p = (y * out.width + x) * 3;
        // Magenta where the face was, through watermark and JPEG encoding.
        expect(out.data[p]).toBeGreaterThan(200);
        expect(out.data[p + 1]).toBeLessThan(60);
      }
      const found = await engine.detectWatermark(result.image);
      expect(found?.payload).toBe('0123456789abcdef');
      expect(await engine.detectWatermark(new Uint8Array(target))).toBeNull();
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
