import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { BLOB_STORE, DigestStream, LocalBlobStore, type BlobStore } from '#libs/storage';

/**
 * Model artifacts as local files for onnxruntime: the local blob store's own path, or (S3) a copy
 * under DATA_DIR/model-cache downloaded once per SHA-256 and verified on the way. The engine checks
 * the digest again when it loads a file.
 */
@Injectable()
export class ModelFiles {
  private readonly cacheDir: string;
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(
    config: AppConfig,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {
    this.cacheDir = join(config.dataDir, 'model-cache');
  }

  async pathOf(sha256: string): Promise<string> {
    if (this.blobs instanceof LocalBlobStore) return this.blobs.localPath(sha256);
    const path = join(this.cacheDir, `${sha256}.onnx`);
    if (
      await stat(path).then(
        () => true,
        () => false,
      )
    )
      return path;
    let download = this.downloads.get(sha256);
    if (!download) {
      download = this.download(sha256, path).finally(() => this.downloads.delete(sha256));
      this.downloads.set(sha256, download);
    }
    return download;
  }

  private async download(sha256: string, path: string): Promise<string> {
    await mkdir(this.cacheDir, { recursive: true });
    const partial = `${path}.${process.pid}.part`;
    const digest = new DigestStream();
    try {
      await pipeline(await this.blobs.get(sha256), digest, createWriteStream(partial));
      if (digest.result().sha256 !== sha256) throw new Error(`model blob ${sha256} does not match its digest`);
      await rename(partial, path);
      return path;
    } finally {
      await rm(partial, { force: true });
    }
  }
}
