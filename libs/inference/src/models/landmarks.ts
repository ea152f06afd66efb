import * as ort from 'onnxruntime-node';
import type { Affine, BoundingBox, Point, RgbImage } from '../inference.types.js';
import { applyAffine, invertAffine } from '../geometry/affine.js';
import { WARP_TEMPLATES } from '../geometry/templates.js';
import { toNchw, warpAffine } from '../image/image-ops.js';
import type { LoadedModel, ModelRunner } from './loaded-model.js';

/** FaceFusion's 68 → 5 reduction: eye centres (mean of each eye's six points), nose tip, mouth corners. */
export function landmarks68To5(points: readonly Point[]): Point[] {
  const mean = (from: number, to: number): Point => {
    let x = 0;
    let y = 0;
    for (let i = from; i < to; i++) {
      x += points[i][0];
      y += points[i][1];
    }
    return [x / (to - from), y / (to - from)];
  };
  return [mean(36, 42), mean(42, 48), points[30], points[48], points[54]];
}

/**
 * Box-based fallback for detectors without landmarks (UltraFace) when no landmarker model is given:
 * the `arcface_112_v2` template placed in the square of side max(w, h) centred on the box. It is an
 * estimate — frontal, upright faces only — so a `face_landmarker` model is preferred when available.
 */
export function landmarksFromBox(box: BoundingBox): Point[] {
  const side = Math.max(box.x2 - box.x1, box.y2 - box.y1);
  const left = (box.x1 + box.x2) / 2 - side / 2;
  const top = (box.y1 + box.y2) / 2 - side / 2;
  return WARP_TEMPLATES.arcface_112_v2.map(([x, y]) => [left + x * side, top + y * side] as Point);
}

/** Result of the 68-point landmarker on one face. */
export interface Landmarks68 {
  points: Point[];
  /** Mean heat-map peak mapped from [0, 0.9] to [0, 1] as FaceFusion does. */
  score: number;
}

/**
 * `face_landmarker` family (2DFAN4): the face box is scaled so its longer side is 195 px and centred
 * in a 256×256 crop; input x/255 (BGR planes, as FaceFusion feeds its frames); outputs `[1, 68, 3]`
 * points on a 64×64 grid and `[1, 68, 64, 64]` heat maps.
 */
export async function detectLandmarks68(
  runner: ModelRunner,
  model: LoadedModel,
  image: RgbImage,
  box: BoundingBox,
): Promise<Landmarks68> {
  const size = 256;
  const scale = 195 / Math.max(1, Math.max(box.x2 - box.x1, box.y2 - box.y1));
  const tx = (size - (box.x1 + box.x2) * scale) * 0.5;
  const ty = (size - (box.y1 + box.y2) * scale) * 0.5;
  const matrix: Affine = [scale, 0, tx, 0, scale, ty];
  const crop = warpAffine(image, matrix, size, size);
  const tensor = toNchw(crop, size, size, { channels: 'bgr', mean: 0, std: 255 });
  const inputName = model.session.inputNames[0];
  const outputs = await runner.run(model, { [inputName]: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
  const [pointsName, heatName] = model.session.outputNames;
  const raw = outputs[pointsName].data as Float32Array;
  const inverse = invertAffine(matrix);
  const points: Point[] = [];
  for (let i = 0; i < 68; i++)
    points.push(applyAffine(inverse, [(raw[i * 3] / 64) * size, (raw[i * 3 + 1] / 64) * size]));
  let score = 1;
  if (heatName) {
    const heat = outputs[heatName].data as Float32Array;
    const per = heat.length / 68;
    let sum = 0;
    for (let i = 0; i < 68; i++) {
      let max = -Infinity;
      for (let j = 0; j < per; j++) max = Math.max(max, heat[i * per + j]);
      sum += max;
    }
    score = Math.min(1, Math.max(0, sum / 68 / 0.9));
  }
  return { points, score };
}
