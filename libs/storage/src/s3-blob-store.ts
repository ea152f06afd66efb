import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertDigest,
  BlobIntegrityError,
  BlobNotFoundError,
  DigestStream,
  type BlobInfo,
  type BlobStore,
  type PutResult,
} from './blob-store.js';

export interface S3BlobStoreOptions {
  /** Endpoint URL of an S3-compatible service (MinIO, Ceph, s3rver...); AWS when unset. */
  endpoint?: string;
  bucket: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Local directory where streams of unknown digest are spooled before upload. */
  tmpDir: string;
}

/**
 * Blobs in an S3-compatible bucket under `blobs/<sha256>` (path-style addressing, so any
 * S3-compatible server works). A stream is spooled to a local file first: its digest, and so its
 * key, is known only at the end, and S3 has no rename.
 */
export class S3BlobStore implements BlobStore {
  readonly client: S3Client;

  constructor(private readonly options: S3BlobStoreOptions) {
    this.client = new S3Client({
      endpoint: options.endpoint,
      region: options.region,
      forcePathStyle: true,
      credentials:
        options.accessKeyId && options.secretAccessKey
          ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
          : undefined,
      // Integrity is ours (the key is the SHA-256); optional checksum trailers trip older servers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private keyOf(sha256: string): string {
    return `blobs/${assertDigest(sha256)}`;
  }

  async put(content: Readable): Promise<PutResult> {
    await mkdir(this.options.tmpDir, { recursive: true });
    const tmp = join(this.options.tmpDir, `s3-put-${randomBytes(12).toString('hex')}`);
    try {
      const digest = new DigestStream();
      await pipeline(content, digest, createWriteStream(tmp, { flags: 'wx' }));
      return await this.upload(tmp, digest.result());
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async putFile(path: string, expected: BlobInfo): Promise<PutResult> {
    assertDigest(expected.sha256);
    try {
      const actual = await stat(path);
      if (actual.size !== expected.size) {
        throw new BlobIntegrityError(`file has ${actual.size} bytes, expected ${expected.size}`);
      }
      return await this.upload(path, expected);
    } finally {
      await rm(path, { force: true });
    }
  }

  private async upload(path: string, info: BlobInfo): Promise<PutResult> {
    if (await this.exists(info.sha256)) return { ...info, created: false };
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.options.bucket,
        Key: this.keyOf(info.sha256),
        Body: createReadStream(path),
        ContentType: 'application/octet-stream',
        ContentLength: info.size,
        Metadata: { sha256: info.sha256 },
      },
      partSize: 16 * 1024 * 1024,
      queueSize: 4,
    });
    await upload.done();
    return { ...info, created: true };
  }

  async get(sha256: string): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') {
        throw new BlobNotFoundError(sha256);
      }
      throw error;
    }
  }

  async stat(sha256: string): Promise<BlobInfo | null> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }),
      );
      return { sha256, size: Number(head.ContentLength ?? 0) };
    } catch (error) {
      if (
        error instanceof NotFound ||
        (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
      ) {
        return null;
      }
      throw error;
    }
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(sha256) }));
  }
}
