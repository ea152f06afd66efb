import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Segments of video jobs: a video is split at keyframes into frame ranges that worker processes
 * fuse in parallel. Each row records one range, its state, the attempt that holds it, the worker
 * that ran it and the digest of its fused output in the blob store, so a worker lost mid-video
 * costs that one segment: finished segments are never fused again, and the job is assembled from
 * the recorded outputs once every segment is done.
 */
export class JobSegments1767250000000 implements MigrationInterface {
  name = 'JobSegments1767250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE job_segment (
        job_id uuid NOT NULL REFERENCES job(id) ON DELETE CASCADE,
        index integer NOT NULL CHECK (index >= 0),
        start_frame integer NOT NULL CHECK (start_frame >= 0),
        end_frame integer NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'cancelled')),
        attempt integer NOT NULL DEFAULT 0,
        worker text,
        output_sha256 text,
        output_size bigint,
        started_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (job_id, index),
        CHECK (end_frame > start_frame),
        CHECK (status <> 'done' OR output_sha256 IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX job_segment_unfinished ON job_segment (job_id) WHERE status IN ('pending', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_segment`);
  }
}
