import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The person `reference` face selection follows in a video: its embedding is resolved once, on
 * the video's first frame, when the job is planned, and stored with every segment, so all
 * segments follow the same person without each looking it up again.
 */
export class JobSegmentReference1767260000000 implements MigrationInterface {
  name = 'JobSegmentReference1767260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_segment ADD COLUMN reference_embedding real[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job_segment DROP COLUMN reference_embedding`);
  }
}
