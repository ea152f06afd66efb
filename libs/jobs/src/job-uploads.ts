import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { mimeTypeOf, probeImage, type ImageHeader } from '#libs/inference';
import {
  probeVideo,
  resolveMediaBinaries,
  sniffVideoContainer,
  VideoError,
  type MediaBinaries,
  type VideoProbe,
} from '#libs/media';
import { BlobTooLargeError, DigestStream } from '#libs/storage';
import { videoProblem } from './video/video-problems.js';

/**
 * An input file received to a temporary file, hashed on the way and checked: an image (its
 * header) or, for a target, a video (its probe; `header` then holds its upright frame size).
 */
export interface ReceivedImage {
  path: string;
  sha256: string;
  size: number;
  header: Pick<ImageHeader, 'width' | 'height'> & { format: ImageHeader['format'] | 'video' };
  mediaType: string;
  video?: VideoProbe;
}

/** Form fields that may carry a video: a fusion's target, and the image of a watermark look-up. */
const VIDEO_FIELDS = new Set(['target', 'image']);

/** Media types of the accepted video containers. */
const VIDEO_MEDIA_TYPES = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm', mkv: 'video/x-matroska' };

/** Reads this much of a file to find its dimensions (JPEG frame headers may follow large EXIF blocks). */
const PROBE_BYTES = 4 * 1024 * 1024;

/** Container signatures of video files, refused as fusion inputs (images only). */
function looksLikeVideo(head: Uint8Array): boolean {
  const ascii = (from: number, length: number) => Buffer.from(head.subarray(from, from + length)).toString('latin1');
  if (head.length >= 12 && ascii(4, 4) === 'ftyp') return true; // MP4, MOV, 3GP
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return true; // WebM, MKV
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'AVI ') return true;
  if (head.length >= 6 && ascii(0, 6).startsWith('GIF8')) return true;
  return false;
}

/**
 * Receives fusion input files: each is streamed to a private temporary file while hashed and
 * counted (never held in memory whole), then its header is checked before anything is stored:
 * images only (JPEG, PNG, WebP), within the pixel limit, matching their declared type.
 */
@Injectable()
export class JobUploads {
  private readonly dir: string;
  private readonly binaries: MediaBinaries;

  constructor(private readonly config: AppConfig) {
    this.dir = join(config.dataDir, 'tmp', 'job-uploads');
    this.binaries = resolveMediaBinaries(config.media);
  }

