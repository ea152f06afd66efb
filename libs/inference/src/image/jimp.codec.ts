import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ImageFormat, RgbImage } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import { DEFAULT_QUALITY, type DecodedImage, type EncodeOptions, type ImageCodec } from './image-codec.js';
import { probeImage } from './image-header.js';
import { alphaOf } from './image-ops.js';

interface JimpImage {
  bitmap: { width: number; height: number; data: Uint8Array };
  getBuffer(mime: string, options?: Record<string, unknown>): Promise<Uint8Array>;
}

interface JimpClass {
  fromBuffer(buffer: Buffer): Promise<JimpImage>;
  fromBitmap(bitmap: { width: number; height: number; data: Uint8Array }): JimpImage;
}

/** The slice of the WebAssembly API used here (the project's `lib` setting has no DOM types). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
}
type WasmModule = object;
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WebpCodec {
  decode(buffer: ArrayBuffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  encode(
    image: { width: number; height: number; data: Uint8ClampedArray },
    options: { quality: number },
  ): Promise<ArrayBuffer>;
}

/**
 * Pure JavaScript codec (jimp for JPEG/PNG, libwebp compiled to WebAssembly for WebP). Always
 * available; slower than sharp.
 */
export class JimpCodec implements ImageCodec {
  readonly name = 'jimp' as const;

  private constructor(
    private readonly jimp: JimpClass,
    private readonly webp: WebpCodec,
  ) {}

  static async create(): Promise<JimpCodec> {
    const { Jimp } = (await import('jimp')) as unknown as { Jimp: JimpClass };
    return new JimpCodec(Jimp, await loadWebp());
  }

  async decode(bytes: Uint8Array, options: { maxPixels?: number; declared?: string } = {}): Promise<DecodedImage> {
    const header = probeImage(bytes, options);
    try {
      let rgba: Uint8Array;
      let width: number;
      let height: number;
      if (header.format === 'webp') {
        const copy = bytes.slice().buffer;
        const decoded = await this.webp.decode(copy);
        ({ width, height } = decoded);
        rgba = new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length);
      } else {
        const image = await this.jimp.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
        ({ width, height } = image.bitmap);
        rgba = image.bitmap.data;
      }
      // jimp applies a JPEG's EXIF orientation while reading it, so the pixels are upright here.
      const rgb = new Uint8Array(width * height * 3);
      for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
        rgb[j] = rgba[i];
        rgb[j + 1] = rgba[i + 1];
        rgb[j + 2] = rgba[i + 2];
      }
      const alpha = alphaOf(rgba, 4);
      return { width, height, data: rgb, format: header.format, ...(alpha ? { alpha } : {}) };
    } catch (error) {
      throw inferenceError(
        InferenceErrorCode.ImageInvalid,
        `The ${header.format} image cannot be decoded: ${(error as Error).message}`,
      );
    }
  }

  async encode(image: RgbImage, format: ImageFormat, options: EncodeOptions = {}): Promise<Uint8Array> {
    const quality = options.quality ?? DEFAULT_QUALITY[format];
    const rgba = new Uint8ClampedArray(image.width * image.height * 4);
    // PNG and WebP keep the input's transparency; JPEG has none.
    const alpha = format === 'jpeg' ? undefined : image.alpha;
    for (let i = 0, j = 0, k = 0; i < image.data.length; i += 3, j += 4, k++) {
      rgba[j] = image.data[i];
      rgba[j + 1] = image.data[i + 1];
      rgba[j + 2] = image.data[i + 2];
      rgba[j + 3] = alpha ? alpha[k] : 255;
    }
    if (format === 'webp') {
      const out = await this.webp.encode({ width: image.width, height: image.height, data: rgba }, { quality });
      return new Uint8Array(out);
    }
    const jimpImage = this.jimp.fromBitmap({
      width: image.width,
      height: image.height,
      data: new Uint8Array(rgba.buffer),
    });
    const buffer =
      format === 'jpeg' ? await jimpImage.getBuffer('image/jpeg', { quality }) : await jimpImage.getBuffer('image/png');
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
}

let webpPromise: Promise<WebpCodec> | undefined;

/** libwebp's Emscripten loader fetches its .wasm by URL, which Node cannot; compile it from disk instead. */
function loadWebp(): Promise<WebpCodec> {
  webpPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const root = require.resolve('@jsquash/webp/package.json').replace(/package\.json$/, '');
    const decodeModule = (await import('@jsquash/webp/decode.js')) as unknown as {
      default: WebpCodec['decode'];
      init(module: WasmModule, options: object): Promise<unknown>;
    };
    const encodeModule = (await import('@jsquash/webp/encode.js')) as unknown as {
      default: WebpCodec['encode'];
      init(module: WasmModule, options: object): Promise<unknown>;
    };
    const [decWasm, encWasm] = await Promise.all([
      readFile(`${root}codec/dec/webp_dec.wasm`).then((b) => wasm.compile(b)),
      readFile(`${root}codec/enc/webp_enc_simd.wasm`).then((b) => wasm.compile(b)),
    ]);
    await decodeModule.init(decWasm, {});
    await encodeModule.init(encWasm, {});
    return { decode: decodeModule.default, encode: encodeModule.default };
  })();
  return webpPromise;
}
