import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { BLOB_STORE, type BlobInfo, type BlobStore } from '#libs/storage';

/** How long an upload may take between leasing its artifact and committing its version. */
export const ARTIFACT_LEASE_SECONDS = 3600;
/** How often each process sweeps artifacts that nothing references any more. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The one owner of model weights in the blob store, through the `model_artifact` table. Writers
 * lease the row before storing bytes and commit the version after they are durable; the garbage
 * collector deletes a blob only while holding the row's lock and the digest's advisory lock (the
 * same one job blobs use), when no ready version references it and no lease is live. So a delete
 * racing an upload of the same bytes can never leave a version without its weights, and an
 * upload whose transaction fails leaves a blob that the sweep removes once its lease ends.
 */
@Injectable()
export class ArtifactStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ArtifactStore');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly transactions: Transactions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * Leases the artifact `info` names (creating its row), committed at once: from here until the
   * lease ends or a version references it, garbage collection leaves its blob alone.
   */
  async lease(info: BlobInfo): Promise<void> {
    await this.transactions.run(RequestContext.system('artifact-store'), async (_, manager) => {
      await lockDigest(manager, info.sha256);
      await manager.query(
        `INSERT INTO model_artifact (sha256, size_bytes, leased_until)
         VALUES ($1, $2, now() + make_interval(secs => $3))
         ON CONFLICT (sha256) DO UPDATE SET leased_until = GREATEST(model_artifact.leased_until, EXCLUDED.leased_until)`,
        [info.sha256, info.size, ARTIFACT_LEASE_SECONDS],
      );
    });
  }

  /** Stores a leased artifact's bytes from a local file (moved into place); durable when it resolves. */
  async store(path: string, info: BlobInfo): Promise<void> {
    await this.blobs.putFile(path, info);
  }

  /**
   * In the transaction that commits the version referencing it, once the bytes are durable. The
   * lease is left to run out: another upload of the same bytes may still rely on it.
   */
  async commitStored(manager: EntityManager, sha256: string): Promise<void> {
    await manager.query(`UPDATE model_artifact SET stored_at = COALESCE(stored_at, now()) WHERE sha256 = $1`, [sha256]);
  }

  /**
   * Deletes each of `digests` that no ready version references and no live lease holds. Returns
   * the digests removed. Failures are logged and left for the next sweep: a leftover blob is
   * harmless, a lost one is not.
   */
  async collect(digests: Iterable<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const sha256 of new Set(digests)) {
      try {
        const deleted = await this.transactions.run(RequestContext.system('artifact-store'), async (_, manager) => {
          await lockDigest(manager, sha256);
          const [row] = (await manager.query(
            `SELECT sha256 FROM model_artifact a
              WHERE sha256 = $1 AND (leased_until IS NULL OR leased_until < now())
                AND NOT EXISTS (SELECT 1 FROM model_version v WHERE v.sha256 = a.sha256 AND v.status = 'ready')
              FOR UPDATE`,
            [sha256],
          )) as { sha256: string }[];
          if (!row) return false;
          // The row goes only once the blob is gone, so a failed delete is retried by the next sweep.
          await this.blobs.delete(sha256);
          await manager.query(`DELETE FROM model_artifact WHERE sha256 = $1`, [sha256]);
          return true;
        });
        if (deleted) removed.push(sha256);
      } catch (error) {
        this.logger.warn({ err: error, sha256 }, 'Could not collect an unreferenced artifact');
      }
    }
    return removed;
  }

  /** Collects every artifact that nothing references and no lease holds (failed uploads, deleted organizations). */
  async sweep(): Promise<string[]> {
    try {
      const rows = (await this.dataSource.query(
        `SELECT sha256 FROM model_artifact a
          WHERE (leased_until IS NULL OR leased_until < now())
            AND NOT EXISTS (SELECT 1 FROM model_version v WHERE v.sha256 = a.sha256 AND v.status = 'ready')
          LIMIT 1000`,
      )) as { sha256: string }[];
      return await this.collect(rows.map((r) => r.sha256));
    } catch (error) {
      this.logger.warn({ err: error }, 'The artifact sweep could not run');
      return [];
    }
  }
}

/** The digest's transaction-scoped lock, shared with job blobs (libs/jobs) so no writer and deleter of one digest overlap. */
async function lockDigest(manager: EntityManager, sha256: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`blob:${sha256}`]);
}
