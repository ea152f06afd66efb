import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Onboarding: invitations can be revoked and re-sent (a resend replaces the token), and accounts
 * get single-use password tokens (reset by mail, or the first password of an account a platform
 * admin created), stored as SHA-256 and removed with their account.
 */
export class Onboarding1765400000000 implements MigrationInterface {
  name = 'Onboarding1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE invitation
        ADD COLUMN revoked_at timestamptz,
        ADD COLUMN revoked_by uuid,
        ADD COLUMN sent_at timestamptz`);
    await q.query(
      `CREATE INDEX invitation_pending_idx ON invitation (organization_id, created_at DESC, id DESC)
        WHERE accepted_at IS NULL AND revoked_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE password_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
        purpose text NOT NULL CHECK (purpose IN ('reset', 'setup')),
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT password_token_token_hash_key UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX password_token_user_idx ON password_token (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE password_token`);
    await q.query(`DROP INDEX invitation_pending_idx`);
    await q.query(`ALTER TABLE invitation DROP COLUMN sent_at, DROP COLUMN revoked_by, DROP COLUMN revoked_at`);
  }
}
