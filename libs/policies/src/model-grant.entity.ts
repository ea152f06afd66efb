import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ModelGrantAction } from '#libs/common';
import type { PolicyConditions } from './abac.js';

export type GrantPrincipalType = 'user' | 'role' | 'project';

/**
 * A per-model grant: a principal may do some of view/infer/test/edit/export/delete/grant on one
 * model. The principal is exactly one foreign key (a membership, a role or a project of the same
 * organization); the database deletes the grant with its principal. Private to the policy engine:
 * other code sees {@link ModelGrant}.
 */
@Entity({ name: 'model_grant' })
export class ModelGrantEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'grantee_user_id', type: 'uuid', nullable: true })
  granteeUserId: string | null;

  @Column({ name: 'grantee_role_id', type: 'uuid', nullable: true })
  granteeRoleId: string | null;

  @Column({ name: 'grantee_project_id', type: 'uuid', nullable: true })
  granteeProjectId: string | null;

  @Column({ name: 'actions', type: 'text', array: true })
  actions: ModelGrantAction[];

  @Column({ name: 'conditions', type: 'jsonb', default: {} })
  conditions: PolicyConditions;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A per-model grant as the policy engine hands it out. */
export interface ModelGrant {
  id: string;
  organizationId: string;
  modelId: string;
  principalType: GrantPrincipalType;
  principalId: string;
  actions: ModelGrantAction[];
  conditions: PolicyConditions;
  expiresAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
}

/** The grant's principal columns for a principal named by type and id. */
export function granteeColumns(
  type: GrantPrincipalType,
  id: string,
): Pick<ModelGrantEntity, 'granteeUserId' | 'granteeRoleId' | 'granteeProjectId'> {
  return {
    granteeUserId: type === 'user' ? id : null,
    granteeRoleId: type === 'role' ? id : null,
    granteeProjectId: type === 'project' ? id : null,
  };
}

export function toModelGrant(g: ModelGrantEntity): ModelGrant {
  const [principalType, principalId] = g.granteeUserId
    ? (['user', g.granteeUserId] as const)
    : g.granteeRoleId
      ? (['role', g.granteeRoleId] as const)
      : (['project', g.granteeProjectId!] as const);
  return {
    id: g.id,
    organizationId: g.organizationId,
    modelId: g.modelId,
    principalType,
    principalId,
    actions: g.actions,
    conditions: g.conditions,
    expiresAt: g.expiresAt,
    createdBy: g.createdBy,
    createdAt: g.createdAt,
  };
}
