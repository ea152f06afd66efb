import type { Affine, BoundingBox, Point } from '../inference.types.js';

/**
 * Least-squares similarity transform (rotation, uniform scale, translation; no reflection) mapping
 * `from` onto `to` — Umeyama's closed form in 2-D. {@link estimateAffinePartial2D} fits it to the
 * inliers RANSAC keeps, as OpenCV's Levenberg–Marquardt refinement converges to this linear fit.
 */
export function estimateSimilarity(from: readonly Point[], to: readonly Point[]): Affine {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error('estimateSimilarity needs two or more point pairs');
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i][0];
    fy += from[i][1];
    tx += to[i][0];
    ty += to[i][1];
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = from[i][0] - fx;
    const ay = from[i][1] - fy;
    const bx = to[i][0] - tx;
    const by = to[i][1] - ty;
    dot += ax * bx + ay * by;
    cross += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  if (norm === 0) throw new Error('estimateSimilarity: source points coincide');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

/** Inverse of an affine matrix, computed as OpenCV's `invertAffineTransform` does (same rounding). */
export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('invertAffine: singular matrix');
  const D = 1 / det;
  const ia = e * D;
  const ie = a * D;
  const ib = -b * D;
  const id = -d * D;
  return [ia, ib, -ia * c - ib * f, id, ie, -id * c - ie * f];
}

export function applyAffine(m: Affine, [x, y]: Point): Point {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** Box area (0 for degenerate boxes). */
export function boxArea(box: BoundingBox): number {
  return Math.max(0, box.x2 - box.x1) * Math.max(0, box.y2 - box.y1);
}

/** Intersection over union of two boxes. */
export function iou(a: BoundingBox, b: BoundingBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

/**
 * Greedy non-maximum suppression as OpenCV's `dnn.NMSBoxes` (FaceFusion's `apply_nms`): drops scores
 * not above `scoreThreshold`, keeps candidates in descending score order (equal scores in input
 * order), dropping any whose IoU with a kept one exceeds `iouThreshold`. Returns kept indices, best first.
 */
export function nonMaxSuppression(
  boxes: readonly BoundingBox[],
  scores: readonly number[],
  iouThreshold: number,
  scoreThreshold = -Infinity,
): number[] {
  const order = scores
    .map((_, i) => i)
    .filter((i) => scores[i] > scoreThreshold)
    .sort((i, j) => scores[j] - scores[i]);
  const kept: number[] = [];
  for (const i of order) {
    if (kept.every((k) => iou(boxes[k], boxes[i]) <= iouThreshold)) kept.push(i);
  }
  return kept;
}

/** A similarity transform and which point pairs RANSAC kept as inliers. */
export interface RobustSimilarity {
  matrix: Affine;
  inliers: boolean[];
}

/** Options of {@link estimateAffinePartial2D}; defaults are FaceFusion's call (`RANSAC`, 100 px). */
export interface RansacOptions {
  /** Maximum reprojection distance, in `to` pixels, of an inlier. */
  threshold?: number;
  maxIters?: number;
  confidence?: number;
}

/**
 * OpenCV's `estimateAffinePartial2D(from, to, method=RANSAC)` as FaceFusion calls it: points rounded
 * to float32, 2-point hypotheses drawn with OpenCV's own generator (`cv::RNG`, seeded with −1 on every
 * call, so the draws and hence the inliers are the same as OpenCV's), inliers at squared float32
 * distance ≤ threshold², then the least-squares fit on the inliers (what its LM refinement reaches).
 * On strong poses and large crops (ffhq_512) a landmark can fall outside 100 px and is dropped.
 */
export function estimateAffinePartial2D(
  from: readonly Point[],
  to: readonly Point[],
  options: RansacOptions = {},
): RobustSimilarity {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error('estimateAffinePartial2D needs two or more point pairs');
  const f = Math.fround;
  const src = from.map(([x, y]) => [f(x), f(y)] as Point);
  const dst = to.map(([x, y]) => [f(x), f(y)] as Point);
  if (n === 2) {
    return { matrix: twoPointSimilarity(src[0], src[1], dst[0], dst[1]), inliers: [true, true] };
  }
  const threshold = options.threshold ?? 100;
  const confidence = options.confidence ?? 0.99;
  const limit = f(threshold * threshold);
  const rng = new OpenCvRng();
  let niters = Math.max(options.maxIters ?? 2000, 1);
  let best: boolean[] | null = null;
  let bestCount = 0;
  for (let iter = 0; iter < niters; iter++) {
    const i = rng.uniform(n);
    let j = rng.uniform(n);
    while (j === i) j = rng.uniform(n);
    const model = twoPointSimilarity(src[i], src[j], dst[i], dst[j]);
    if (!model.every(Number.isFinite)) continue;
    const m = model.map(f);
    const mask = src.map(([x, y], k) => {
      const a = f(f(f(f(m[0] * x) + f(m[1] * y)) + m[2]) - dst[k][0]);
      const b = f(f(f(f(m[3] * x) + f(m[4] * y)) + m[5]) - dst[k][1]);
      return f(f(a * a) + f(b * b)) <= limit;
    });
    const good = mask.filter(Boolean).length;
    if (good > Math.max(bestCount, 1)) {
      best = mask;
      bestCount = good;
      niters = ransacIterations(confidence, (n - good) / n, 2, niters);
    }
  }
  if (!best) throw new Error('estimateAffinePartial2D: no consistent point pair');
  const keep = best;
  const matrix = estimateSimilarity(
    src.filter((_, k) => keep[k]),
    dst.filter((_, k) => keep[k]),
  );
  return { matrix, inliers: keep };
}

/** The similarity mapping two points exactly onto two others (OpenCV's 2-point kernel). */
function twoPointSimilarity([x1, y1]: Point, [x2, y2]: Point, [X1, Y1]: Point, [X2, Y2]: Point): Affine {
  const d = 1 / ((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));
  const s0 = d * ((X1 - X2) * (x1 - x2) + (Y1 - Y2) * (y1 - y2));
  const s1 = d * ((Y1 - Y2) * (x1 - x2) - (X1 - X2) * (y1 - y2));
  const s2 = d * ((Y1 - Y2) * (x1 * y2 - x2 * y1) - (X1 * y2 - X2 * y1) * (y1 - y2) - (X1 * x2 - X2 * x1) * (x1 - x2));
  const s3 = d * (-(X1 - X2) * (x1 * y2 - x2 * y1) - (Y1 * x2 - Y2 * x1) * (x1 - x2) - (Y1 * y2 - Y2 * y1) * (y1 - y2));
  return [s0, -s1, s2, s1, s0, s3];
}

/** OpenCV's `RANSACUpdateNumIters`. */
function ransacIterations(p: number, ep: number, modelPoints: number, maxIters: number): number {
  const num = Math.log(Math.max(1 - p, Number.MIN_VALUE));
  const denomBase = 1 - Math.pow(1 - ep, modelPoints);
  if (denomBase < Number.MIN_VALUE) return 0;
  const denom = Math.log(denomBase);
  return denom >= 0 || -num >= maxIters * -denom ? maxIters : Math.round(num / denom);
}

/** `cv::RNG`: multiply-with-carry on a 64-bit state; `uniform(n)` is `next() % n`. */
class OpenCvRng {
  private state = 0xffffffffffffffffn;

  next(): number {
    this.state = (this.state & 0xffffffffn) * 4164903690n + (this.state >> 32n);
    return Number(this.state & 0xffffffffn);
  }

  uniform(n: number): number {
    return this.next() % n;
  }
}
