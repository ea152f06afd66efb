import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The model registry: models (per organization, optionally per project) and their numbered,
 * validated versions. Artifacts live in the blob store, named by `sha256`. Also ties the policy
 * engine's `model_grant.model_id` to `model`.
 */
export class ModelRegistry1764800000000 implements MigrationInterface {
  name = 'ModelRegistry1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        project_id uuid REFERENCES project(id) ON DELETE SET NULL,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        slug text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        kind text NOT NULL CHECK (kind IN ('face_detector', 'face_landmarker', 'face_recognizer',
          'face_swapper', 'face_enhancer', 'frame_enhancer')),
        family text NOT NULL CHECK (family ~ '^[a-z0-9_]{1,40}$'),
        description text NOT NULL DEFAULT '',
        labels text[] NOT NULL DEFAULT '{}',
        licence text NOT NULL DEFAULT '',
        redistribution_allowed boolean NOT NULL DEFAULT false,
        export_override boolean NOT NULL DEFAULT false,
        owner_id uuid REFERENCES user_account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_org_slug_key UNIQUE (organization_id, slug)
      )`);
    await q.query(`CREATE INDEX model_org_created_idx ON model (organization_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX model_project_idx ON model (project_id) WHERE project_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE model_version (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        model_id uuid NOT NULL REFERENCES model(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        stage text NOT NULL DEFAULT 'draft' CHECK (stage IN ('draft', 'staging', 'production', 'archived')),
        status text NOT NULL CHECK (status IN ('ready', 'rejected')),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size_bytes bigint NOT NULL CHECK (size_bytes >= 0),
        io_signature jsonb,
        opset integer,
        ir_version integer,
        rejection_code text,
        rejection_reason text,
        notes text NOT NULL DEFAULT '',
        created_by uuid REFERENCES user_account(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_version_number_key UNIQUE (model_id, version),
        CONSTRAINT model_version_rejected_is_draft CHECK (status = 'ready' OR stage = 'draft')
      )`);
    // One production version per model, enforced by the database as well as the service.
    await q.query(
      `CREATE UNIQUE INDEX model_version_one_production_idx ON model_version (model_id) WHERE stage = 'production'`,
    );
    await q.query(`CREATE INDEX model_version_sha256_idx ON model_version (sha256)`);
    await q.query(
      `ALTER TABLE model_grant ADD CONSTRAINT model_grant_model_fk FOREIGN KEY (model_id) REFERENCES model(id) ON DELETE CASCADE`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model_grant DROP CONSTRAINT model_grant_model_fk`);
    await q.query(`DROP TABLE model_version`);
    await q.query(`DROP TABLE model`);
  }
}
