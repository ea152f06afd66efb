import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fusion jobs: the job row is the source of truth (the Bull queue only carries its id), daily
 * usage counters for quotas, and the organization settings jobs read (result retention, the
 * timezone in which a day of quota rolls over, a per-member daily quota). Model kinds are narrowed
 * to those the inference engine runs.
 */
export class FusionJobs1764900000000 implements MigrationInterface {
  name = 'FusionJobs1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organization
        ADD COLUMN result_retention_days integer NOT NULL DEFAULT 7 CHECK (result_retention_days BETWEEN 1 AND 3650),
        ADD COLUMN timezone text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) BETWEEN 1 AND 64),
        ADD COLUMN member_daily_inference_quota integer CHECK (member_daily_inference_quota >= 0)`);
    await q.query(`
      CREATE TABLE job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        project_id uuid REFERENCES project(id) ON DELETE SET NULL,
        owner_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
        actor jsonb NOT NULL,
        model_id uuid NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        stage text,
        progress real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
        priority integer NOT NULL DEFAULT 1 CHECK (priority >= 1),
        models jsonb NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        inputs jsonb NOT NULL,
        input_digests text[] NOT NULL,
        request_hash text NOT NULL,
        idempotency_key text CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
        watermark_payload text NOT NULL CHECK (watermark_payload ~ '^[0-9a-f]{16}$'),
        queue_job_id text NOT NULL,
        attempt integer NOT NULL DEFAULT 0,
        cancel_requested boolean NOT NULL DEFAULT false,
        result_sha256 text CHECK (result_sha256 ~ '^[0-9a-f]{64}$'),
        result_size bigint,
        result_format text,
        result_width integer,
        result_height integer,
        result_expires_at timestamptz,
        result_purged_at timestamptz,
        faces jsonb,
        timings jsonb,
        execution_provider text,
        error_code text,
        error_detail text,
        queued_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX job_org_created_idx ON job (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX job_org_owner_idx ON job (organization_id, owner_id, created_at DESC)`);
    await q.query(`CREATE INDEX job_active_idx ON job (organization_id, status) WHERE status IN ('queued', 'running')`);
    await q.query(`CREATE UNIQUE INDEX job_watermark_key ON job (watermark_payload)`);
    await q.query(
      `CREATE UNIQUE INDEX job_idempotency_key ON job (organization_id, owner_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX job_input_digests_idx ON job USING gin (input_digests)`);
    await q.query(`CREATE INDEX job_result_sha_idx ON job (result_sha256) WHERE result_sha256 IS NOT NULL`);
    await q.query(
      `CREATE INDEX job_result_expiry_idx ON job (result_expires_at) WHERE result_sha256 IS NOT NULL AND result_purged_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE job_usage (
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        day date NOT NULL,
        count integer NOT NULL DEFAULT 0 CHECK (count >= 0),
        PRIMARY KEY (organization_id, user_id, day)
      )`);
    await q.query(`ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check`);
    await q.query(`
      ALTER TABLE model ADD CONSTRAINT model_kind_check
        CHECK (kind IN ('face_detector', 'face_landmarker', 'face_recognizer', 'face_swapper')) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check`);
    await q.query(`DROP TABLE job_usage`);
    await q.query(`DROP TABLE job`);
    await q.query(`
      ALTER TABLE organization DROP COLUMN member_daily_inference_quota, DROP COLUMN timezone,
        DROP COLUMN result_retention_days`);
  }
}
