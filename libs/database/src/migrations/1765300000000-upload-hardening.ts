import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload hardening: an organization may require every upload to declare its SHA-256
 * (`require_upload_digest`), and a version's rejection reason is a short summary (500 characters,
 * cut at store time; older, longer reasons are cut here).
 */
export class UploadHardening1765300000000 implements MigrationInterface {
  name = 'UploadHardening1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organization ADD COLUMN require_upload_digest boolean NOT NULL DEFAULT false`);
    await q.query(
      `UPDATE model_version SET rejection_reason = left(rejection_reason, 499) || '…'
        WHERE char_length(rejection_reason) > 500`,
    );
    await q.query(
      `ALTER TABLE model_version ADD CONSTRAINT model_version_rejection_reason_length
        CHECK (char_length(rejection_reason) <= 500)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_version DROP CONSTRAINT model_version_rejection_reason_length`);
    await q.query(`ALTER TABLE organization DROP COLUMN require_upload_digest`);
  }
}
