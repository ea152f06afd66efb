import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ModelGrantAction } from '#libs/common';
import type { PolicyConditions } from './abac.js';

export type GrantPrincipalType = 'user' | 'role' | 'project';

/** A per-model grant: a principal may do some of view/infer/test/edit/export/delete/grant on one model. */
@Entity({ name: 'model_grant' })
export class ModelGrantEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'principal_type', type: 'text' })
  principalType: GrantPrincipalType;

  @Column({ name: 'principal_id', type: 'uuid' })
  principalId: string;

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
