import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  applyAffine,
  createBoxMask,
  DETECTOR_SPECS,
  estimateAffinePartial2D,
  estimateFaceAngle,
  invertAffine,
  landmarkerCrop,
  nonMaxSuppression,
  pasteBack,
  prepareDetectorInput,
  rotateImage,
  rotationMatrixAndSize,
  scaledTemplate,
  warpAffine,
  type Affine,
  type DetectorFamily,
  type FaceAngle,
  type Point,
  type RgbImage,
  type WarpTemplateName,
} from '../../libs/inference/src/index.js';
import { ensureRealFixtures } from '../fixtures/real-fixtures.js';

/**
 * The engine's geometry against OpenCV on the real photos the project fetches: FaceFusion's own
 * functions, run by test/parity/opencv_reference.py under Debian's python3-opencv, produce the
 * references; the engine's functions must reproduce them on the same decoded pixels.
 */

const PYTHON = '/usr/bin/python3';

interface Reference {
  opencv: string;
  angles: Array<{ line: [Point, Point]; angle: number }>;
  nms: Array<{ boxes: number[][]; scores: number[]; scoreThreshold: number; nmsThreshold: number; keep: number[] }>;
  photos: Array<{
    name: string;
    width: number;
    height: number;
    alignments: Array<{
      landmarks: Point[];
      template: WarpTemplateName;
      size: number;
      matrix: Affine;
      inliers: boolean[];
    }>;
    warps: Array<{ matrix: Affine; size: number; file: string }>;
    letterboxes: Array<{
      family: DetectorFamily;
      size: [number, number];
      file: string;
      mean: number;
      std: number;
      channels: 'rgb' | 'bgr';
    }>;
    pastes: Array<{ matrix: Affine; size: number; area: number[]; crop: string; output: string }>;
    landmarkerCrops: Array<{ box: number[]; angle: FaceAngle; width: number; height: number; file: string }>;
    rotations: Array<{ angle: FaceAngle; matrix: Affine; width: number; height: number; file: string }>;
  }>;
}

function requireOpenCv(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import cv2; print(cv2.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `The OpenCV parity suite needs Debian's python3-opencv: \`${PYTHON} -c 'import cv2'\` failed ` +
        `(${(probe.stderr || probe.error?.message || '').trim()}). Install it with \`apt-get install python3-opencv\` ` +
        '(.ci/run does so when it is missing).',
    );
  }
}

function worstDifference(a: ArrayLike<number>, b: ArrayLike<number>): { worst: number; mean: number } {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d;
    worst = Math.max(worst, Math.abs(d));
  }
  return { worst, mean: sum / a.length };
}

