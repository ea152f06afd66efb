import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { IoSignature } from '../artifact/onnx-inspect.js';

import { MODEL_STAGES, type ModelStage } from '#libs/common/vocabulary';

export { MODEL_STAGES };
export type { ModelStage };
export type VersionStatus = 'ready' | 'rejected';

/** A numbered upload of a model's weights; `sha256` names its blob. Rejected uploads keep their reason. */
@Entity({ name: 'model_version' })
export class ModelVersionEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'version', type: 'integer' })
  version: number;

  @Column({ name: 'stage', type: 'text', default: 'draft' })
  stage: ModelStage;

  @Column({ name: 'status', type: 'text' })
  status: VersionStatus;

  @Column({ name: 'sha256', type: 'text' })
  sha256: string;

  @Column({
    name: 'size_bytes',
    type: 'bigint',
    transformer: { to: (v: number) => v, from: (v: string | null) => (v === null ? v : Number(v)) },
  })
  sizeBytes: number;

  @Column({ name: 'io_signature', type: 'jsonb', nullable: true })
  ioSignature: IoSignature | null;

  @Column({ name: 'opset', type: 'integer', nullable: true })
  opset: number | null;

  @Column({ name: 'ir_version', type: 'integer', nullable: true })
  irVersion: number | null;

  @Column({ name: 'rejection_code', type: 'text', nullable: true })
  rejectionCode: string | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ name: 'notes', type: 'text', default: '' })
  notes: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
