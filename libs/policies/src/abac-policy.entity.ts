import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PolicyConditions } from './abac.js';
import type { PolicyPrincipals } from './ability.factory.js';

/** An organization's attribute-based rule: allow or deny `actions` to `principals` under `conditions`. */
@Entity({ name: 'abac_policy' })
export class AbacPolicyEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'description', type: 'text', default: '' })
  description: string;

  @Column({ name: 'effect', type: 'text' })
  effect: 'allow' | 'deny';

  @Column({ name: 'actions', type: 'text', array: true })
  actions: string[];

  @Column({ name: 'principals', type: 'jsonb' })
  principals: PolicyPrincipals;

  @Column({ name: 'conditions', type: 'jsonb', default: {} })
  conditions: PolicyConditions;

  @Column({ name: 'enabled', type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