describe('parity with OpenCV (FaceFusion) on real photos', () => {
  let dir: string;
  let reference: Reference;
  const photos = new Map<string, RgbImage>();
  const figures: Record<string, number | string> = {};

  beforeAll(() => {
    requireOpenCv();
    const fixtures = ensureRealFixtures();
    dir = mkdtempSync(join(tmpdir(), 'opencv-parity-'));
    const script = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'opencv_reference.py');
    const run = spawnSync(PYTHON, [script, dirname(fixtures.photos.sample1), dir], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`opencv_reference.py failed: ${run.stderr}`);
    reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
    for (const photo of reference.photos) {
      const data = new Uint8Array(readFileSync(join(dir, `${photo.name}.rgb`)));
      photos.set(photo.name, { width: photo.width, height: photo.height, data });
    }
    figures.opencv = reference.opencv;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (Object.keys(figures).length > 1) console.info(`OpenCV parity figures: ${JSON.stringify(figures)}`);
  });

  it('covers every photo the project fetches', () => {
    expect(reference.photos.map((p) => p.name)).toEqual(['sample1', 'sample2', 'sample3', 'sample6']);
  });

  it('alignment matrices match estimateAffinePartial2D (RANSAC, 100 px) within 0.01 px on every template', () => {
    let worst = 0;
    let dropped = 0;
    let total = 0;
    const templates = new Set<string>();
    for (const photo of reference.photos) {
      for (const a of photo.alignments) {
        const { matrix, inliers } = estimateAffinePartial2D(a.landmarks, scaledTemplate(a.template, a.size));
        expect({ photo: photo.name, landmarks: a.landmarks, size: a.size, inliers }).toEqual({
          photo: photo.name,
          landmarks: a.landmarks,
          size: a.size,
          inliers: a.inliers,
        });
        // Distance, in pixels, between where the two matrices put the landmarks in the crop and the
        // crop's corners back in the photo.
        for (const p of a.landmarks) {
          const [x1, y1] = applyAffine(matrix, p);
          const [x2, y2] = applyAffine(a.matrix, p);
          worst = Math.max(worst, Math.hypot(x1 - x2, y1 - y2));
        }
        const mine = invertAffine(matrix);
        const theirs = invertAffine(a.matrix);
        for (const c of [
          [0, 0],
          [a.size, 0],
          [0, a.size],
          [a.size, a.size],
        ] as Point[]) {
          const [x1, y1] = applyAffine(mine, c);
          const [x2, y2] = applyAffine(theirs, c);
          worst = Math.max(worst, Math.hypot(x1 - x2, y1 - y2));
        }
        if (a.inliers.includes(false)) dropped++;
        total++;
        templates.add(`${a.template}@${a.size}`);
      }
    }
    figures.alignmentWorstPx = worst;
    figures.alignmentSets = total;
    figures.alignmentDroppedPoint = dropped;
    expect([...templates].sort()).toEqual(['arcface_112_v2@112', 'arcface_128@128', 'arcface_128@256', 'ffhq_512@512']);
    // The strong poses make RANSAC drop a landmark on some sets: the case a plain least-squares fit misses.
    expect(dropped).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(0.01);
  });

  it('warped crops equal cv2.warpAffine (replicate border) within 1 level after rounding', () => {
    let worst = 0;
    let count = 0;
    for (const photo of reference.photos) {
      const image = photos.get(photo.name)!;
      for (const w of photo.warps) {
        const crop = warpAffine(image, w.matrix, w.size, w.size);
        const expected = readFileSync(join(dir, w.file));
        const { worst: d } = worstDifference(Uint8Array.from(crop, Math.round), expected);
        worst = Math.max(worst, d);
        count++;
      }
    }
    figures.warpWorstLevels = worst;
    figures.warps = count;
    expect(count).toBeGreaterThanOrEqual(48);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('letterboxed detector inputs match FaceFusion per detector family within 1 level', () => {
    let worst = 0;
    const families = new Set<string>();
    for (const photo of reference.photos) {
      const image = photos.get(photo.name)!;
      for (const l of photo.letterboxes) {
        const layout = DETECTOR_SPECS[l.family].layout;
        expect({ family: l.family, ...layout }).toEqual({
          family: l.family,
          channels: l.channels,
          mean: l.mean,
          std: l.std,
        });
        const input = prepareDetectorInput(image, l.size, layout);
        const expected = readFileSync(join(dir, l.file));
        const [w, h] = l.size;
        const plane = w * h;
        const order = layout.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
        const levels = new Float64Array(plane * 3);
        const wanted = new Float64Array(plane * 3);
        for (let c = 0; c < 3; c++) {
          for (let i = 0; i < plane; i++) {
            levels[c * plane + i] = input.tensor[c * plane + i] * layout.std + layout.mean;
            wanted[c * plane + i] = expected[i * 3 + order[c]];
          }
        }
        worst = Math.max(worst, worstDifference(levels, wanted).worst);
        families.add(l.family);
      }
    }
    figures.letterboxWorstLevels = worst;
    expect([...families].sort()).toEqual(['retinaface', 'scrfd', 'ultraface', 'yoloface', 'yunet']);
    expect(worst).toBeLessThanOrEqual(1 + 1e-3);
  });

  it('paste-back equals FaceFusion (area, feathered blend, truncation) within 1 level', () => {
    let worst = 0;
    let bias = 0;
    let exact = 0;
    let pixels = 0;
    for (const photo of reference.photos) {
      const image = photos.get(photo.name)!;
      for (const p of photo.pastes) {
        const frame: RgbImage = { ...image, data: image.data.slice() };
        const crop = new Float32Array(new Uint8Array(readFileSync(join(dir, p.crop))).buffer);
        const area = pasteBack(frame, crop, createBoxMask(p.size, 0.3), p.size, p.matrix);
        expect(area && [area.x1, area.y1, area.x2, area.y2]).toEqual(p.area);
        const [x1, y1, x2, y2] = p.area;
        const expected = readFileSync(join(dir, p.output));
        const mine = new Uint8Array((x2 - x1) * (y2 - y1) * 3);
        for (let y = y1; y < y2; y++) {
          mine.set(
            frame.data.subarray((y * frame.width + x1) * 3, (y * frame.width + x2) * 3),
            (y - y1) * (x2 - x1) * 3,
          );
        }
        const d = worstDifference(mine, expected);
        worst = Math.max(worst, d.worst);
        bias += d.mean;
        for (let i = 0; i < mine.length; i++) if (mine[i] === expected[i]) exact++;
        pixels += mine.length;
        // Nothing outside the paste area changes.
        for (let y = 0; y < frame.height; y += 7) {
          for (let x = 0; x < frame.width; x += 5) {
            if (x >= x1 && x < x2 && y >= y1 && y < y2) continue;
            const o = (y * frame.width + x) * 3;
            if (frame.data[o] !== image.data[o] || frame.data[o + 1] !== image.data[o + 1]) {
              throw new Error(`pixel (${x}, ${y}) outside the paste area changed`);
            }
          }
        }
      }
    }
    figures.pasteWorstLevels = worst;
    figures.pasteMeanBias = bias / reference.photos.reduce((n, p) => n + p.pastes.length, 0);
    figures.pasteExactShare = exact / pixels;
    expect(pixels).toBeGreaterThan(0);
    expect(worst).toBeLessThanOrEqual(1);
    expect(Math.abs(figures.pasteMeanBias)).toBeLessThan(0.01);
  });

  it("face angles snap as FaceFusion's estimate_face_angle does", () => {
    const wrong = reference.angles.filter(
      (a) => estimateFaceAngle([a.line[0], a.line[1], [0, 0], [0, 0], [0, 0]]) !== a.angle,
    );
    expect(reference.angles.length).toBe(400);
    expect(wrong).toEqual([]);
  });

  it('the landmarker crop, turned by the face angle, and the frame turned for detection match OpenCV within 1 level', () => {
    let worst = 0;
    let crops = 0;
    for (const photo of reference.photos) {
      const image = photos.get(photo.name)!;
      for (const c of photo.landmarkerCrops) {
        const [x1, y1, x2, y2] = c.box;
        const mine = landmarkerCrop(image, { x1, y1, x2, y2 }, c.angle);
        expect([mine.width, mine.height]).toEqual([c.width, c.height]);
        worst = Math.max(worst, worstDifference(mine.crop, readFileSync(join(dir, c.file))).worst);
        crops++;
      }
      for (const r of photo.rotations) {
        const [matrix, size] = rotationMatrixAndSize(r.angle, [image.width, image.height]);
        expect(size).toEqual([r.width, r.height]);
        matrix.forEach((v, i) => expect(Math.abs(v - r.matrix[i])).toBeLessThan(1e-9));
        const turned = rotateImage(image, r.angle).image;
        worst = Math.max(worst, worstDifference(turned.data, readFileSync(join(dir, r.file))).worst);
      }
    }
    figures.turnedWorstLevels = worst;
    expect(crops).toBe(64);
    expect(reference.photos.find((p) => p.name === 'sample1')!.rotations).toHaveLength(3);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('non-maximum suppression keeps exactly what cv2.dnn.NMSBoxes keeps', () => {
    const mismatches: number[] = [];
    reference.nms.forEach((c, i) => {
      const boxes = c.boxes.map(([x1, y1, x2, y2]) => ({ x1, y1, x2, y2 }));
      const kept = nonMaxSuppression(boxes, c.scores, c.nmsThreshold, c.scoreThreshold);
      if (JSON.stringify(kept) !== JSON.stringify(c.keep)) mismatches.push(i);
    });
    figures.nmsSets = reference.nms.length;
    figures.nmsMismatches = mismatches.length;
    expect(reference.nms.length).toBe(600);
    expect(mismatches).toEqual([]);
  });
});
