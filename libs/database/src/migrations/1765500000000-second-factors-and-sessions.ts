import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recovery codes and step-up: `mfa_recovery_code` keeps the SHA-256 of each single-use recovery
 * code (never the code), deleted with its account; `auth_session.step_up_at` is when the session
 * last proved the account's strongest factor, which sensitive actions require to be recent.
 */
export class SecondFactorsAndSessions1765500000000 implements MigrationInterface {
  name = 'SecondFactorsAndSessions1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_session ADD COLUMN step_up_at timestamptz`);
    await q.query(`
      CREATE TABLE mfa_recovery_code (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        CONSTRAINT mfa_recovery_code_user_hash_uq UNIQUE (user_id, code_hash)
      )`);
    await q.query(`CREATE INDEX auth_session_user_created_idx ON auth_session (user_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth_session_user_created_idx`);
    await q.query(`DROP TABLE mfa_recovery_code`);
    await q.query(`ALTER TABLE auth_session DROP COLUMN step_up_at`);
  }
}
