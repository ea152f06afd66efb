import { describe, expect, it } from '@jest/globals';
import { createBoxMask } from '../pipeline/paste-back.js';
import { minimumMask, regionFromOutput, resizeMask } from './face-masker.js';

describe('face masker math', () => {
  it('the box mask zeroes max(blur border, ⌊size · padding% / 100⌋) rows and columns per side', () => {
    // blur 0: border max(⌊0 / 2⌋, 1) = 1 px, no blur. Padding top 10% → 12 rows, bottom 25% → 32, left 50% → 64.
    const mask = createBoxMask(128, 0, [10, 0, 25, 50]);
    const at = (x: number, y: number) => mask[y * 128 + x];
    expect([at(64, 11), at(64, 12), at(64, 95), at(64, 96)]).toEqual([0, 1, 1, 0]);
    expect([at(63, 50), at(64, 50), at(126, 50), at(127, 50)]).toEqual([0, 1, 1, 0]);
    // Padding beyond the other side leaves nothing.
    expect(createBoxMask(64, 0, [60, 0, 60, 0]).every((v) => v === 0)).toBe(true);
    // blur 0.3 on 128: ⌊19.2⌋ = 19 → border 9 px, σ 4.75: the middle stays 1, the corner near 0.
    const soft = createBoxMask(128, 0.3);
    expect(soft[64 * 128 + 64]).toBeCloseTo(1, 5);
    expect(soft[0]).toBeLessThan(0.01);
  });

  it('combines masks by their element-wise minimum, clipped to 0–1', () => {
    const out = minimumMask([Float32Array.from([1, 0.2, 0.9, 1.4]), Float32Array.from([0.5, 0.8, -0.1, 1.2])]);
    expect(Array.from(out)).toEqual([0.5, Math.fround(0.2), 0, 1]);
  });

  it('resizes masks with OpenCV’s half-pixel bilinear rule', () => {
    // 2 → 4: dst x maps to (x + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
    expect(Array.from(resizeMask(Float32Array.from([0, 1]), 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('keeps the pixels whose best parser class is chosen', () => {
    // 3 classes on a 16×16 grid: class 2 best on the left half, class 1 on the right.
    const size = 16;
    const scores = new Float32Array(3 * size * size);
    for (let y = 1; y < size; y++) {
      for (let x = 0; x < size; x++) scores[(x < 8 ? 2 : 1) * size * size + y * size + x] = 1;
    }
    const left = regionFromOutput(scores, 3, size, [2], size);
    const right = regionFromOutput(scores, 3, size, [1], size);
    // σ 5 blur then sharpening: the middle of each half stays chosen, the other half goes to 0.
    expect(left[8 * size + 2]).toBeGreaterThan(0.3);
    expect(left[8 * size + 13]).toBe(0);
    expect(right[8 * size + 13]).toBeGreaterThan(0.3);
    expect(right[8 * size + 2]).toBe(0);
  });
});
