import * as ort from 'onnxruntime-node';
import { bilinearColumns, bilinearRow } from '../image/image-ops.js';
import type { RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import type { LoadedModel, ModelRunner } from '../models/loaded-model.js';

/** FaceFusion's default `--frame-enhancer-blend`. */
export const DEFAULT_FRAME_ENHANCER_BLEND = 80;

/** Largest output a frame enhancer may produce (sharp's own pixel limit, 16383²). */
export const MAX_ENHANCED_PIXELS = 16383 * 16383;

/**
 * A tile layout after FaceFusion's `(size, pad, overlap)` model options: tiles of `size` pixels
 * overlapping by `overlap` on each side (only their `size − 2·overlap` interior is kept), over the
 * frame padded by `pad` black pixels. FaceFusion's models use `pad = size/16`, `overlap = size/32`
 * (Real-ESRGAN: 256, 16, 8).
 */
export interface TileLayout {
  size: number;
  pad: number;
  overlap: number;
}

/** The tile layout of a model: its fixed input size, else Real-ESRGAN's 256. */
export function tileLayout(model: LoadedModel): TileLayout {
  const shape = model.inputShapes.input ?? [];
  const size = shape[2] > 0 ? shape[2] : 256;
  if (shape[3] > 0 && shape[3] !== size) {
    throw inferenceError(
      InferenceErrorCode.ModelIncompatible,
      `Frame enhancer ${model.ref.path} takes ${shape[3]}×${size} tiles; square tiles are needed.`,
    );
  }
  return { size, pad: size / 16, overlap: size / 32 };
}

/**
 * Tile origins along one side, in frame coordinates: FaceFusion's `create_tile_frames` pads the
 * frame by `pad + overlap` before and up to a whole number of interiors after; the interior of
 * tile i then covers `[i·interior − pad, (i+1)·interior − pad)`. Tiles whose interior misses the
 * frame (all padding) are left out: their pixels are cropped away anyway.
 */
export function tileStarts(length: number, layout: TileLayout): number[] {
  const interior = layout.size - 2 * layout.overlap;
  const count = Math.floor((length + 2 * layout.pad) / interior) + 1;
  const starts: number[] = [];
  for (let i = 0; i < count; i++) {
    const from = i * interior - layout.pad;
    if (from + interior > 0 && from < length) starts.push(from);
  }
  return starts;
}

/** Copies a tile of the frame (zero outside it) into the model's NCHW input: RGB / 255. */
function tileInput(frame: RgbImage, x0: number, y0: number, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(plane * 3);
  const { width, height, data } = frame;
  for (let ty = 0; ty < size; ty++) {
    const y = y0 + ty;
    if (y < 0 || y >= height) continue;
    for (let tx = 0; tx < size; tx++) {
      const x = x0 + tx;
      if (x < 0 || x >= width) continue;
      const s = (y * width + x) * 3;
      const o = ty * size + tx;
      out[o] = data[s] / 255;
      out[plane + o] = data[s + 1] / 255;
      out[2 * plane + o] = data[s + 2] / 255;
    }
  }
  return out;
}

/**
 * Upscales a frame with a tile model (Real-ESRGAN and the other upscalers FaceFusion runs), tile by
 * tile, so the model only ever sees one tile: memory beyond the output frame stays bounded by the
 * tile size whatever the frame size. The scale comes from the model's output. The result is blended
 * with the bilinearly upscaled input by `blend` (0–100), as FaceFusion's `blend_merge_frame` does.
 */
export async function enhanceFrame(
  runner: ModelRunner,
  model: LoadedModel,
  frame: RgbImage,
  options: { blend?: number; onTile?: () => void } = {},
): Promise<RgbImage> {
  const layout = tileLayout(model);
  const { size, overlap } = layout;
  const interior = size - 2 * overlap;
  const rows = tileStarts(frame.height, layout);
  const cols = tileStarts(frame.width, layout);
  let scale = 0;
  let out: RgbImage | null = null;
  for (const ry of rows) {
    for (const cx of cols) {
      options.onTile?.();
      const feeds = {
        input: new ort.Tensor('float32', tileInput(frame, cx - overlap, ry - overlap, size), [1, 3, size, size]),
      };
      const output = (await runner.run(model, feeds))[model.session.outputNames[0]];
      const dims = output.dims;
      const k = dims[2] / size;
      if (dims.length !== 4 || dims[1] !== 3 || dims[3] !== dims[2] || !Number.isInteger(k) || k < 2 || k > 8) {
        throw inferenceError(
          InferenceErrorCode.ModelIncompatible,
          `Frame enhancer ${model.ref.path} turned a [1, 3, ${size}, ${size}] tile into [${dims.join(', ')}]; ` +
            'expected the tile upscaled by a whole factor.',
        );
      }
      if (!out) {
        scale = k;
        const pixels = frame.width * k * frame.height * k;
        if (pixels > MAX_ENHANCED_PIXELS) {
          throw inferenceError(
            InferenceErrorCode.ImageTooLarge,
            `Upscaling ${frame.width}×${frame.height} by ${k} makes ${pixels} pixels; at most ${MAX_ENHANCED_PIXELS} are written.`,
            { width: frame.width * k, height: frame.height * k, maxPixels: MAX_ENHANCED_PIXELS },
          );
        }
        out = { width: frame.width * k, height: frame.height * k, data: new Uint8Array(pixels * 3) };
      } else if (k !== scale) {
        throw inferenceError(
          InferenceErrorCode.ModelIncompatible,
          `Frame enhancer ${model.ref.path} changed its scale.`,
        );
      }
      placeInterior(out, output.data as Float32Array, size * k, overlap * k, interior * k, cx * k, ry * k);
    }
  }
  if (!out) return frame;
  const blend = options.blend ?? DEFAULT_FRAME_ENHANCER_BLEND;
  if (blend < 100) blendWithUpscaled(out, frame, blend / 100);
  return out;
}

/** Writes a tile's interior (NCHW RGB in [0, 1], ×255, clipped and truncated as FaceFusion's uint8 cast) into the output. */
function placeInterior(
  out: RgbImage,
  tile: Float32Array,
  tileSize: number,
  margin: number,
  interior: number,
  x0: number,
  y0: number,
): void {
  const plane = tileSize * tileSize;
  const { width, height, data } = out;
  for (let ty = 0; ty < interior; ty++) {
    const y = y0 + ty;
    if (y < 0 || y >= height) continue;
    for (let tx = 0; tx < interior; tx++) {
      const x = x0 + tx;
      if (x < 0 || x >= width) continue;
      const s = (ty + margin) * tileSize + tx + margin;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = tile[c * plane + s] * 255;
        // Uint8Array stores truncate, as numpy's astype(uint8) after the clip.
        data[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : v;
      }
    }
  }
}

/**
 * `out = (1 − f)·resize(frame) + f·out`, rounded, with OpenCV's INTER_LINEAR resize computed row by
 * row so no second full-size frame is held.
 */
function blendWithUpscaled(out: RgbImage, frame: RgbImage, f: number): void {
  const { width: sw, height: sh, data } = frame;
  const { width, height } = out;
  const sy = sh / height;
  const { x0s, x1s, fxs } = bilinearColumns(sw, width, Float32Array);
  const g = 1 - f;
  const od = out.data;
  for (let y = 0; y < height; y++) {
    const { row0, row1, wy } = bilinearRow(y, sy, sw, sh);
    let o = y * width * 3;
    for (let x = 0; x < width; x++) {
      const wx = fxs[x];
      const a = row0 + x0s[x];
      const b = row0 + x1s[x];
      const d = row1 + x0s[x];
      const e = row1 + x1s[x];
      for (let c = 0; c < 3; c++) {
        const top = data[a + c] + (data[b + c] - data[a + c]) * wx;
        const bottom = data[d + c] + (data[e + c] - data[d + c]) * wx;
        // Values are non-negative: (v + 0.5) | 0 rounds as Math.round does, without the call.
        const resized = (top + (bottom - top) * wy + 0.5) | 0;
        od[o] = (g * resized + f * od[o] + 0.5) | 0;
        o++;
      }
    }
  }
}
