import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform-wide key/value settings (bootstrap state, key material references, versions). */
export class PlatformSettings1764400000000 implements MigrationInterface {
  name = 'PlatformSettings1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_setting (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform_setting`);
  }
}
