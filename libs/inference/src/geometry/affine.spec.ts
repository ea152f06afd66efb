import { describe, expect, it } from '@jest/globals';
import type { Affine, Point } from '../inference.types.js';
import { applyAffine, estimateSimilarity, invertAffine, nonMaxSuppression } from './affine.js';
import { scaledTemplate, WARP_TEMPLATES } from './templates.js';

describe('similarity alignment', () => {
  it('recovers a known rotation, scale and shift from five landmarks', () => {
    const angle = 0.3;
    const scale = 1.7;
    const truth: Affine = [
      scale * Math.cos(angle),
      -scale * Math.sin(angle),
      12,
      scale * Math.sin(angle),
      scale * Math.cos(angle),
      -7,
    ];
    const from = scaledTemplate('arcface_112_v2', 112);
    const to = from.map((p) => applyAffine(truth, p));
    const estimated = estimateSimilarity(from, to);
    estimated.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 9));
  });

  it('is the least-squares fit when points are noisy (residual orthogonal to the model)', () => {
    const from: Point[] = [
      [10, 10],
      [50, 12],
      [30, 35],
      [15, 55],
      [48, 54],
    ];
    const to: Point[] = [
      [110, 210],
      [190, 214],
      [151, 262],
      [118, 308],
      [186, 309],
    ];
    const m = estimateSimilarity(from, to);
    const error = (mm: Affine) =>
      from.reduce(
        (s, p, i) => s + (applyAffine(mm, p)[0] - to[i][0]) ** 2 + (applyAffine(mm, p)[1] - to[i][1]) ** 2,
        0,
      );
    for (const delta of [1e-3, -1e-3]) {
      const [a, b, tx, , , ty] = m;
      expect(error([a + delta, b, tx, -b, a + delta, ty])).toBeGreaterThan(error(m));
      expect(error([a, b + delta, tx, -(b + delta), a, ty])).toBeGreaterThan(error(m));
    }
    const inv = invertAffine(m);
    const p = applyAffine(inv, applyAffine(m, [3, 4]));
    expect(p[0]).toBeCloseTo(3, 9);
    expect(p[1]).toBeCloseTo(4, 9);
  });

  it("uses FaceFusion's template numbers", () => {
    expect(WARP_TEMPLATES.arcface_112_v2[0]).toEqual([0.34191607, 0.46157411]);
    expect(scaledTemplate('arcface_112_v2', 112)[0][0]).toBeCloseTo(38.2946, 3);
    expect(WARP_TEMPLATES.arcface_128[4]).toEqual([0.61507734, 0.72034453]);
    expect(WARP_TEMPLATES.ffhq_512[2]).toEqual([0.50123859, 0.61331904]);
  });

  it('non-maximum suppression keeps the best of overlapping boxes', () => {
    const boxes = [
      { x1: 0, y1: 0, x2: 10, y2: 10 },
      { x1: 1, y1: 1, x2: 11, y2: 11 },
      { x1: 50, y1: 50, x2: 60, y2: 60 },
    ];
    expect(nonMaxSuppression(boxes, [0.8, 0.9, 0.7], 0.4)).toEqual([1, 2]);
    expect(nonMaxSuppression(boxes, [0.8, 0.9, 0.7], 0.9)).toEqual([1, 0, 2]);
  });
});
