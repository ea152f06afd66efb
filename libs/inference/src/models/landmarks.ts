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

/** A face's roll in FaceFusion's steps: the nearest of 0, 90, 180 and 270 degrees. */
export type FaceAngle = 0 | 90 | 180 | 270;

/**
 * FaceFusion's `estimate_face_angle`: the direction of the line across the face (it uses the jaw
 * ends of the 68 points estimated from the 5; the eye centres run the same way), in degrees,
 * snapped to the nearest quarter turn.
 */
export function estimateFaceAngle(landmarks5: readonly Point[]): FaceAngle {
  const [[x1, y1], [x2, y2]] = landmarks5;
  const theta = ((((Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI) % 360) + 360) % 360;
  const nearest = Math.round(theta / 90) * 90;
  return (nearest % 360) as FaceAngle;
}

/**
 * FaceFusion's `create_rotation_matrix_and_size`: `cv2.getRotationMatrix2D` about the centre,
 * shifted so the rotated image fits a canvas of the returned (truncated) size.
 */
export function rotationMatrixAndSize(angle: number, [width, height]: [number, number]): [Affine, [number, number]] {
  const radians = (angle * Math.PI) / 180;
  const alpha = Math.cos(radians);
  const beta = Math.sin(radians);
  const cx = width / 2;
  const cy = height / 2;
  const rotatedWidth = Math.abs(alpha) * width + Math.abs(beta) * height;
  const rotatedHeight = Math.abs(beta) * width + Math.abs(alpha) * height;
  const matrix: Affine = [
    alpha,
    beta,
    (1 - alpha) * cx - beta * cy + (rotatedWidth - width) * 0.5,
    -beta,
    alpha,
    beta * cx + (1 - alpha) * cy + (rotatedHeight - height) * 0.5,
  ];
  return [matrix, [Math.trunc(rotatedWidth), Math.trunc(rotatedHeight)]];
}

/** Rotates an image as `cv2.warpAffine(frame, rotation, size)` does (black outside), for detection at an angle. */
export function rotateImage(image: RgbImage, angle: number): { image: RgbImage; matrix: Affine } {
  const [matrix, [width, height]] = rotationMatrixAndSize(angle, [image.width, image.height]);
  const data = Uint8Array.from(warpAffine(image, matrix, width, height, 'constant'));
  return { image: { width, height, data }, matrix };
}

/** The landmarker's input crop: the face box scaled into 256×256, then turned upright by `angle`. */
export interface LandmarkerCrop {
  /** HWC RGB, 0–255 integers (as OpenCV's 8-bit warps give). */
  crop: Float32Array;
  width: number;
  height: number;
  /** Frame → 256 crop (scale and translation). */
  matrix: Affine;
  /** 256 crop → turned crop, when `angle` is not 0. */
  rotation: Affine | null;
}

/** FaceFusion's 2DFAN4 crop: `warp_face_by_translation` (black outside), then the turn by the face angle. */
export function landmarkerCrop(image: RgbImage, box: BoundingBox, angle: FaceAngle = 0): LandmarkerCrop {
  const size = 256;
  const scale = 195 / Math.max(1, Math.max(box.x2 - box.x1, box.y2 - box.y1));
  const tx = (size - (box.x1 + box.x2) * scale) * 0.5;
  const ty = (size - (box.y1 + box.y2) * scale) * 0.5;
  const matrix: Affine = [scale, 0, tx, 0, scale, ty];
  const crop = warpAffine(image, matrix, size, size, 'constant');
  if (angle === 0) return { crop, width: size, height: size, matrix, rotation: null };
  const [rotation, [width, height]] = rotationMatrixAndSize(angle, [size, size]);
  const turned = warpAffine(
    { width: size, height: size, data: Uint8Array.from(crop) },
    rotation,
    width,
    height,
    'constant',
  );
  return { crop: turned, width, height, matrix, rotation };
}

/** Result of the 68-point landmarker on one face. */
export interface Landmarks68 {
  points: Point[];
  /** Mean heat-map peak mapped from [0, 0.9] to [0, 1] as FaceFusion does. */
  score: number;
}

/**
 * `face_landmarker` family (2DFAN4): the face box is scaled so its longer side is 195 px and centred
 * in a 256×256 crop (black outside the frame), turned upright by `angle` as FaceFusion does for
 * rolled faces; input x/255 (BGR planes, as FaceFusion feeds its frames); outputs `[1, 68, 3]`
 * points on a 64×64 grid and `[1, 68, 64, 64]` heat maps. Points come back in frame pixels.
 */
export async function detectLandmarks68(
  runner: ModelRunner,
  model: LoadedModel,
  image: RgbImage,
  box: BoundingBox,
  angle: FaceAngle = 0,
): Promise<Landmarks68> {
  const { crop, width, height, matrix, rotation } = landmarkerCrop(image, box, angle);
  const tensor = toNchw(crop, width, height, { channels: 'bgr', mean: 0, std: 255 });
  const inputName = model.session.inputNames[0];
  const outputs = await runner.run(model, {
    [inputName]: new ort.Tensor('float32', tensor, [1, 3, height, width]),
  });
  const [pointsName, heatName] = model.session.outputNames;
  const raw = outputs[pointsName].data as Float32Array;
  const unrotate = rotation ? invertAffine(rotation) : null;
  const inverse = invertAffine(matrix);
  const points: Point[] = [];
  for (let i = 0; i < 68; i++) {
    let p: Point = [(raw[i * 3] / 64) * 256, (raw[i * 3 + 1] / 64) * 256];
    if (unrotate) p = applyAffine(unrotate, p);
    points.push(applyAffine(inverse, p));
  }
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
