import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Chains the signed audit checkpoints of each audit chain: every checkpoint carries its number in
 * the chain's checkpoint sequence and the hash of the checkpoint before it, both under its
 * signature, so deleting checkpoints leaves a gap or a dangling link that verification sees.
 * Checkpoints signed before this migration stay valid on their own (their columns stay null).
 * Adds the `events` kind (signed in the appending transaction every N events) and `heartbeat`
 * (a chain that did not move, re-signed so a recent checkpoint always exists).
 */
export class AuditCheckpointChain1765200000000 implements MigrationInterface {
  name = 'AuditCheckpointChain1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE audit_checkpoint ADD COLUMN checkpoint_seq bigint, ADD COLUMN prev_checkpoint_hash text`,
    );
    await q.query(`ALTER TABLE audit_checkpoint DROP CONSTRAINT audit_checkpoint_kind_check`);
    await q.query(`
      ALTER TABLE audit_checkpoint ADD CONSTRAINT audit_checkpoint_kind_check
        CHECK (kind IN ('periodic', 'on_demand', 'retention', 'events', 'heartbeat'))`);
    // One checkpoint per number and chain (the platform chain has no organization id).
    await q.query(`
      CREATE UNIQUE INDEX audit_checkpoint_chain_seq
        ON audit_checkpoint ((coalesce(organization_id::text, 'platform')), checkpoint_seq)
        WHERE checkpoint_seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_checkpoint_chain_seq`);
    await q.query(`ALTER TABLE audit_checkpoint DROP CONSTRAINT audit_checkpoint_kind_check`);
    await q.query(
      `ALTER TABLE audit_checkpoint ADD CONSTRAINT audit_checkpoint_kind_check CHECK (kind IN ('periodic', 'on_demand', 'retention'))`,
    );
    await q.query(`ALTER TABLE audit_checkpoint DROP COLUMN checkpoint_seq, DROP COLUMN prev_checkpoint_hash`);
  }
}
