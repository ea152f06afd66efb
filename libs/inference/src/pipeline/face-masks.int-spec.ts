import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildFaceEnhancerModel } from '#test/fixtures/onnx/enhancer-models';
import { buildArcFaceModel, buildInswapperModel, buildScrfdModel } from '#test/fixtures/onnx/face-models';
import { buildOccluderModel, buildParserModel, splitLabels, type GridRect } from '#test/fixtures/onnx/mask-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { FaceFusionEngine } from '../face-fusion.engine.js';
import { applyAffine, estimateSimilarity } from '../geometry/affine.js';
import { scaledTemplate } from '../geometry/templates.js';
import type { ModelRef, Point, RgbImage } from '../inference.types.js';
import { FACE_MASK_REGION_LABELS } from '../models/face-masker.js';
import type { FaceMaskOptions, FusionProgress, FusionRequest, FusionResult } from './fusion.types.js';

const W = 1280;
const H = 720;
const CROP = 128;
const GREEN = [0, 255, 0];

function gradient(): RgbImage {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data.set([(x * 255) / W, (y * 255) / H, 128 + 60 * Math.sin(x / 90)], (y * W + x) * 3);
  }
  return { width: W, height: H, data };
}

const png = async (image: RgbImage) =>
  new Uint8Array(
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .png()
      .toBuffer(),
  );

async function rawOf(bytes: Uint8Array): Promise<RgbImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** A zone of the swapper's 128-px crop, in crop pixel coordinates. */
type Zone = (u: number, v: number) => boolean;
const inside =
  (r: GridRect, margin: number): Zone =>
  (u, v) =>
    u >= r.x1 + margin && u <= r.x2 - 1 - margin && v >= r.y1 + margin && v <= r.y2 - 1 - margin;
const outside =
  (r: GridRect, margin: number): Zone =>
  (u, v) =>
    u < r.x1 - margin || u > r.x2 - 1 + margin || v < r.y1 - margin || v > r.y2 - 1 + margin;
const all =
  (...zones: Zone[]): Zone =>
  (u, v) =>
    zones.every((z) => z(u, v));
/** Well inside the feathered box mask (border 9 px, σ ≈ 4.75 px at blur 0.3). */
const core: Zone = (u, v) => u >= 24 && u <= 103 && v >= 24 && v <= 103;
/** A rectangle of the occluder's 256-px grid, in the 128-px crop. */
const half = (r: GridRect): GridRect => ({ x1: r.x1 / 2, y1: r.y1 / 2, x2: r.x2 / 2, y2: r.y2 / 2 });

/** Frame pixels whose crop position lies in `zone`, for the one swapped face of `result`. */
function pixelsIn(result: FusionResult, zone: Zone): number[] {
  const matrix = estimateSimilarity(result.faces[0].landmarks5, scaledTemplate('arcface_128', CROP));
  const found: number[] = [];
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const [u, v] = applyAffine(matrix, [x, y] as Point);
      if (u >= 0 && v >= 0 && u <= CROP - 1 && v <= CROP - 1 && zone(u, v)) found.push((y * W + x) * 3);
    }
  }
  return found;
}

const pixel = (image: RgbImage, i: number) => Array.from(image.data.subarray(i, i + 3));

/** Every pixel of `offsets` is the target's own, untouched. */
function expectUntouched(out: RgbImage, target: RgbImage, offsets: number[]): void {
  expect(offsets.length).toBeGreaterThan(200);
  const changed = offsets.filter((i) => pixel(out, i).some((v, c) => v !== target.data[i + c]));
  expect(changed).toEqual([]);
}

/** Every pixel of `offsets` shows the swapper's green (fully pasted, within rounding of the feathering). */
function expectSwapped(out: RgbImage, offsets: number[]): void {
  expect(offsets.length).toBeGreaterThan(200);
  const off = offsets.filter((i) => pixel(out, i).some((v, c) => Math.abs(v - GREEN[c]) > 4));
  expect(off).toEqual([]);
}

