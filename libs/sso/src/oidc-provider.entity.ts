import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One rule of an organization's directory: a claim value (usually a group) that gives a role. */
export interface RoleMapping {
  /** Claim holding the value (a string or an array of strings; dots reach nested claims). Default: the provider's groups claim. */
  claim?: string;
  value: string;
  /** Role name in the organization. */
  role: string;
}

/**
 * An organization's own OpenID Connect provider (Keycloak realm, Entra ID tenant, Okta, Google
 * Workspace). The client secret is sealed with the secrets key and never leaves the server.
 */
@Entity({ name: 'oidc_provider' })
export class OidcProviderEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  /** Unique across the installation: the `{provider}` of `/auth/oidc/{provider}/authorize`. */
  @Column({ name: 'slug', type: 'text' })
  slug: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'issuer', type: 'text' })
  issuer: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'client_secret_enc', type: 'text', nullable: true, select: false })
  clientSecretEnc: string | null;

  @Column({ name: 'scopes', type: 'text', array: true })
  scopes: string[];

  @Column({ name: 'email_claim', type: 'text' })
  emailClaim: string;

  @Column({ name: 'name_claim', type: 'text' })
  nameClaim: string;

  @Column({ name: 'groups_claim', type: 'text' })
  groupsClaim: string;

  /** Email domains whose accounts this provider may create or link (never empty for an organization). */
  @Column({ name: 'allowed_domains', type: 'text', array: true })
  allowedDomains: string[];

  /** First match wins; then `defaultRole`; no role at all ends the membership and refuses the sign-in. */
  @Column({ name: 'role_mappings', type: 'jsonb' })
  roleMappings: RoleMapping[];

  @Column({ name: 'default_role', type: 'text', nullable: true })
  defaultRole: string | null;

  /** `amr` values meaning the provider did multi-factor authentication. */
  @Column({ name: 'mfa_amr_values', type: 'text', array: true })
  mfaAmrValues: string[];

  /** `acr` values meaning the same. */
  @Column({ name: 'mfa_acr_values', type: 'text', array: true })
  mfaAcrValues: string[];

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
