import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on (OpenID Connect): organizations' own providers (client secret sealed with the
 * secrets key), the identities that link a provider's subject to an account, an organization's
 * "SSO required" setting, and the authentication methods of each session (so a refreshed session
 * keeps saying how it was opened, e.g. by a provider that did MFA).
 */
export class SingleSignOn1765700000000 implements MigrationInterface {
  name = 'SingleSignOn1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE oidc_provider (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
        slug text NOT NULL,
        name text NOT NULL,
        issuer text NOT NULL,
        client_id text NOT NULL,
        client_secret_enc text,
        scopes text[] NOT NULL DEFAULT '{openid,email,profile}',
        email_claim text NOT NULL DEFAULT 'email',
        name_claim text NOT NULL DEFAULT 'name',
        groups_claim text NOT NULL DEFAULT 'groups',
        allowed_domains text[] NOT NULL DEFAULT '{}',
        role_mappings jsonb NOT NULL DEFAULT '[]',
        default_role text,
        mfa_amr_values text[] NOT NULL DEFAULT '{mfa}',
        mfa_acr_values text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES user_account (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT oidc_provider_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX oidc_provider_slug_uq ON oidc_provider (slug)`);
    await q.query(`CREATE INDEX oidc_provider_organization_idx ON oidc_provider (organization_id)`);
    await q.query(`
      CREATE TABLE user_identity (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES user_account (id) ON DELETE CASCADE,
        provider_id uuid REFERENCES oidc_provider (id) ON DELETE CASCADE,
        issuer text NOT NULL,
        subject text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_login_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX user_identity_issuer_subject_uq ON user_identity (issuer, subject)`);
    await q.query(`CREATE INDEX user_identity_user_idx ON user_identity (user_id)`);
    await q.query(`ALTER TABLE organization ADD COLUMN sso_required boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE auth_session ADD COLUMN amr text[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_session DROP COLUMN amr`);
    await q.query(`ALTER TABLE organization DROP COLUMN sso_required`);
    await q.query(`DROP TABLE user_identity`);
    await q.query(`DROP TABLE oidc_provider`);
  }
}
