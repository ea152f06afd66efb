import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type SegmentStatus = 'pending' | 'running' | 'done' | 'cancelled';

/** One `job_segment` row: a frame range of a video job and what became of it. */
export interface JobSegment {
  jobId: string;
  index: number;
  startFrame: number;
  endFrame: number;
  status: SegmentStatus;
  /** Deliveries that started this segment (the latest holds it). */
  attempt: number;
  worker: string | null;
  outputSha256: string | null;
  outputSize: number | null;
  /** The embedding `reference` face selection follows in every segment (resolved once per video); null otherwise. */
  referenceEmbedding: number[] | null;
}

/** A segment handed to one delivery: only `attempt` may complete it. */
export interface ClaimedSegment extends JobSegment {
  status: 'running';
}

interface SegmentRow {
  job_id: string;
  index: number;
  start_frame: number;
  end_frame: number;
  status: SegmentStatus;
  attempt: number;
  worker: string | null;
  output_sha256: string | null;
  output_size: string | null;
  reference_embedding: number[] | null;
}

const COLUMNS = `job_id, index, start_frame, end_frame, status, attempt, worker, output_sha256, output_size, reference_embedding`;

/**
 * The segments of video jobs in PostgreSQL (the truth; Bull only carries their ids). Each
 * transition is one conditional update: a claim takes a new attempt number, and only that
 * attempt can mark the segment done, so a segment re-delivered after a crash is fused again
 * under the new attempt while a finished one is never redone. Completions of one job serialise
 * on the job row, so exactly one completion sees the last segment finish.
 */
@Injectable()
export class JobSegments {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records a job's plan once (a re-delivered plan keeps the rows already there); returns the rows.
   * `referenceEmbedding` is stored with every segment (see `JobSegment.referenceEmbedding`).
   */
  async plan(
    jobId: string,
    ranges: Array<{ index: number; startFrame: number; endFrame: number }>,
    referenceEmbedding?: number[] | null,
  ): Promise<JobSegment[]> {
    if (ranges.length > 0) {
      await this.dataSource.query(
        `INSERT INTO job_segment (job_id, index, start_frame, end_frame, reference_embedding)
         SELECT $1, r.*, $5::real[] FROM unnest($2::int[], $3::int[], $4::int[]) AS r
         ON CONFLICT (job_id, index) DO NOTHING`,
        [
          jobId,
          ranges.map((r) => r.index),
          ranges.map((r) => r.startFrame),
          ranges.map((r) => r.endFrame),
          referenceEmbedding ?? null,
        ],
      );
    }
    return this.list(jobId);
  }

  async list(jobId: string): Promise<JobSegment[]> {
    const rows: SegmentRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM job_segment WHERE job_id = $1 ORDER BY index`,
      [jobId],
    );
    return rows.map(toSegment);
  }

  /** Starts a pending (or abandoned running) segment under a new attempt; null when done or cancelled. */
  async claim(jobId: string, index: number, worker: string): Promise<ClaimedSegment | null> {
    const [rows] = (await this.dataSource.query(
      `UPDATE job_segment SET status = 'running', attempt = attempt + 1, worker = $3, started_at = now(), updated_at = now()
        WHERE job_id = $1 AND index = $2 AND status IN ('pending', 'running')
        RETURNING ${COLUMNS}`,
      [jobId, index, worker],
    )) as [SegmentRow[], number];
    return rows.length ? (toSegment(rows[0]) as ClaimedSegment) : null;
  }

  /**
   * Marks the segment done with its stored output when `attempt` still holds it. `recorded` is
   * false when another attempt took it over (its output is then not the segment's); `remaining`
   * counts the job's segments not done yet, as seen by this completion alone.
   */
  async complete(
    segment: ClaimedSegment,
    output: { sha256: string; size: number },
  ): Promise<{ recorded: boolean; remaining: number }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT id FROM job WHERE id = $1 FOR UPDATE`, [segment.jobId]);
      const [updated] = (await manager.query(
        `UPDATE job_segment SET status = 'done', output_sha256 = $4, output_size = $5, finished_at = now(), updated_at = now()
          WHERE job_id = $1 AND index = $2 AND attempt = $3 AND status = 'running'
          RETURNING index`,
        [segment.jobId, segment.index, segment.attempt, output.sha256, output.size],
      )) as [unknown[], number];
      const [left]: Array<{ n: string }> = await manager.query(
        `SELECT count(*) AS n FROM job_segment WHERE job_id = $1 AND status <> 'done'`,
        [segment.jobId],
      );
      return { recorded: updated.length > 0, remaining: Number(left.n) };
    });
  }

  /** Stops every unfinished segment of the job; returns the outputs its segments stored (to delete). */
  async cancel(jobId: string): Promise<string[]> {
    await this.dataSource.query(
      `UPDATE job_segment SET status = 'cancelled', finished_at = now(), updated_at = now()
        WHERE job_id = $1 AND status IN ('pending', 'running')`,
      [jobId],
    );
    const rows: Array<{ output_sha256: string }> = await this.dataSource.query(
      `SELECT output_sha256 FROM job_segment WHERE job_id = $1 AND output_sha256 IS NOT NULL`,
      [jobId],
    );
    return rows.map((r) => r.output_sha256);
  }

  /**
   * Work the queue should be carrying for running video jobs, for the reconciler: unfinished
   * segments not touched for `minAgeMs`, and jobs whose segments are all done but that are still
   * running (their assembly was lost).
   */
  async outstanding(
    minAgeMs: number,
    batch = 500,
  ): Promise<{
    segments: Array<{ jobId: string; organizationId: string; index: number; priority: number }>;
    assemblies: Array<{ jobId: string; organizationId: string; priority: number }>;
  }> {
    const segments: Array<{ job_id: string; organization_id: string; index: number; priority: number }> =
      await this.dataSource.query(
        `SELECT s.job_id, j.organization_id, s.index, j.priority FROM job_segment s JOIN job j ON j.id = s.job_id
          WHERE j.status = 'running' AND NOT j.cancel_requested AND s.status IN ('pending', 'running')
            AND s.updated_at < now() - make_interval(secs => $1)
          ORDER BY s.created_at, s.index LIMIT $2`,
        [minAgeMs / 1000, batch],
      );
    const assemblies: Array<{ id: string; organization_id: string; priority: number }> = await this.dataSource.query(
      `SELECT j.id, j.organization_id, j.priority FROM job j
        WHERE j.status = 'running' AND NOT j.cancel_requested
          AND (SELECT max(s.updated_at) FROM job_segment s WHERE s.job_id = j.id) < now() - make_interval(secs => $1)
          AND NOT EXISTS (SELECT 1 FROM job_segment s WHERE s.job_id = j.id AND s.status <> 'done')
        LIMIT $2`,
      [minAgeMs / 1000, batch],
    );
    return {
      segments: segments.map((s) => ({
        jobId: s.job_id,
        organizationId: s.organization_id,
        index: s.index,
        priority: s.priority,
      })),
      assemblies: assemblies.map((a) => ({ jobId: a.id, organizationId: a.organization_id, priority: a.priority })),
    };
  }
}

function toSegment(row: SegmentRow): JobSegment {
  return {
    jobId: row.job_id,
    index: row.index,
    startFrame: row.start_frame,
    endFrame: row.end_frame,
    status: row.status,
    attempt: row.attempt,
    worker: row.worker,
    outputSha256: row.output_sha256,
    outputSize: row.output_size === null ? null : Number(row.output_size),
    referenceEmbedding: row.reference_embedding,
  };
}
