import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '#libs/config';
import { BLOB_STORE, type BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

/** Builds the blob store the configuration names (`STORAGE_DRIVER`). */
export function createBlobStore(config: AppConfig): BlobStore {
  const root = join(config.dataDir, 'blobs');
  if (config.storage.driver === 'local') return new LocalBlobStore(root);
  if (!config.storage.s3) throw new Error('STORAGE_DRIVER=s3 needs S3_BUCKET (and S3_ENDPOINT for non-AWS services)');
  return new S3BlobStore({ ...config.storage.s3, tmpDir: join(root, 'tmp') });
}

/** Provides the configured BlobStore under the BLOB_STORE token, once per application. */
@Global()
@Module({
  providers: [{ provide: BLOB_STORE, inject: [AppConfig], useFactory: createBlobStore }],
  exports: [BLOB_STORE],
})
export class StorageModule {}
