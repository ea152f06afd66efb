import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model artifacts as rows: one per stored blob of model weights (content-addressed by SHA-256).
 * An upload first leases the row (committed before the bytes are written, so garbage collection
 * cannot remove the blob while the upload is under way), then stores the blob, then commits the
 * version together with `stored_at`. Garbage collection removes a blob only under the row's lock,
 * when no ready version references it and no lease is live; a failed upload's blob is collected
 * once its lease expires. Rows are made for the artifacts stored before this migration.
 */
export class ModelArtifacts1766000000000 implements MigrationInterface {
  name = 'ModelArtifacts1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_artifact (
        sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        stored_at timestamptz,
        leased_until timestamptz
      )`);
    await q.query(`
      INSERT INTO model_artifact (sha256, size_bytes, created_at, stored_at)
      SELECT sha256, max(size_bytes), min(created_at), min(created_at)
        FROM model_version WHERE status = 'ready' GROUP BY sha256`);
    await q.query(`CREATE INDEX model_artifact_lease ON model_artifact (leased_until) WHERE leased_until IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_artifact`);
  }
}
