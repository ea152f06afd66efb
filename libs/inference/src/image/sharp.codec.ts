import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageFormat, RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import { DEFAULT_QUALITY, type DecodedImage, type EncodeOptions, type ImageCodec } from './image-codec.js';
import { probeImage } from './image-header.js';
import { alphaOf, withAlphaChannel } from './image-ops.js';

import type sharpFunction from 'sharp';

type SharpModule = typeof sharpFunction;

/** libvips through sharp: the fast codec, used by default when its native module loads. */
export class SharpCodec implements ImageCodec {
  readonly name = 'sharp' as const;

  private constructor(private readonly sharp: SharpModule) {}

  static async create(): Promise<SharpCodec> {
    const module = (await import('sharp')) as unknown as { default: SharpModule };
    const sharp = module.default;
    // The pipeline runs in a pool of worker threads; libvips' own pool would oversubscribe the cores.
    sharp.concurrency(1);
    sharp.cache(false);
    return new SharpCodec(sharp);
  }

  async decode(bytes: Uint8Array, options: { maxPixels?: number; declared?: string } = {}): Promise<DecodedImage> {
    const header = probeImage(bytes, options);
    try {
      // autoOrient applies the EXIF orientation, so a phone photo stored sideways is upright here
      // (and, encoded again without metadata, carries no stale orientation tag).
      const input = this.sharp(bytes, { limitInputPixels: false, failOn: 'truncated' });
      // Pixels are converted to sRGB (what the models expect); the profile goes back on at encode.
      const [{ data, info }, { icc }] = await Promise.all([
        input.clone().autoOrient().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true }),
        input.metadata(),
      ]);
      const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
      const rgb = info.channels === 3 ? pixels : toRgb(pixels, info.channels);
      const alpha = info.channels === 4 || info.channels === 2 ? alphaOf(pixels, info.channels) : undefined;
      return {
        width: info.width,
        height: info.height,
        data: rgb,
        format: header.format,
        ...(alpha ? { alpha } : {}),
        ...(icc ? { icc: new Uint8Array(icc) } : {}),
      };
    } catch (error) {
      throw inferenceError(
        InferenceErrorCode.ImageInvalid,
        `The ${header.format} image cannot be decoded: ${(error as Error).message}`,
      );
    }
  }

  async encode(image: RgbImage, format: ImageFormat, options: EncodeOptions = {}): Promise<Uint8Array> {
    const quality = options.quality ?? DEFAULT_QUALITY[format];
    // PNG and WebP keep the input's transparency; JPEG has none.
    const withAlpha = image.alpha && format !== 'jpeg' ? withAlphaChannel(image.data, image.alpha) : null;
    const pipeline = this.sharp(withAlpha ?? image.data, {
      raw: { width: image.width, height: image.height, channels: withAlpha ? 4 : 3 },
    });
    // The input's colour profile: pixels converted back from sRGB to it, and the profile attached.
    if (image.icc && isRgbProfile(image.icc)) pipeline.withIccProfile(await iccFile(image.icc));
    // JPEG without Huffman-table optimisation: encoding takes half the time for the same pixels in a file
    // ~15 % larger, as OpenCV (FaceFusion) writes it.
    const encoded =
      format === 'jpeg'
        ? pipeline.jpeg({ quality, chromaSubsampling: '4:2:0', optimiseCoding: false })
        : format === 'png'
          ? pipeline.png({ compressionLevel: 6 })
          : pipeline.webp({ quality, ...(withAlpha ? { alphaQuality: 100 } : {}) });
    const buffer = await encoded.toBuffer();
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
}

function toRgb(data: Uint8Array, channels: number): Uint8Array {
  const pixels = data.length / channels;
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    const v = data[i * channels];
    out[i * 3] = v;
    out[i * 3 + 1] = channels >= 3 ? data[i * channels + 1] : v;
    out[i * 3 + 2] = channels >= 3 ? data[i * channels + 2] : v;
  }
  return out;
}

/** sharp applies an output profile from a file: each distinct profile is written once, by content. */
async function iccFile(icc: Uint8Array): Promise<string> {
  const path = join(tmpdir(), `fusiongate-icc-${createHash('sha256').update(icc).digest('hex')}.icc`);
  if (!existsSync(path)) {
    const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(partial, icc);
    await rename(partial, path);
  }
  return path;
}

/** An ICC profile for RGB data (header colour space `RGB `); CMYK and grey profiles cannot describe our output. */
function isRgbProfile(icc: Uint8Array): boolean {
  return icc.length >= 20 && String.fromCharCode(...icc.subarray(16, 20)) === 'RGB ';
}
