import * as ort from 'onnxruntime-node';
import type { BoundingBox, DetectedFace, DetectorFamily, Point, RgbImage } from '../inference.types.js';
import { nonMaxSuppression } from '../geometry/affine.js';
import { resizeBilinear, type TensorLayout } from '../image/image-ops.js';
import type { LoadedModel, ModelRunner } from './loaded-model.js';

/** Detection thresholds and input size; defaults are FaceFusion's. */
export interface DetectorOptions {
  /** Minimum face score (default 0.5). */
  scoreThreshold?: number;
  /** IoU above which the weaker of two boxes is dropped (default 0.4). */
  nmsThreshold?: number;
  /** Detector input `[width, height]`; defaults to the model's static shape, else the family's. */
  inputSize?: [number, number];
}

interface DetectorSpec {
  size: [number, number];
  layout: TensorLayout;
}

/**
 * Tensor conventions per family. FaceFusion feeds its detectors OpenCV's BGR frames, so the
 * InsightFace/YOLO/YuNet families take BGR planes; UltraFace takes RGB.
 */
export const DETECTOR_SPECS: Record<DetectorFamily, DetectorSpec> = {
  yoloface: { size: [640, 640], layout: { channels: 'bgr', mean: 0, std: 255 } },
  scrfd: { size: [640, 640], layout: { channels: 'bgr', mean: 127.5, std: 128 } },
  retinaface: { size: [640, 640], layout: { channels: 'bgr', mean: 127.5, std: 128 } },
  yunet: { size: [640, 640], layout: { channels: 'bgr', mean: 0, std: 1 } },
  ultraface: { size: [320, 240], layout: { channels: 'rgb', mean: 127, std: 128 } },
};

/** A letterboxed detector input and how to map its coordinates back. */
export interface DetectorInput {
  tensor: Float32Array;
  width: number;
  height: number;
  /** Original pixels per detector pixel, horizontally and vertically. */
  ratioX: number;
  ratioY: number;
}

/**
 * FaceFusion's letterbox: shrink (never enlarge) to fit the detector size keeping the aspect ratio,
 * place at the top-left, pad right/bottom with black, then normalise. NCHW float32.
 */
export function prepareDetectorInput(image: RgbImage, size: [number, number], layout: TensorLayout): DetectorInput {
  const [dw, dh] = size;
  let resized = image;
  if (image.width > dw || image.height > dh) {
    const scale = Math.min(dw / image.width, dh / image.height);
    resized = resizeBilinear(
      image,
      Math.max(1, Math.floor(image.width * scale)),
      Math.max(1, Math.floor(image.height * scale)),
    );
  }
  const plane = dw * dh;
  const inv = 1 / layout.std;
  // The 256 normalised values, computed once instead of once per sample.
  const normalised = new Float32Array(256);
  for (let v = 0; v < 256; v++) normalised[v] = (v - layout.mean) * inv;
  const tensor = new Float32Array(plane * 3).fill(normalised[0]);
  const [r, g, b] = layout.channels === 'rgb' ? [0, plane, 2 * plane] : [2 * plane, plane, 0];
  const { width, height, data } = resized;
  for (let y = 0, s = 0; y < height; y++) {
    for (let d = y * dw, end = d + width; d < end; d++, s += 3) {
      tensor[r + d] = normalised[data[s]];
      tensor[g + d] = normalised[data[s + 1]];
      tensor[b + d] = normalised[data[s + 2]];
    }
  }
  return {
    tensor,
    width: dw,
    height: dh,
    ratioX: image.width / resized.width,
    ratioY: image.height / resized.height,
  };
}

interface RawDetection {
  box: BoundingBox;
  score: number;
  landmarks5: Point[] | null;
}

/**
 * Runs a detector of any supported family on an image: letterbox, forward, decode, threshold, NMS.
 * Boxes and landmarks are in original image pixels; faces are sorted by score.
 */
export async function detectFaces(
  runner: ModelRunner,
  model: LoadedModel,
  image: RgbImage,
  options: DetectorOptions = {},
): Promise<Array<Omit<DetectedFace, 'landmarks5' | 'landmarkSource'> & { landmarks5: Point[] | null }>> {
  const family = model.ref.family as DetectorFamily;
  const spec = DETECTOR_SPECS[family];
  const inputName = model.session.inputNames[0];
  const shape = model.inputShapes[inputName] ?? [];
  const staticSize: [number, number] | null = shape[2] > 0 && shape[3] > 0 ? [shape[3], shape[2]] : null;
  const size = options.inputSize ?? staticSize ?? spec.size;
  const scoreThreshold = options.scoreThreshold ?? 0.5;
  const nmsThreshold = options.nmsThreshold ?? 0.4;
  const input = prepareDetectorInput(image, size, spec.layout);
  const outputs = await runner.run(model, {
    [inputName]: new ort.Tensor('float32', input.tensor, [1, 3, size[1], size[0]]),
  });
  const arrays = model.session.outputNames.map((name) => outputs[name].data as Float32Array);
  const raw =
    family === 'yoloface'
      ? decodeYoloFace(arrays, scoreThreshold)
      : family === 'yunet'
        ? decodeYunet(arrays, size, scoreThreshold)
        : family === 'ultraface'
          ? decodeUltraFace(outputs, model, size, scoreThreshold)
          : decodeScrfd(arrays, size, scoreThreshold);
  const scaled = raw.map((d) => ({
    box: {
      x1: d.box.x1 * input.ratioX,
      y1: d.box.y1 * input.ratioY,
      x2: d.box.x2 * input.ratioX,
      y2: d.box.y2 * input.ratioY,
    },
    score: d.score,
    landmarks5: d.landmarks5?.map(([x, y]) => [x * input.ratioX, y * input.ratioY] as Point) ?? null,
  }));
  const keep = nonMaxSuppression(
    scaled.map((d) => d.box),
    scaled.map((d) => d.score),
    nmsThreshold,
  );
  return keep.map((i) => scaled[i]);
}

