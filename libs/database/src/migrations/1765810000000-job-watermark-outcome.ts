import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a job's result carries its watermark. Images below the smallest size the watermark is
 * claimed for (long side 512 px, short side 288 px) are delivered unmarked, and the job says so
 * with the reason instead of claiming a mark that would not survive. Results completed before this
 * release were all marked (smaller images failed then).
 */
export class JobWatermarkOutcome1765810000000 implements MigrationInterface {
  name = 'JobWatermarkOutcome1765810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE job
        ADD COLUMN watermark text CHECK (watermark IN ('embedded', 'none')),
        ADD COLUMN watermark_reason text`);
    await q.query(`UPDATE job SET watermark = 'embedded' WHERE status = 'completed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE job DROP COLUMN watermark_reason, DROP COLUMN watermark`);
  }
}
