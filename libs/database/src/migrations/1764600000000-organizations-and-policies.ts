import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants and everything the policy engine reads: organizations, roles, memberships, projects,
 * invitations, per-model grants and ABAC policies. Also ties identity's API keys to their
 * organization and project. `model_grant.model_id` is tied to the registry's table by its own
 * migration.
 */
export class OrganizationsAndPolicies1764600000000 implements MigrationInterface {
  name = 'OrganizationsAndPolicies1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organization (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        slug text NOT NULL,
        allowed_ip_ranges text[] NOT NULL DEFAULT '{}',
        mfa_required_roles text[] NOT NULL DEFAULT '{admin}',
        daily_inference_quota integer,
        concurrent_job_limit integer,
        audit_retention_days integer NOT NULL DEFAULT 365,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organization_slug_key UNIQUE (slug)
      )`);
    await q.query(`
      CREATE TABLE role (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        built_in boolean NOT NULL DEFAULT false,
        permissions text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT role_org_name_key UNIQUE (organization_id, name)
      )`);
    await q.query(`
      CREATE TABLE membership (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
        role_id uuid NOT NULL REFERENCES role(id) ON DELETE RESTRICT,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT membership_org_user_key UNIQUE (organization_id, user_id)
      )`);
    await q.query(`CREATE INDEX membership_user_idx ON membership (user_id)`);
    await q.query(`
      CREATE TABLE project (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        name text NOT NULL,
        slug text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT project_org_slug_key UNIQUE (organization_id, slug)
      )`);
    await q.query(`
      CREATE TABLE project_member (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        project_id uuid NOT NULL REFERENCES project(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,
        role_id uuid NOT NULL REFERENCES role(id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT project_member_project_user_key UNIQUE (project_id, user_id)
      )`);
    await q.query(`CREATE INDEX project_member_user_idx ON project_member (organization_id, user_id)`);
    await q.query(`
      CREATE TABLE invitation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        email text NOT NULL,
        role_id uuid NOT NULL REFERENCES role(id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        invited_by uuid,
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT invitation_token_hash_key UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX invitation_org_email_idx ON invitation (organization_id, lower(email))`);
    await q.query(`
      CREATE TABLE model_grant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        model_id uuid NOT NULL,
        principal_type text NOT NULL CHECK (principal_type IN ('user', 'role', 'project')),
        principal_id uuid NOT NULL,
        actions text[] NOT NULL,
        conditions jsonb NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX model_grant_org_principal_idx ON model_grant (organization_id, principal_type, principal_id)`,
    );
    await q.query(`CREATE INDEX model_grant_model_idx ON model_grant (model_id)`);
    await q.query(`
      CREATE TABLE abac_policy (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        effect text NOT NULL CHECK (effect IN ('allow', 'deny')),
        actions text[] NOT NULL,
        principals jsonb NOT NULL,
        conditions jsonb NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX abac_policy_org_idx ON abac_policy (organization_id)`);
    await q.query(`
      ALTER TABLE api_key
        ADD CONSTRAINT api_key_organization_fk FOREIGN KEY (organization_id) REFERENCES organization(id) ON DELETE CASCADE,
        ADD CONSTRAINT api_key_project_fk FOREIGN KEY (project_id) REFERENCES project(id) ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_key DROP CONSTRAINT api_key_project_fk, DROP CONSTRAINT api_key_organization_fk`);
    for (const table of [
      'abac_policy',
      'model_grant',
      'invitation',
      'project_member',
      'project',
      'membership',
      'role',
      'organization',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