/** SCRFD / RetinaFace (InsightFace): per stride 8/16/32 scores, distance boxes, distance landmarks; 2 anchors. */
function decodeScrfd(outputs: Float32Array[], [width, height]: [number, number], threshold: number): RawDetection[] {
  const strides = [8, 16, 32];
  const anchorsPerCell = 2;
  const found: RawDetection[] = [];
  strides.forEach((stride, index) => {
    const scores = outputs[index];
    const boxes = outputs[index + 3];
    const kps = outputs[index + 6];
    const cols = Math.floor(width / stride);
    for (let k = 0; k < scores.length; k++) {
      const score = scores[k];
      if (!(score >= threshold)) continue;
      const cell = Math.floor(k / anchorsPerCell);
      const ax = (cell % cols) * stride;
      const ay = Math.floor(cell / cols) * stride;
      const box = {
        x1: ax - boxes[k * 4] * stride,
        y1: ay - boxes[k * 4 + 1] * stride,
        x2: ax + boxes[k * 4 + 2] * stride,
        y2: ay + boxes[k * 4 + 3] * stride,
      };
      const landmarks5: Point[] = [];
      for (let p = 0; p < 5; p++)
        landmarks5.push([ax + kps[k * 10 + p * 2] * stride, ay + kps[k * 10 + p * 2 + 1] * stride]);
      found.push({ box, score, landmarks5 });
    }
  });
  void height;
  return found;
}

/** YOLOv8-face: one output `[1, 20, N]` — cx, cy, w, h, score, then 5 × (x, y, visibility). */
function decodeYoloFace(outputs: Float32Array[], threshold: number): RawDetection[] {
  const data = outputs[0];
  const n = data.length / 20;
  const found: RawDetection[] = [];
  for (let k = 0; k < n; k++) {
    const score = data[4 * n + k];
    if (!(score > threshold)) continue;
    const cx = data[k];
    const cy = data[n + k];
    const w = data[2 * n + k];
    const h = data[3 * n + k];
    const landmarks5: Point[] = [];
    for (let p = 0; p < 5; p++) landmarks5.push([data[(5 + p * 3) * n + k], data[(6 + p * 3) * n + k]]);
    found.push({ box: { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 }, score, landmarks5 });
  }
  return found;
}

/** YuNet: per stride cls, obj, bbox (centre offset, log size), kps; 1 anchor; score = cls · obj. */
function decodeYunet(outputs: Float32Array[], [width]: [number, number], threshold: number): RawDetection[] {
  const strides = [8, 16, 32];
  const found: RawDetection[] = [];
  strides.forEach((stride, index) => {
    const cls = outputs[index];
    const obj = outputs[index + 3];
    const bbox = outputs[index + 6];
    const kps = outputs[index + 9];
    const cols = Math.floor(width / stride);
    for (let k = 0; k < cls.length; k++) {
      const score = cls[k] * obj[k];
      if (!(score >= threshold)) continue;
      const ax = (k % cols) * stride;
      const ay = Math.floor(k / cols) * stride;
      const cx = bbox[k * 4] * stride + ax;
      const cy = bbox[k * 4 + 1] * stride + ay;
      const w = Math.exp(bbox[k * 4 + 2]) * stride;
      const h = Math.exp(bbox[k * 4 + 3]) * stride;
      const landmarks5: Point[] = [];
      for (let p = 0; p < 5; p++)
        landmarks5.push([kps[k * 10 + p * 2] * stride + ax, kps[k * 10 + p * 2 + 1] * stride + ay]);
      found.push({ box: { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 }, score, landmarks5 });
    }
  });
  return found;
}

/** UltraFace (RFB-320): `scores [1, N, 2]` (background, face), `boxes [1, N, 4]` corners normalised to the input. */
function decodeUltraFace(
  outputs: ort.InferenceSession.OnnxValueMapType,
  model: LoadedModel,
  [width, height]: [number, number],
  threshold: number,
): RawDetection[] {
  const names = model.session.outputNames;
  const scoresName = names.includes('scores') ? 'scores' : names[0];
  const boxesName = names.includes('boxes') ? 'boxes' : names[1];
  const scores = outputs[scoresName].data as Float32Array;
  const boxes = outputs[boxesName].data as Float32Array;
  const found: RawDetection[] = [];
  for (let k = 0; k < scores.length / 2; k++) {
    const score = scores[k * 2 + 1];
    if (!(score > threshold)) continue;
    found.push({
      box: {
        x1: boxes[k * 4] * width,
        y1: boxes[k * 4 + 1] * height,
        x2: boxes[k * 4 + 2] * width,
        y2: boxes[k * 4 + 3] * height,
      },
      score,
      landmarks5: null,
    });
  }
  return found;
}
