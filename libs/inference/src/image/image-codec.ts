import type { ImageFormat, RgbImage } from '../inference.types.js';

/**
 * A decoded image, upright (EXIF orientation applied), with the format it was stored in and, when
 * the image has transparency, its alpha plane (`alpha` on {@link RgbImage}).
 */
export interface DecodedImage extends RgbImage {
  format: ImageFormat;
}

/** Options for encoding. `quality` (1–100) applies to JPEG and WebP; PNG is lossless. */
export interface EncodeOptions {
  quality?: number;
}

/**
 * Decodes and encodes JPEG, PNG and WebP to/from 8-bit RGB. Implementations must call
 * {@link probeImage} first so that size limits and truncation are enforced identically.
 */
export interface ImageCodec {
  readonly name: CodecName;
  decode(bytes: Uint8Array, options?: { maxPixels?: number; declared?: string }): Promise<DecodedImage>;
  encode(image: RgbImage, format: ImageFormat, options?: EncodeOptions): Promise<Uint8Array>;
}

export type CodecName = 'sharp' | 'jimp';

/** Default encoder qualities: FaceFusion's `output_image_quality` default (80); PNG is lossless. */
export const DEFAULT_QUALITY: Record<ImageFormat, number> = { jpeg: 80, png: 100, webp: 80 };
