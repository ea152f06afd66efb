import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import type { ImageFormat } from '../inference.types.js';

/** What the header of an encoded image says, read without decoding any pixel data. */
export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Default pixel-count ceiling: 40 megapixels. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

const MIME_BY_FORMAT: Record<ImageFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** The media type of an image format. */
export function mimeTypeOf(format: ImageFormat): string {
  return MIME_BY_FORMAT[format];
}

/** Sniffs the format from magic bytes; `null` when it is none of JPEG, PNG, WebP. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return null;
}

/**
 * Reads format and dimensions from the header and checks the file is complete, then enforces the
 * pixel ceiling — all before a decoder allocates anything.
 *
 * @param declared media type or format the caller was told (e.g. an upload's Content-Type); a
 *   mismatch with the bytes raises `image_mislabelled`.
 * @throws `image_unsupported` (415), `image_mislabelled` (415), `image_too_large` (413),
 *   `image_truncated` (422), `image_invalid` (422).
 */
export function probeImage(bytes: Uint8Array, options: { maxPixels?: number; declared?: string } = {}): ImageHeader {
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw inferenceError(InferenceErrorCode.ImageUnsupported, 'The file is not a JPEG, PNG or WebP image.');
  }
  if (options.declared) {
    const declared = options.declared
      .toLowerCase()
      .replace(/^image\//, '')
      .replace('jpg', 'jpeg');
    if (declared !== format) {
      throw inferenceError(
        InferenceErrorCode.ImageMislabelled,
        `The file was declared as ${options.declared} but its bytes are ${MIME_BY_FORMAT[format]}.`,
        { declared: options.declared, actual: MIME_BY_FORMAT[format] },
      );
    }
  }
  const header = format === 'jpeg' ? readJpeg(bytes) : format === 'png' ? readPng(bytes) : readWebp(bytes);
  if (header.width <= 0 || header.height <= 0) {
    throw inferenceError(InferenceErrorCode.ImageInvalid, `The ${format} header declares an empty image.`);
  }
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const pixels = header.width * header.height;
  if (pixels > maxPixels) {
    throw inferenceError(
      InferenceErrorCode.ImageTooLarge,
      `The image declares ${header.width}×${header.height} = ${pixels} pixels; at most ${maxPixels} are accepted.`,
      { width: header.width, height: header.height, maxPixels },
    );
  }
  return header;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function u16be(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

function u32be(b: Uint8Array, o: number): number {
  return ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}

function u32le(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + ((b[o + 3] << 24) >>> 0);
}

function truncated(format: string): Error {
  return inferenceError(InferenceErrorCode.ImageTruncated, `The ${format} file ends before its image data does.`);
}

function invalid(format: string, why: string): Error {
  return inferenceError(InferenceErrorCode.ImageInvalid, `The ${format} file is corrupt: ${why}.`);
}

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function readJpeg(b: Uint8Array): ImageHeader {
  let offset = 2;
  let size: { width: number; height: number } | null = null;
  while (offset < b.length) {
    if (b[offset] !== 0xff) throw invalid('JPEG', `expected a marker at byte ${offset}`);
    while (offset < b.length && b[offset] === 0xff) offset++;
    if (offset >= b.length) throw truncated('JPEG');
    const marker = b[offset++];
    if (marker === 0xd9) throw invalid('JPEG', 'the image ends before any scan');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (offset + 2 > b.length) throw truncated('JPEG');
    const length = u16be(b, offset);
    if (length < 2) throw invalid('JPEG', 'segment length below 2');
    if (offset + length > b.length) throw truncated('JPEG');
    if (JPEG_SOF.has(marker)) {
      if (length < 7) throw invalid('JPEG', 'short frame header');
      size = { height: u16be(b, offset + 3), width: u16be(b, offset + 5) };
    }
    if (marker === 0xda) {
      if (!size) throw invalid('JPEG', 'scan before frame header');
      // Entropy-coded data stuffs 0xFF as FF 00, so an FF D9 after the first scan can only be the end marker.
      for (let i = b.length - 2; i >= offset + length; i--) {
        if (b[i] === 0xff && b[i + 1] === 0xd9) return { format: 'jpeg', ...size };
      }
      throw truncated('JPEG');
    }
    offset += length;
  }
  throw truncated('JPEG');
}

function readPng(b: Uint8Array): ImageHeader {
  if (b.length < 33) throw truncated('PNG');
  if (ascii(b, 12, 4) !== 'IHDR') throw invalid('PNG', 'first chunk is not IHDR');
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  let offset = 8;
  while (offset + 8 <= b.length) {
    const length = u32be(b, offset);
    const type = ascii(b, offset + 4, 4);
    if (offset + 12 + length > b.length) throw truncated('PNG');
    if (type === 'IEND') return { format: 'png', width, height };
    offset += 12 + length;
  }
  throw truncated('PNG');
}

function readWebp(b: Uint8Array): ImageHeader {
  const riffSize = u32le(b, 4);
  if (b.length < riffSize + 8 || b.length < 30) throw truncated('WebP');
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) throw invalid('WebP', 'bad VP8 frame tag');
    return { format: 'webp', width: (b[26] | (b[27] << 8)) & 0x3fff, height: (b[28] | (b[29] << 8)) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) throw invalid('WebP', 'bad VP8L signature');
    const bits = u32le(b, 21);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    const width = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const height = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return { format: 'webp', width, height };
  }
  throw invalid('WebP', `unknown chunk ${JSON.stringify(chunk)}`);
}
