import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ensureRealFixtures } from '#test/fixtures/real-fixtures';
import type { RgbImage } from '../inference.types.js';
import { createBoxMask } from '../pipeline/paste-back.js';
import {
  FACE_MASK_REGION_LABELS,
  OCCLUDER_SIZE,
  occluderInput,
  occlusionFromOutput,
  PARSER_CLASSES,
  PARSER_SIZE,
  parserInput,
  regionFromOutput,
  type FaceMaskPadding,
} from './face-masker.js';

/** Debian's python3 with OpenCV (python3-opencv); the pyenv python3 earlier on PATH has no cv2. */
const PYTHON = '/usr/bin/python3';
const CROP = 128;
const REGIONS = ['skin', 'nose', 'lower-lip'] as const;
const BOXES: Array<{ size: number; blur: number; padding: FaceMaskPadding }> = [
  { size: 128, blur: 0.3, padding: [0, 0, 0, 0] },
  { size: 128, blur: 0.5, padding: [10, 20, 30, 5] },
  { size: 256, blur: 0.3, padding: [0, 0, 0, 0] },
  { size: 256, blur: 0.05, padding: [33, 0, 7, 100] },
  { size: 512, blur: 0, padding: [12, 12, 12, 12] },
];

/**
 * FaceFusion's own code (facefusion/face_masker.py: create_box_mask, create_occlusion_mask and
 * create_region_mask, with the model call replaced by the raw outputs the test wrote), run on the
 * same crop with OpenCV.
 */
const SCRIPT = String.raw`
import json, sys
import cv2, numpy
d = sys.argv[1]
spec = json.load(open(d + '/spec.json'))
crop = cv2.imread(d + '/crop.png')

def create_box_mask(crop_size, face_mask_blur, face_mask_padding):
    blur_amount = int(crop_size[0] * 0.5 * face_mask_blur)
    blur_area = max(blur_amount // 2, 1)
    box_mask = numpy.ones(crop_size).astype(numpy.float32)
    box_mask[:max(blur_area, int(crop_size[1] * face_mask_padding[0] / 100)), :] = 0
    box_mask[-max(blur_area, int(crop_size[1] * face_mask_padding[2] / 100)):, :] = 0
    box_mask[:, :max(blur_area, int(crop_size[0] * face_mask_padding[3] / 100))] = 0
    box_mask[:, -max(blur_area, int(crop_size[0] * face_mask_padding[1] / 100)):] = 0
    if blur_amount > 0:
        box_mask = cv2.GaussianBlur(box_mask, (0, 0), blur_amount * 0.25)
    return box_mask

for i, box in enumerate(spec['boxes']):
    create_box_mask((box['size'], box['size']), box['blur'], box['padding']).astype(numpy.float32).tofile(d + '/box%d.bin' % i)

prepare = cv2.resize(crop, (256, 256))
prepare = numpy.expand_dims(prepare, axis = 0).astype(numpy.float32) / 255.0
prepare = prepare.transpose(0, 1, 2, 3)
prepare.astype(numpy.float32).tofile(d + '/occluder-input.bin')
raw = numpy.fromfile(d + '/occluder-raw.bin', dtype = numpy.float32).reshape(1, 256, 256, 1)[0]
temp_mask = raw.transpose(0, 1, 2).clip(0, 1).astype(numpy.float32)
temp_mask = cv2.resize(temp_mask, crop.shape[:2][::-1])
occlusion_mask = numpy.minimum.reduce([ temp_mask ])
occlusion_mask = (cv2.GaussianBlur(occlusion_mask.clip(0, 1), (0, 0), 5).clip(0.5, 1) - 0.5) * 2
occlusion_mask.astype(numpy.float32).tofile(d + '/occlusion.bin')

prepare = cv2.resize(crop, (512, 512))
prepare = prepare[:, :, ::-1].astype(numpy.float32) / 255.0
prepare = numpy.subtract(prepare, numpy.array([ 0.485, 0.456, 0.406 ]).astype(numpy.float32))
prepare = numpy.divide(prepare, numpy.array([ 0.229, 0.224, 0.225 ]).astype(numpy.float32))
prepare = numpy.expand_dims(prepare, axis = 0)
prepare = prepare.transpose(0, 3, 1, 2)
prepare.astype(numpy.float32).tofile(d + '/parser-input.bin')
region_mask = numpy.fromfile(d + '/parser-raw.bin', dtype = numpy.float32).reshape(1, 19, 512, 512)[0]
region_mask = numpy.isin(region_mask.argmax(0), spec['labels'])
region_mask = cv2.resize(region_mask.astype(numpy.float32), crop.shape[:2][::-1])
region_mask = (cv2.GaussianBlur(region_mask.clip(0, 1), (0, 0), 5).clip(0.5, 1) - 0.5) * 2
region_mask.astype(numpy.float32).tofile(d + '/region.bin')
`;

const floatsOf = (path: string) => {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

/** Largest difference in 8-bit levels between two arrays of values on a 0–1 scale. */
function worstLevels(a: ArrayLike<number>, b: ArrayLike<number>, toLevel = (v: number, _i: number) => v * 255): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(toLevel(a[i], i) - toLevel(b[i], i)));
  return worst;
}

