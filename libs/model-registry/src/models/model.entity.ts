import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ModelFamily, ModelKind } from '../artifact/model-families.js';

/** A registered model: metadata, licence and export policy. Its weights are its versions. */
@Entity({ name: 'model' })
export class ModelEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId: string | null;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'slug', type: 'text' })
  slug: string;

  @Column({ name: 'kind', type: 'text' })
  kind: ModelKind;

  @Column({ name: 'family', type: 'text' })
  family: ModelFamily;

  @Column({ name: 'description', type: 'text', default: '' })
  description: string;

  @Column({ name: 'labels', type: 'text', array: true, default: () => "'{}'" })
  labels: string[];

  @Column({ name: 'licence', type: 'text', default: '' })
  licence: string;

  /** Whether the licence lets the weights leave the platform (export). */
  @Column({ name: 'redistribution_allowed', type: 'boolean', default: false })
  redistributionAllowed: boolean;

  /** An administrator's per-model permission to export despite the licence. */
  @Column({ name: 'export_override', type: 'boolean', default: false })
  exportOverride: boolean;

  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
