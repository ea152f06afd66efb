import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { buildInswapperModel } from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { ensureRealFixtures, type RealFixtures } from '#test/fixtures/real-fixtures';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import type { ModelRef } from '../inference.types.js';
import { loadImageCodec } from './load-image-codec.js';

/**
 * A phone stores a photo as the sensor saw it and tags how to turn it (EXIF orientation 1–8). The
 * stored pixels below are the upright photo under the inverse of each orientation (sharp flips before
 * it rotates), so a viewer that
 * honours the tag shows the upright photo.
 */
const STORED: Record<number, (image: Sharp) => Sharp> = {
  1: (i) => i,
  2: (i) => i.flop(),
  3: (i) => i.rotate(180),
  4: (i) => i.flip(),
  5: (i) => i.rotate(90).flip(),
  6: (i) => i.rotate(270),
  7: (i) => i.rotate(90).flop(),
  8: (i) => i.rotate(90),
};

describe('EXIF orientation on decode (real photo)', () => {
  let fixtures: RealFixtures;
  let upright: Buffer;
  let uprightRaw: Buffer;
  const tagged = new Map<number, Uint8Array>();
  const size = { width: 960, height: 640 };

  beforeAll(async () => {
    fixtures = ensureRealFixtures();
    // sample1: three people; 960 px wide keeps the test quick.
    upright = await sharp(readFileSync(fixtures.photos.sample1)).resize(size.width).jpeg({ quality: 95 }).toBuffer();
    uprightRaw = await sharp(upright).raw().toBuffer();
    for (const orientation of Object.keys(STORED).map(Number)) {
      const pixels = await STORED[orientation](sharp(upright)).toBuffer();
      tagged.set(
        orientation,
        new Uint8Array(await sharp(pixels).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer()),
      );
    }
  });

  it('the test files carry the tag and are stored sideways where the tag says so', async () => {
    for (const [orientation, bytes] of tagged) {
      const meta = await sharp(bytes).metadata();
      expect(meta.orientation).toBe(orientation);
      expect([meta.width, meta.height]).toEqual(
        orientation >= 5 ? [size.height, size.width] : [size.width, size.height],
      );
    }
  });

  it.each(['sharp', 'jimp'] as const)('%s decodes all 8 orientations upright', async (name) => {
    const codec = await loadImageCodec(name);
    for (const [orientation, bytes] of tagged) {
      const image = await codec.decode(bytes);
      expect({ orientation, width: image.width, height: image.height }).toEqual({ orientation, ...size });
      // Same picture as the upright one, up to the loss of one more JPEG encode.
      let sum = 0;
      for (let i = 0; i < image.data.length; i++) sum += Math.abs(image.data[i] - uprightRaw[i]);
      expect({ orientation, close: sum / image.data.length < 3 }).toEqual({ orientation, close: true });
    }
  });

  describe('through the engine', () => {
    let dir: string;
    let engine: FaceFusionEngine;
    let swapper: ModelRef;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'inference-orientation-'));
      swapper = writeModel(dir, 'swapper', buildInswapperModel({ kind: 'source' }), 'inswapper', 'face_swapper');
      engine = await FaceFusionEngine.create({ workers: 1 });
    });
    afterAll(async () => {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it.each([6, 8, 3])(
      'a photo tagged %i has its three faces found and swapped, and comes back upright without the tag',
      async (orientation) => {
        const result = await engine.run({
          source: upright,
          target: tagged.get(orientation)!,
          models: { detector: fixtures.ultraface, recognizer: fixtures.embedding, swapper },
        });
        expect(result.faces.filter((f) => f.swapped)).toHaveLength(3);
        expect([result.width, result.height]).toEqual([size.width, size.height]);
        const meta = await sharp(result.image).metadata();
        expect([meta.width, meta.height]).toEqual([size.width, size.height]);
        expect(meta.orientation).toBeUndefined();
      },
    );
  });
});
