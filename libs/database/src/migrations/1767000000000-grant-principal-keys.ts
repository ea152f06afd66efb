import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A model grant names its principal by a real foreign key: exactly one of `grantee_user_id` (a
 * member of the grant's organization), `grantee_role_id` or `grantee_project_id` (of the same
 * organization). Each key is composite with `organization_id`, so the database itself refuses a
 * principal of another organization, and deleting the membership, role or project deletes its
 * grants (ON DELETE CASCADE). Existing rows move to the new columns; rows whose principal no
 * longer exists granted nothing and are dropped.
 */
export class GrantPrincipalKeys1767000000000 implements MigrationInterface {
  name = 'GrantPrincipalKeys1767000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE role ADD CONSTRAINT role_org_id_key UNIQUE (organization_id, id)`);
    await q.query(`ALTER TABLE project ADD CONSTRAINT project_org_id_key UNIQUE (organization_id, id)`);
    await q.query(`
      ALTER TABLE model_grant
        ADD COLUMN grantee_user_id uuid,
        ADD COLUMN grantee_role_id uuid,
        ADD COLUMN grantee_project_id uuid`);
    await q.query(`
      UPDATE model_grant SET
        grantee_user_id = CASE WHEN principal_type = 'user' THEN principal_id END,
        grantee_role_id = CASE WHEN principal_type = 'role' THEN principal_id END,
        grantee_project_id = CASE WHEN principal_type = 'project' THEN principal_id END`);
    await q.query(`
      DELETE FROM model_grant g
       WHERE (g.grantee_user_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM membership m WHERE m.organization_id = g.organization_id AND m.user_id = g.grantee_user_id))
          OR (g.grantee_role_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM role r WHERE r.organization_id = g.organization_id AND r.id = g.grantee_role_id))
          OR (g.grantee_project_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM project p WHERE p.organization_id = g.organization_id AND p.id = g.grantee_project_id))`);
    await q.query(`
      ALTER TABLE model_grant
        DROP COLUMN principal_type,
        DROP COLUMN principal_id,
        ADD CONSTRAINT model_grant_one_principal
          CHECK (num_nonnulls(grantee_user_id, grantee_role_id, grantee_project_id) = 1),
        ADD CONSTRAINT model_grant_user_fk FOREIGN KEY (organization_id, grantee_user_id)
          REFERENCES membership (organization_id, user_id) ON DELETE CASCADE,
        ADD CONSTRAINT model_grant_role_fk FOREIGN KEY (organization_id, grantee_role_id)
          REFERENCES role (organization_id, id) ON DELETE CASCADE,
        ADD CONSTRAINT model_grant_project_fk FOREIGN KEY (organization_id, grantee_project_id)
          REFERENCES project (organization_id, id) ON DELETE CASCADE`);
    await q.query(
      `CREATE INDEX model_grant_user_idx ON model_grant (organization_id, grantee_user_id) WHERE grantee_user_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX model_grant_role_idx ON model_grant (organization_id, grantee_role_id) WHERE grantee_role_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX model_grant_project_idx ON model_grant (organization_id, grantee_project_id) WHERE grantee_project_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE model_grant
        ADD COLUMN principal_type text CHECK (principal_type IN ('user', 'role', 'project')),
        ADD COLUMN principal_id uuid`);
    await q.query(`
      UPDATE model_grant SET
        principal_type = CASE WHEN grantee_user_id IS NOT NULL THEN 'user'
                              WHEN grantee_role_id IS NOT NULL THEN 'role' ELSE 'project' END,
        principal_id = coalesce(grantee_user_id, grantee_role_id, grantee_project_id)`);
    await q.query(`
      ALTER TABLE model_grant
        ALTER COLUMN principal_type SET NOT NULL,
        ALTER COLUMN principal_id SET NOT NULL,
        DROP COLUMN grantee_user_id,
        DROP COLUMN grantee_role_id,
        DROP COLUMN grantee_project_id`);
    await q.query(
      `CREATE INDEX model_grant_org_principal_idx ON model_grant (organization_id, principal_type, principal_id)`,
    );
    await q.query(`ALTER TABLE project DROP CONSTRAINT project_org_id_key`);
    await q.query(`ALTER TABLE role DROP CONSTRAINT role_org_id_key`);
  }
}