describe('face masks in the fusion pipeline (generated occluder and parser)', () => {
  let dir: string;
  let engine: FaceFusionEngine;
  let refs: Record<string, ModelRef>;
  let target: RgbImage;
  let base: Omit<FusionRequest, 'faceMask'>;
  // The occluder marks this rectangle of its 256×256 grid as occluded (crop 32..95 × 48..79).
  const OCCLUDED: GridRect = { x1: 64, y1: 96, x2: 192, y2: 160 };
  // A wide one across both halves of the face (crop 16..111 × 48..79).
  const BAND: GridRect = { x1: 32, y1: 96, x2: 224, y2: 160 };

  const run = (faceMask?: FaceMaskOptions, onProgress?: (e: FusionProgress) => void) =>
    engine.run({ ...base, faceMask, onProgress });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inference-masks-'));
    refs = {
      detector: writeModel(dir, 'scrfd', buildScrfdModel([{ box: [100, 60, 260, 250] }]), 'scrfd', 'face_detector'),
      recognizer: writeModel(dir, 'arcface', buildArcFaceModel(0.03), 'arcface', 'face_recognizer'),
      swapper: writeModel(
        dir,
        'inswapper-green',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
        'inswapper',
        'face_swapper',
      ),
      occluder: writeModel(dir, 'xseg', buildOccluderModel([OCCLUDED]), 'xseg', 'face_occluder'),
      band: writeModel(dir, 'xseg-band', buildOccluderModel([BAND]), 'xseg', 'face_occluder'),
      // Skin on the left half of the crop (columns < 64), nose on the right.
      parser: writeModel(
        dir,
        'bisenet',
        buildParserModel(splitLabels(FACE_MASK_REGION_LABELS.skin, FACE_MASK_REGION_LABELS.nose)),
        'bisenet',
        'face_parser',
      ),
      nchwOccluder: writeModel(dir, 'xseg-nchw', buildOccluderModel([], [1, 3, 256, 256]), 'xseg', 'face_occluder'),
      enhancer: writeModel(
        dir,
        'gfpgan-identity',
        buildFaceEnhancerModel({ kind: 'identity' }),
        'gfpgan',
        'face_enhancer',
      ),
    };
    target = gradient();
    base = {
      source: await png({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(128) }),
      target: await png(target),
      models: { detector: refs.detector, recognizer: refs.recognizer, swapper: refs.swapper },
      requireTargetFace: true,
    };
    engine = await FaceFusionEngine.create({ workers: 1 });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the target’s own pixels where the occluder sees something in front of the face', async () => {
    const events: FusionProgress[] = [];
    const result = await run({ types: ['box', 'occlusion'], occluder: refs.occluder }, (e) => events.push(e));
    const out = await rawOf(result.image);
    const rect = half(OCCLUDED);
    expectUntouched(out, target, pixelsIn(result, inside(rect, 3)));
    expectSwapped(out, pixelsIn(result, all(core, outside(rect, 14))));
    expect(result.timings.mask).toBeGreaterThan(0);
    const stages = events
      .filter((e) => e.type === 'stage' && e.status === 'end')
      .map((e) => (e as { stage: string }).stage);
    expect(stages.slice(stages.indexOf('swap'), stages.indexOf('paste') + 1)).toEqual(['swap', 'mask', 'paste']);

    // Without the occlusion mask the same pixels are swapped: the occluder is what kept them.
    const plain = await run({ types: ['box'] });
    expectSwapped(await rawOf(plain.image), pixelsIn(plain, all(core, inside(rect, 3))));
  });

  it('masks shape the swap’s paste-back when a face enhancer follows it in the chain', async () => {
    const events: FusionProgress[] = [];
    const result = await engine.run({
      ...base,
      processors: [{ processor: 'face_swapper' }, { processor: 'face_enhancer', model: refs.enhancer, blend: 100 }],
      faceMask: { types: ['box', 'occlusion'], occluder: refs.occluder },
      onProgress: (e) => events.push(e),
    });
    const out = await rawOf(result.image);
    const rect = half(OCCLUDED);
    // The identity enhancer re-pastes the frame as the swap left it (within its 8-bit round trip):
    // the occluded part is still the target's, the rest still the swapper's green.
    const occluded = pixelsIn(result, inside(rect, 3));
    expect(occluded.length).toBeGreaterThan(200);
    const far = occluded.filter((i) => pixel(out, i).some((v, c) => Math.abs(v - target.data[i + c]) > 3));
    expect(far).toEqual([]);
    expectSwapped(out, pixelsIn(result, all(core, outside(rect, 14))));
    expect(result.timings.mask).toBeGreaterThan(0);
    expect(result.timings.enhance_face).toBeGreaterThan(0);
    const stages = events
      .filter((e) => e.type === 'stage' && e.status === 'end')
      .map((e) => (e as { stage: string }).stage);
    expect(stages.indexOf('mask')).toBeGreaterThan(stages.indexOf('swap'));
    expect(stages.indexOf('enhance_face')).toBeGreaterThan(stages.indexOf('paste'));
  });

  it('region masks keep only the chosen face parts', async () => {
    const left: Zone = (u) => u <= 63;
    const right: Zone = (u) => u >= 64;
    const skin = await run({ types: ['box', 'region'], regions: ['skin'], parser: refs.parser });
    const skinOut = await rawOf(skin.image);
    expectSwapped(
      skinOut,
      pixelsIn(
        skin,
        all(core, (u) => u <= 63 - 14),
      ),
    );
    expectUntouched(
      skinOut,
      target,
      pixelsIn(skin, (u) => u >= 64 + 3),
    );

    const nose = await run({ types: ['box', 'region'], regions: ['nose', 'mouth'], parser: refs.parser });
    const noseOut = await rawOf(nose.image);
    expectSwapped(
      noseOut,
      pixelsIn(
        nose,
        all(core, (u) => u >= 64 + 14),
      ),
    );
    expectUntouched(
      noseOut,
      target,
      pixelsIn(nose, (u) => u <= 63 - 3),
    );

    // Every region (the default) keeps both halves.
    const every = await run({ types: ['box', 'region'], parser: refs.parser });
    const everyOut = await rawOf(every.image);
    expectSwapped(everyOut, pixelsIn(every, all(core, left)));
    expectSwapped(everyOut, pixelsIn(every, all(core, right)));
  });

  it('combines box, occlusion and region masks by their minimum', async () => {
    const result = await run({
      types: ['box', 'occlusion', 'region'],
      regions: ['skin'],
      occluder: refs.band,
      parser: refs.parser,
    });
    const out = await rawOf(result.image);
    const band = half(BAND);
    // Kept only where every mask keeps it: skin (left) and not occluded.
    expectSwapped(
      out,
      pixelsIn(
        result,
        all(core, (u) => u <= 63 - 14, outside(band, 14)),
      ),
    );
    expectUntouched(
      out,
      target,
      pixelsIn(
        result,
        all((u) => u <= 63, inside(band, 3)),
      ),
    );
    expectUntouched(
      out,
      target,
      pixelsIn(result, (u) => u >= 64 + 3),
    );
    expect(result.faces[0].swapped).toBe(true);
  });

  it('without the box mask, an occlusion mask alone pastes up to the crop’s edge', async () => {
    const rect = half(OCCLUDED);
    const edge: Zone = (u, v) => u >= 1 && u <= 4 && v >= 40 && v <= 88;
    // With the box mask the crop's edge is feathered out (its zero border is 9 px): never fully pasted.
    const boxed = await run({ types: ['box', 'occlusion'], occluder: refs.occluder });
    const boxedOut = await rawOf(boxed.image);
    const edgePixels = pixelsIn(boxed, edge);
    expect(edgePixels.length).toBeGreaterThan(100);
    expect(edgePixels.filter((i) => pixel(boxedOut, i)[1] > 215)).toEqual([]);
    const bare = await run({ types: ['occlusion'], occluder: refs.occluder });
    const bareOut = await rawOf(bare.image);
    expectSwapped(bareOut, pixelsIn(bare, edge));
    expectUntouched(bareOut, target, pixelsIn(bare, inside(rect, 3)));
  });

  it('box padding leaves the padded side of the face untouched', async () => {
    // 50% from the top: the upper half of the crop keeps the target; a hard edge without blur.
    const hard = await run({ types: ['box'], padding: [50, 0, 0, 0], blur: 0 });
    const hardOut = await rawOf(hard.image);
    expectUntouched(
      hardOut,
      target,
      pixelsIn(hard, (_u, v) => v <= 62),
    );
    expectSwapped(
      hardOut,
      pixelsIn(hard, (u, v) => v >= 65 && u >= 2 && u <= 125 && v <= 125),
    );
    // Blurred (σ = ⌊128 · 0.5 · 0.3⌋ / 4 = 4.75 px), the edge is feathered both ways. The kernel
    // reaches 19 px (39 taps), so mask rows up to 64 − 20 = 44 are exactly zero; FaceFusion's blend
    // truncates to 8 bits, so any weight above zero can take a level off, and only pixels sampling
    // those rows alone (v ≤ 43, a pixel of bilinear reach) keep the target exactly.
    const soft = await run({ types: ['box'], padding: [50, 0, 0, 0], blur: 0.3 });
    const softOut = await rawOf(soft.image);
    expectUntouched(
      softOut,
      target,
      pixelsIn(soft, (_u, v) => v <= 64 - 20 - 1),
    );
    expectSwapped(
      softOut,
      pixelsIn(
        soft,
        all(core, (_u, v) => v >= 64 + 14),
      ),
    );
    expect(
      pixelsIn(soft, (u, v) => u >= 30 && u <= 98 && v >= 62 && v <= 65).some((i) => {
        const g = pixel(softOut, i)[1];
        return g > target.data[i + 1] + 20 && g < 235;
      }),
    ).toBe(true);
  });

  it('refuses mask requests that cannot run, with a clear problem', async () => {
    await expect(run({ types: ['occlusion'] })).rejects.toMatchObject({
      code: 'inference_request_invalid',
      message: expect.stringContaining('faceMask.occluder is required for occlusion masks'),
    });
    await expect(run({ types: ['region'], parser: refs.occluder })).rejects.toMatchObject({
      code: 'inference_request_invalid',
      message: expect.stringContaining('faceMask.parser has kind face_occluder'),
    });
    await expect(
      run({ types: ['box'], padding: [0, 0, 101, 0] as FaceMaskOptions['padding'], blur: 2 }),
    ).rejects.toMatchObject({
      code: 'inference_request_invalid',
      message: expect.stringMatching(/faceMask\.blur.*faceMask\.padding/),
    });
    await expect(
      run({ types: ['box', 'region'], regions: ['hair' as never], parser: refs.parser }),
    ).rejects.toMatchObject({
      code: 'inference_request_invalid',
      message: expect.stringContaining('faceMask.regions'),
    });
    // A channels-first file registered as XSeg does not fit the family the engine runs.
    await expect(run({ types: ['occlusion'], occluder: refs.nchwOccluder })).rejects.toMatchObject({
      code: 'model_incompatible',
      message: expect.stringContaining('image input has 256 channels, expected 3'),
    });
  });
});