describe('face mask pre- and post-processing against FaceFusion on OpenCV, on a real photo', () => {
  let dir: string;
  let crop: RgbImage;
  let occluderRaw: Float32Array;
  let parserRaw: Float32Array;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mask-parity-'));
    const photo = ensureRealFixtures().photos.sample2;
    const meta = await sharp(photo).metadata();
    const side = Math.min(meta.width!, meta.height!);
    // A face-sized square of the portrait, resized to the swapper's crop size, as the aligned crop would be.
    const { data } = await sharp(photo)
      .extract({ left: Math.floor((meta.width! - side) / 2), top: 0, width: side, height: side })
      .resize(CROP, CROP)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    crop = { width: CROP, height: CROP, data: new Uint8Array(data) };
    writeFileSync(
      join(dir, 'crop.png'),
      await sharp(Buffer.from(crop.data), { raw: { width: CROP, height: CROP, channels: 3 } })
        .png()
        .toBuffer(),
    );
    // Raw model outputs: an occluder map that leaves 0–1 on both sides, and patchy parser scores.
    occluderRaw = new Float32Array(OCCLUDER_SIZE * OCCLUDER_SIZE);
    for (let y = 0; y < OCCLUDER_SIZE; y++) {
      for (let x = 0; x < OCCLUDER_SIZE; x++)
        occluderRaw[y * OCCLUDER_SIZE + x] = 0.5 + 0.9 * Math.sin(x / 23) * Math.cos(y / 31) - (x > 150 ? 0.6 : 0);
    }
    // Parser scores: one blob per class around its own centre (with ragged edges), like a parsed face.
    parserRaw = new Float32Array(PARSER_CLASSES * PARSER_SIZE * PARSER_SIZE);
    const plane = PARSER_SIZE * PARSER_SIZE;
    for (let c = 0; c < PARSER_CLASSES; c++) {
      const cx = (c * 137) % PARSER_SIZE;
      const cy = (c * 211 + 50) % PARSER_SIZE;
      for (let y = 0; y < PARSER_SIZE; y++) {
        for (let x = 0; x < PARSER_SIZE; x++)
          parserRaw[c * plane + y * PARSER_SIZE + x] =
            -((x - cx) ** 2 + (y - cy) ** 2) / 10_000 + 0.3 * Math.sin(x / 7 + c) * Math.cos(y / 11 - c);
      }
    }
    writeFileSync(join(dir, 'occluder-raw.bin'), occluderRaw);
    writeFileSync(join(dir, 'parser-raw.bin'), parserRaw);
    writeFileSync(
      join(dir, 'spec.json'),
      JSON.stringify({ boxes: BOXES, labels: REGIONS.map((r) => FACE_MASK_REGION_LABELS[r]) }),
    );
    execFileSync(PYTHON, ['-c', SCRIPT, dir], { stdio: 'inherit' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('box masks with blur and padding match create_box_mask', () => {
    BOXES.forEach(({ size, blur, padding }, i) => {
      const ours = createBoxMask(size, blur, padding);
      expect(worstLevels(ours, floatsOf(join(dir, `box${i}.bin`)))).toBeLessThanOrEqual(1);
    });
  });

  it('the occluder input (256×256, BGR, 0–1, channels last) is within one level of OpenCV’s', () => {
    // Both sides hold 8-bit levels / 255; OpenCV's fixed-point bilinear may round a level the other way.
    const level = (v: number) => Math.round(v * 255);
    expect(worstLevels(occluderInput(crop), floatsOf(join(dir, 'occluder-input.bin')), level)).toBeLessThanOrEqual(1);
  });

  it('the occlusion mask from the raw output (clip, resize, blur, sharpen) is within one level', () => {
    const ours = occlusionFromOutput(occluderRaw, OCCLUDER_SIZE, CROP);
    const theirs = floatsOf(join(dir, 'occlusion.bin'));
    expect(worstLevels(ours, theirs)).toBeLessThanOrEqual(1);
    // Not a trivial mask: part occluded, part kept.
    expect(theirs.some((v) => v === 0)).toBe(true);
    expect(theirs.some((v) => v > 0.99)).toBe(true);
  });

  it('the parser input (512×512, RGB, ImageNet mean/std, NCHW) is within one level of OpenCV’s', () => {
    const plane = PARSER_SIZE * PARSER_SIZE;
    const mean = [0.485, 0.456, 0.406];
    const std = [0.229, 0.224, 0.225];
    const level = (v: number, i: number) => {
      const c = Math.floor(i / plane);
      return Math.round((v * std[c] + mean[c]) * 255);
    };
    expect(worstLevels(parserInput(crop), floatsOf(join(dir, 'parser-input.bin')), level)).toBeLessThanOrEqual(1);
  });

  it('the region mask of the chosen labels (argmax, resize, blur, sharpen) is within one level', () => {
    const labels = REGIONS.map((r) => FACE_MASK_REGION_LABELS[r]);
    const ours = regionFromOutput(parserRaw, PARSER_CLASSES, PARSER_SIZE, labels, CROP);
    const theirs = floatsOf(join(dir, 'region.bin'));
    expect(worstLevels(ours, theirs)).toBeLessThanOrEqual(1);
    expect(theirs.some((v) => v === 0)).toBe(true);
    expect(theirs.some((v) => v > 0.99)).toBe(true);
  });
});
