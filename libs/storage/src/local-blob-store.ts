import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertDigest,
  BlobIntegrityError,
  BlobNotFoundError,
  DigestStream,
  type BlobInfo,
  type BlobStore,
  type PutResult,
} from './blob-store.js';

/**
 * Blobs on the local filesystem under `root`, at `root/ab/cd/<sha256>`. Every path is derived
 * from a validated hex digest. Writes go to a temporary file in the same filesystem and are
 * renamed into place, so a reader never sees a partial blob.
 */
export class LocalBlobStore implements BlobStore {
  private readonly tmpDir: string;

  constructor(private readonly root: string) {
    this.tmpDir = join(root, 'tmp');
  }

  /** Directory for temporary files on the same filesystem as the blobs (rename stays atomic). */
  get temporaryDirectory(): string {
    return this.tmpDir;
  }

  private pathOf(sha256: string): string {
    assertDigest(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(content: Readable): Promise<PutResult> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `put-${randomBytes(12).toString('hex')}`);
    const digest = new DigestStream();
    try {
      await pipeline(content, digest, createWriteStream(tmp, { flags: 'wx' }));
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
    return this.place(tmp, digest.result());
  }

  async putFile(path: string, expected: BlobInfo): Promise<PutResult> {
    assertDigest(expected.sha256);
    const actual = await stat(path);
    if (actual.size !== expected.size) {
      throw new BlobIntegrityError(`file has ${actual.size} bytes, expected ${expected.size}`);
    }
    return this.place(path, expected);
  }

  private async place(tmp: string, info: BlobInfo): Promise<PutResult> {
    const target = this.pathOf(info.sha256);
    if (await this.exists(info.sha256)) {
      await unlink(tmp);
      return { ...info, created: false };
    }
    await mkdir(join(target, '..'), { recursive: true });
    try {
      // link() fails when the target exists, so two concurrent puts of the same bytes cannot
      // replace each other's file; rename() would also be atomic but last-writer-wins.
      await link(tmp, target);
      return { ...info, created: true };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { ...info, created: false };
      if ((error as NodeJS.ErrnoException).code === 'EXDEV' || (error as NodeJS.ErrnoException).code === 'EPERM') {
        await rename(tmp, target);
        return { ...info, created: true };
      }
      throw error;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(sha256: string): Promise<Readable> {
    const path = this.pathOf(sha256);
    if (!(await this.exists(sha256))) throw new BlobNotFoundError(sha256);
    return createReadStream(path);
  }

  /** Local path of a blob, for readers that need random access (validation, inference). */
  localPath(sha256: string): string {
    return this.pathOf(sha256);
  }

  async stat(sha256: string): Promise<BlobInfo | null> {
    try {
      const s = await stat(this.pathOf(sha256));
      return { sha256, size: s.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}