  /**
   * Receives one file. A `target` (or a watermark look-up's `image`) may be a video (MP4, MOV, WebM or Matroska, by its bytes or its
   * declared `video/*` type) up to `maxVideoBytes`: it is probed with ffprobe and refused with
   * `not_a_video`, `video_unreadable` or `video_no_stream` before anything is stored; the
   * organization's video limits are checked at submission. Sources are images only.
   */
  async receive(stream: Readable, field: string, declaredType?: string): Promise<ReceivedImage> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, randomUUID());
    const { maxInputBytes, maxVideoBytes } = this.config.jobs;
    const videoAllowed = VIDEO_FIELDS.has(field);
    const maxBytes = videoAllowed ? Math.max(maxInputBytes, maxVideoBytes) : maxInputBytes;
    const digest = new DigestStream(maxBytes);
    let limit = maxBytes;
    try {
      await pipeline(stream, digest, createWriteStream(path, { mode: 0o600 }));
      if ((stream as Readable & { truncated?: boolean }).truncated) throw new BlobTooLargeError(maxBytes);
      const { sha256, size } = digest.result();
      if (size === 0) {
        throw new BadRequestError({
          code: 'input_empty',
          detail: `The ${field} file is empty.`,
          extensions: { field },
        });
      }
      if (videoAllowed && (await this.isVideo(path, declaredType))) {
        if (size > maxVideoBytes) {
          limit = maxVideoBytes;
          throw new BlobTooLargeError(maxVideoBytes);
        }
        const video = await this.probeVideo(path, field);
        const header = { format: 'video' as const, width: video.video.width, height: video.video.height };
        const mediaType = video.container === 'other' ? 'video/mp4' : VIDEO_MEDIA_TYPES[video.container];
        return { path, sha256, size, header, mediaType, video };
      }
      if (size > maxInputBytes) {
        limit = maxInputBytes;
        throw new BlobTooLargeError(maxInputBytes);
      }
      const header = await this.probe(path, size, field, declaredType);
      return { path, sha256, size, header, mediaType: mimeTypeOf(header.format) };
    } catch (error) {
      // Cut off while streaming: the limit to name is the video's or the image's, by what arrived.
      if (error instanceof BlobTooLargeError && limit === maxBytes && videoAllowed && maxInputBytes !== maxVideoBytes) {
        limit = (await this.isVideo(path, declaredType).catch(() => false)) ? maxVideoBytes : maxInputBytes;
      }
      await rm(path, { force: true });
      if (error instanceof BlobTooLargeError) {
        throw new PayloadTooLargeError({
          code: 'input_too_large',
          detail: `The ${field} file is larger than ${limit} bytes.`,
          extensions: { field, limit },
        });
      }
      throw error;
    }
  }

  /** An MP4/MOV/WebM/Matroska signature, or a declared video type (checked by the probe). */
  private async isVideo(path: string, declaredType?: string): Promise<boolean> {
    if (normaliseType(declaredType)?.startsWith('video/')) return true;
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(64);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return sniffVideoContainer(head.subarray(0, bytesRead)) !== undefined;
    } finally {
      await handle.close();
    }
  }

  private async probeVideo(path: string, field: string): Promise<VideoProbe> {
    try {
      return await probeVideo(path, { binaries: this.binaries });
    } catch (error) {
      if (error instanceof VideoError) throw videoProblem(error, field);
      throw error;
    }
  }

  /** Deletes received files that were not stored (or were copied into the blob store). */
  async discard(files: Iterable<ReceivedImage>): Promise<void> {
    await Promise.all([...files].map((f) => rm(f.path, { force: true })));
  }

  private async probe(path: string, size: number, field: string, declared?: string): Promise<ImageHeader> {
    const handle = await open(path, 'r');
    try {
      const read = async (length: number) => {
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, 0);
        return buffer.subarray(0, bytesRead);
      };
      let head = await read(Math.min(size, PROBE_BYTES));
      if (looksLikeVideo(head)) {
        throw new UnsupportedMediaTypeError({
          code: 'video_not_supported',
          detail: VIDEO_FIELDS.has(field)
            ? 'The file is a video or animation in a format not accepted; send a JPEG, PNG or WebP image or an MP4, MOV, WebM or Matroska video.'
            : `The ${field} file is a video or animation; ${field} files must be JPEG, PNG or WebP images.`,
          extensions: { field },
        });
      }
      const options = { maxPixels: this.config.inference.maxPixels, declared: normaliseType(declared) };
      try {
        return probeImage(head, options);
      } catch (error) {
        if ((error as { code?: string }).code !== 'image_truncated' || size <= head.length)
          throw withField(error, field);
        head = await read(size);
        try {
          return probeImage(head, options);
        } catch (again) {
          throw withField(again, field);
        }
      }
    } finally {
      await handle.close();
    }
  }
}

/** Multipart parts without a specific type say application/octet-stream; that declares nothing. */
function normaliseType(declared?: string): string | undefined {
  if (!declared || declared === 'application/octet-stream') return undefined;
  return declared;
}

function withField(error: unknown, field: string): unknown {
  if (error && typeof error === 'object' && 'extensions' in error) {
    const e = error as { extensions?: Record<string, unknown>; message: string };
    e.extensions = { ...e.extensions, field };
    e.message = `${field}: ${e.message}`;
  }
  return error;
}
