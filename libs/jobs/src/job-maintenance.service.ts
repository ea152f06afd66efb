import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobBlobs } from './job-blobs.js';
import { JobQueue } from './job-queue.js';
import { JobSegments } from './video/job-segments.js';
import { VideoQueue } from './video/video-queue.js';

/**
 * Keeps the queue honest with the database and the blob store tidy:
 * - `reconcile()` re-enqueues queued or running rows whose queue entry is missing or finished
 *   (Redis flushed, restarted without persistence, an enqueue that timed out), so no accepted
 *   job is lost; entries are keyed by the row's `queue_job_id`, so running it twice adds nothing.
 *   A video job split into segments is carried by its segment entries instead: unfinished
 *   segments whose entry is gone are enqueued again, and a job whose segments are all done but
 *   that is still running gets its assembly entry back.
 * - `purgeResults()` deletes results past their organization's retention.
 */
@Injectable()
export class JobMaintenanceService {
  private readonly logger = new Logger('JobMaintenance');

  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueue,
    private readonly blobs: JobBlobs,
    private readonly segments: JobSegments,
    private readonly video: VideoQueue,
  ) {}

  /** Returns how many jobs were re-enqueued. `minAgeMs` leaves rows alone that were just submitted. */
  async reconcile(minAgeMs = 5_000, batch = 500): Promise<number> {
    const rows: Array<{ id: string; organization_id: string; queue_job_id: string; priority: number }> =
      await this.dataSource.query(
        `SELECT id, organization_id, queue_job_id, priority FROM job
          WHERE status IN ('queued', 'running') AND NOT cancel_requested
            AND updated_at < now() - make_interval(secs => $1)
            AND NOT EXISTS (SELECT 1 FROM job_segment s WHERE s.job_id = job.id)
          ORDER BY queued_at LIMIT $2`,
        [minAgeMs / 1000, batch],
      );
    let added = 0;
    for (const row of rows) {
      if (await this.queue.isPending(row.queue_job_id)) continue;
      await this.queue.removeWaiting(row.queue_job_id);
      const ok = await this.queue.enqueue({
        id: row.id,
        organizationId: row.organization_id,
        queueJobId: row.queue_job_id,
        priority: row.priority,
      });
      if (ok) added++;
    }
    const outstanding = await this.segments.outstanding(minAgeMs, batch);
    for (const s of outstanding.segments) {
      added += await this.video.enqueueSegments(
        { id: s.jobId, organizationId: s.organizationId, priority: s.priority },
        [s.index],
      );
    }
    for (const a of outstanding.assemblies) {
      if (await this.video.enqueueAssembly({ id: a.jobId, organizationId: a.organizationId, priority: a.priority }))
        added++;
    }
    if (added) this.logger.warn(`Re-enqueued ${added} job(s) or video segment(s) whose queue entry was missing.`);
    return added;
  }

  /** Deletes results whose retention has passed; returns how many. */
  async purgeResults(batch = 500): Promise<number> {
    const [released] = (await this.dataSource.query(
      `UPDATE job SET result_purged_at = now(), updated_at = now()
        WHERE id IN (SELECT id FROM job WHERE result_sha256 IS NOT NULL AND result_purged_at IS NULL
                       AND result_expires_at <= now() ORDER BY result_expires_at LIMIT $1)
        RETURNING id, result_sha256`,
      [batch],
    )) as [Array<{ id: string; result_sha256: string }>, number];
    await this.blobs.release(released.map((r) => r.result_sha256));
    if (released.length) this.logger.log(`Purged ${released.length} expired result(s).`);
    return released.length;
  }
}
