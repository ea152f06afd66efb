import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Where and how big a stored blob is. Blobs are named by the lower-case hex SHA-256 of their bytes. */
export interface BlobInfo {
  sha256: string;
  size: number;
}

/** The result of a put: `created` is false when the same bytes were already stored (dedup). */
export interface PutResult extends BlobInfo {
  created: boolean;
}

/**
 * Content-addressed blob storage. Callers never choose a path or key: a blob's address is the
 * SHA-256 of its content, so the same bytes are stored once and no user input reaches the
 * filesystem or the bucket layout.
 */
export interface BlobStore {
  /** Stores a stream, hashing it on the way; resolves once the blob is durable under its digest. */
  put(content: Readable): Promise<PutResult>;
  /**
   * Stores a local file whose digest the caller has already computed (e.g. while receiving an
   * upload). The local store moves the file into place; the file is gone after the call.
   */
  putFile(path: string, expected: BlobInfo): Promise<PutResult>;
  /** A stream of the blob's bytes; throws BlobNotFoundError when absent. */
  get(sha256: string): Promise<Readable>;
  /** Size of the blob, or null when absent. */
  stat(sha256: string): Promise<BlobInfo | null>;
  exists(sha256: string): Promise<boolean>;
  /** Removes the blob; absent blobs are ignored. */
  delete(sha256: string): Promise<void>;
}

/** Nest injection token of the configured BlobStore. */
export const BLOB_STORE = Symbol('BLOB_STORE');

export class BlobNotFoundError extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} not found`);
    this.name = 'BlobNotFoundError';
  }
}

/** The bytes received did not have the digest or size the caller announced. */
export class BlobIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobIntegrityError';
  }
}

const DIGEST_RE = /^[0-9a-f]{64}$/;

/** Throws unless `value` is a lower-case hex SHA-256 (the only thing that may name a blob). */
export function assertDigest(value: string): string {
  if (!DIGEST_RE.test(value)) throw new Error('a blob digest must be 64 lower-case hex characters');
  return value;
}

/** Raised by DigestStream when more than its limit flows through it. */
export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`content exceeds ${limit} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/**
 * A pass-through stream that hashes (SHA-256) and counts what flows through it, and fails with
 * BlobTooLargeError as soon as more than `maxBytes` pass.
 */
export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private hex?: string;

  constructor(private readonly maxBytes = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return callback(new BlobTooLargeError(this.maxBytes));
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.bytes;
  }

  /** Digest and size; only valid once the stream has finished. */
  result(): BlobInfo {
    if (!this.hex) throw new Error('DigestStream has not finished');
    return { sha256: this.hex, size: this.bytes };
  }
}
