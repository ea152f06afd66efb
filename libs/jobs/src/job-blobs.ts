import { createReadStream } from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { BLOB_STORE, type BlobStore } from '#libs/storage';

/**
 * Inputs and results of jobs in the content-addressed blob store. The same bytes may belong to
 * several jobs, so a blob is deleted only when no unfinished job uses it as an input and no job
 * holds it as an unpurged result; writers and deleters of one digest serialise on an advisory
 * lock, so a blob is never removed between another submission storing and committing it.
 */
@Injectable()
export class JobBlobs {
  private readonly logger = new Logger('JobBlobs');

  constructor(
    private readonly transactions: Transactions,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  get store(): BlobStore {
    return this.blobs;
  }

  /** Stores a received file under its digest inside `manager`'s transaction (holding the digest's lock until commit). */
  async storeInTransaction(
    manager: EntityManager,
    file: { path: string; sha256: string; size: number },
  ): Promise<void> {
    await lockDigest(manager, file.sha256);
    if (await this.blobs.exists(file.sha256)) return;
    await this.blobs.put(createReadStream(file.path));
  }

  /** Deletes each blob no other live job needs (errors are logged: a leftover blob is harmless, a lost one is not). */
  async release(digests: Iterable<string>, exceptJobId?: string): Promise<void> {
    for (const sha256 of new Set(digests)) {
      try {
        await this.transactions.run(RequestContext.system('job-blobs'), async (_, manager) => {
          await lockDigest(manager, sha256);
          const used: unknown[] = await manager.query(
            `SELECT 1 FROM job
              WHERE id IS DISTINCT FROM $2
                AND ((input_digests @> ARRAY[$1]::text[] AND status IN ('queued', 'running'))
                  OR (result_sha256 = $1 AND result_purged_at IS NULL))
              LIMIT 1`,
            [sha256, exceptJobId ?? null],
          );
          if (used.length === 0) await this.blobs.delete(sha256);
        });
      } catch (error) {
        this.logger.warn(`Could not release blob ${sha256.slice(0, 12)}: ${(error as Error).message}`);
      }
    }
  }
}

async function lockDigest(manager: EntityManager, sha256: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`blob:${sha256}`]);
}
