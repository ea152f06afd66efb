import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { buildFaceEnhancerModel, buildTileUpscalerModel } from '#test/fixtures/onnx/enhancer-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { ensureRealFixtures } from '#test/fixtures/real-fixtures';
import { toNchw } from '../image/image-ops.js';
import type { Point, RgbImage } from '../inference.types.js';
import { detectFaces } from '../models/detectors.js';
import { landmarksFromBox } from '../models/landmarks.js';
import type { ModelRunner } from '../models/loaded-model.js';
import { SessionCache } from '../pipeline/session-cache.js';
import { createBoxMask, pasteBack } from '../pipeline/paste-back.js';
import {
  alignForEnhancer,
  enhanceFace,
  FACE_ENHANCER_LAYOUT,
  faceEnhancerGeometry,
  runFaceEnhancer,
} from './face-enhancer.js';
import { enhanceFrame } from './frame-enhancer.js';

/** Debian's python3-opencv; the pyenv python earlier on PATH has no cv2. */
const PYTHON = '/usr/bin/python3';
const REFERENCE = fileURLToPath(new URL('../../../../test/fixtures/parity/facefusion_enhancers.py', import.meta.url));
const runner: ModelRunner = { run: (model, feeds) => model.session.run(feeds) };

async function decode(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** Runs FaceFusion's processing (OpenCV) on the same frame; returns its output frame (and crop tensor). */
function reference(
  dir: string,
  frame: RgbImage,
  job: Record<string, unknown>,
): { frame: Uint8Array; tensor?: Float32Array } {
  const framePath = join(dir, 'frame.rgb');
  writeFileSync(framePath, frame.data);
  const paths = { frame: framePath, frameOut: join(dir, 'out.rgb'), tensorOut: join(dir, 'tensor.f32') };
  execFileSync(PYTHON, [REFERENCE], {
    input: JSON.stringify({ ...job, ...paths, width: frame.width, height: frame.height }),
    encoding: 'utf8',
  });
  const out = new Uint8Array(readFileSync(paths.frameOut));
  if (job.processor !== 'face_enhancer') return { frame: out };
  const bytes = readFileSync(paths.tensorOut);
  return { frame: out, tensor: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
}

function stats(a: ArrayLike<number>, b: ArrayLike<number>): { worst: number; mean: number } {
  let worst = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    worst = Math.max(worst, d);
    sum += d;
  }
  return { worst, mean: sum / a.length };
}

/**
 * Parity with FaceFusion on real photos: the same crop tensor, the same pasted and blended frame,
 * the same tiled upscale, each within one level of its OpenCV reference (OpenCV warps in 1/32 px
 * fixed point; here in floating point).
 */
describe('enhancer pre/post-processing against FaceFusion with OpenCV', () => {
  let dir: string;
  let cache: SessionCache;
  let photo: RgbImage;
  let landmarks: Point[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'enhancer-parity-'));
    cache = new SessionCache();
    const fixtures = ensureRealFixtures();
    photo = await decode(fixtures.photos.sample2);
    const faces = await detectFaces(runner, await cache.acquire(fixtures.ultraface), photo, {});
    expect(faces.length).toBeGreaterThan(0);
    // Box landmarks nudged off an exact similarity, so the matrix estimate itself is compared too.
    landmarks = landmarksFromBox(faces[0].box).map(([x, y], i) => [
      x + [0, 1.5, 3, -1, 0.5][i],
      y + [1, -2, 0, 2, -1][i],
    ]);
  });
  afterAll(async () => {
    await cache.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['gfpgan', 512],
    ['gpen_bfr', 256],
    ['codeformer', 512],
  ] as const)('%s at %i px: crop tensor, normalisation, paste-back and blend 80', async (family, size) => {
    const behaviour = { kind: 'affine' as const, scale: 1, offset: -0.1 };
    const ref = writeModel(
      dir,
      `${family}-${size}`,
      buildFaceEnhancerModel(behaviour, { size, ...(family === 'codeformer' ? { weight: 'double' as const } : {}) }),
      family,
      'face_enhancer',
    );
    const model = await cache.acquire(ref);
    const geometry = faceEnhancerGeometry(model);
    const aligned = alignForEnhancer(model, photo, landmarks);
    const tensor = toNchw(aligned.crop, size, size, FACE_ENHANCER_LAYOUT);
    const enhanced = await runFaceEnhancer(runner, model, aligned, 0.5);
    const pasted: RgbImage = { ...photo, data: photo.data.slice() };
    pasteBack(pasted, enhanced, createBoxMask(size, 0.3), size, aligned.matrix, 0.8);
    const whole: RgbImage = { ...photo, data: photo.data.slice() };
    await enhanceFace(runner, model, whole, landmarks, { blend: 80 });
    cache.release(ref);

    const job = {
      processor: 'face_enhancer',
      landmarks,
      template: geometry.template,
      size,
      blend: 80,
      blur: 0.3,
      modelScale: behaviour.scale,
      modelOffset: behaviour.offset,
    };
    const cropPath = join(dir, 'crop.rgb');
    writeFileSync(cropPath, Uint8Array.from(enhanced));
    const post = reference(dir, photo, { ...job, cropIn: cropPath });
    const full = reference(dir, photo, job);
    // Pre-processing: the crop tensor. Values are in [−1, 1]: one 0–255 level is 2/255.
    expect(stats(tensor, full.tensor!).worst).toBeLessThanOrEqual(2 / 255 + 1e-6);
    // Post-processing: the same enhanced crop pasted back and blended.
    const back = stats(pasted.data, post.frame);
    expect(back.worst).toBeLessThanOrEqual(1);
    expect(back.mean).toBeLessThan(0.05);
    // Both together: a level of difference in the crop can meet one in the paste.
    const both = stats(whole.data, full.frame);
    expect(both.worst).toBeLessThanOrEqual(2);
    expect(both.mean).toBeLessThan(0.05);
    // The enhancer did change the face: the comparison is not between two untouched photos.
    expect(stats(whole.data, photo.data).worst).toBeGreaterThan(10);
  });

  it('Real-ESRGAN tiles (256/16/8, ×2), merge and blend 80 on a real photo', async () => {
    const ref = writeModel(
      dir,
      'esrgan-blur',
      buildTileUpscalerModel({ scale: 2, blur: true }),
      'real_esrgan',
      'frame_enhancer',
    );
    const model = await cache.acquire(ref);
    const out = await enhanceFrame(runner, model, photo, { blend: 80 });
    cache.release(ref);
    const expected = reference(dir, photo, { processor: 'frame_enhancer', tile: [256, 16, 8], scale: 2, blend: 80 });
    expect([out.width, out.height]).toEqual([photo.width * 2, photo.height * 2]);
    expect(expected.frame.length).toBe(out.data.length);
    const diff = stats(out.data, expected.frame);
    expect(diff.worst).toBeLessThanOrEqual(1);
    expect(diff.mean).toBeLessThan(0.05);
  });
});
