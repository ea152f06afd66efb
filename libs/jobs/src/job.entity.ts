import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ModelFamily, ModelKind, ModelStage } from '#libs/common/vocabulary';
import type { SerializedRequestContext } from '#libs/common';

export const JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/** The pipeline slots a job fills with model versions, and the kind of model each takes. */
export const MODEL_SLOT_KINDS = {
  swapper: 'face_swapper',
  detector: 'face_detector',
  landmarker: 'face_landmarker',
  recognizer: 'face_recognizer',
  faceEnhancer: 'face_enhancer',
  frameEnhancer: 'frame_enhancer',
  occluder: 'face_occluder',
  parser: 'face_parser',
} as const satisfies Record<string, ModelKind>;
export type ModelSlot = keyof typeof MODEL_SLOT_KINDS;

/** The processors a job can chain (FaceFusion's `--processors`), and the model slot each runs. */
export const PROCESSOR_SLOTS = {
  face_swapper: 'swapper',
  face_enhancer: 'faceEnhancer',
  frame_enhancer: 'frameEnhancer',
} as const satisfies Record<string, ModelSlot>;
export type JobProcessorName = keyof typeof PROCESSOR_SLOTS;
export const JOB_PROCESSORS = Object.keys(PROCESSOR_SLOTS) as JobProcessorName[];

/** One processor of a job, in order; its model version is in the job's models under its slot. */
export type JobProcessor =
  | { processor: 'face_swapper' }
  | { processor: 'face_enhancer'; blend?: number; weight?: number }
  | { processor: 'frame_enhancer'; blend?: number };

/** The model version resolved for one slot when the job was accepted. */
export interface JobModelVersion {
  modelId: string;
  versionId: string;
  version: number;
  stage: ModelStage;
  sha256: string;
  sizeBytes: number;
  kind: ModelKind;
  family: ModelFamily;
}
/** Model versions by slot: a swap fills swapper, detector and recognizer; enhancers their own slots. */
export type JobModels = Partial<Record<ModelSlot, JobModelVersion>>;

/** One stored input image: its blob digest, size and sniffed media type. */
export interface JobInput {
  role: 'source' | 'target';
  sha256: string;
  size: number;
  mediaType: string;
  width: number;
  height: number;
  /** A video target's probe, as it was accepted. */
  video?: JobVideoInput;
}

/** What a job records of a video target (its frames are what the quota counts). */
export interface JobVideoInput {
  container: string;
  codec: string;
  frameCount: number;
  durationSeconds: number;
  /** `num/den`, the rate frames are read and written at. */
  frameRate: string;
  variableFrameRate: boolean;
  rotation: number;
  hasAudio: boolean;
}

/** A job's face mask settings (its occluder and parser models are in the job's models). */
export interface JobFaceMask {
  types: Array<'box' | 'occlusion' | 'region'>;
  blur?: number;
  padding?: [number, number, number, number];
  regions?: string[];
}

/** The fusion options of a job, as validated at submission. */
export interface JobOptions {
  faceMask?: JobFaceMask;
  faceSelector: 'all' | 'one' | 'largest' | 'reference';
  /** FaceFusion's face selector order (for `all`: swap order; `one` and `reference`: which face). */
  faceSelectorOrder?:
    | 'left-right'
    | 'right-left'
    | 'top-bottom'
    | 'bottom-top'
    | 'small-large'
    | 'large-small'
    | 'best-worst'
    | 'worst-best';
  referenceFaceIndex?: number;
  /** Also detect on the frame turned by these angles (FaceFusion's face_detector_angles). */
  detectorAngles?: Array<0 | 90 | 180 | 270>;
  detectorScore?: number;
  outputFormat?: 'jpeg' | 'png' | 'webp';
  outputQuality?: number;
  /** Processors in order; absent means a lone face swap. */
  processors?: JobProcessor[];
}

/** A fusion job: the row is the source of truth; the queue only carries its id. */
@Entity({ name: 'job' })
export class JobEntity {
  @PrimaryGeneratedColumn('uuid', { name: 'id' })
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'project_id', type: 'uuid', nullable: true })
  projectId: string | null;

  /** The user who submitted it (for an API key, the key's creator). */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  /** The submitter's context (actor, address, MFA), re-checked when the job starts. */
  @Column({ name: 'actor', type: 'jsonb' })
  actor: SerializedRequestContext;

  /** The model named in the submission's path: the swapper, or the enhancer of a processor-only job. */
  @Column({ name: 'model_id', type: 'uuid' })
  modelId: string;

  @Column({ name: 'status', type: 'text', default: 'queued' })
  status: JobStatus;

  @Column({ name: 'stage', type: 'text', nullable: true })
  stage: string | null;

  @Column({ name: 'progress', type: 'real', default: 0 })
  progress: number;

  /** Queue priority: 1 + the organization's jobs waiting ahead at submission (round-robin between tenants). */
  @Column({ name: 'priority', type: 'integer', default: 1 })
  priority: number;

  @Column({ name: 'models', type: 'jsonb' })
  models: JobModels;

  @Column({ name: 'options', type: 'jsonb' })
  options: JobOptions;

  @Column({ name: 'inputs', type: 'jsonb' })
  inputs: JobInput[];

  @Column({ name: 'input_digests', type: 'text', array: true })
  inputDigests: string[];

  /** SHA-256 over the model choice, options and input digests (idempotent retries must match it). */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /** The 64-bit payload embedded in the result (16 hex digits). */
  @Column({ name: 'watermark_payload', type: 'text' })
  watermarkPayload: string;

  /** Whether the result carries the watermark: `none` for images below the smallest supported size. */
  @Column({ name: 'watermark', type: 'text', nullable: true })
  watermark: 'embedded' | 'none' | null;

  /** Why the result carries no watermark. */
  @Column({ name: 'watermark_reason', type: 'text', nullable: true })
  watermarkReason: string | null;

  /** Id of the job's current entry in the Bull queue. */
  @Column({ name: 'queue_job_id', type: 'text' })
  queueJobId: string;

  /** Starts so far (a re-delivered job starts again with attempt + 1; older attempts cannot complete it). */
  @Column({ name: 'attempt', type: 'integer', default: 0 })
  attempt: number;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested: boolean;

  @Column({ name: 'result_sha256', type: 'text', nullable: true })
  resultSha256: string | null;

  @Column({
    name: 'result_size',
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? v : Number(v)) },
  })
  resultSize: number | null;

  @Column({ name: 'result_format', type: 'text', nullable: true })
  resultFormat: 'jpeg' | 'png' | 'webp' | 'mp4' | null;

  @Column({ name: 'result_width', type: 'integer', nullable: true })
  resultWidth: number | null;

  @Column({ name: 'result_height', type: 'integer', nullable: true })
  resultHeight: number | null;

  @Column({ name: 'result_expires_at', type: 'timestamptz', nullable: true })
  resultExpiresAt: Date | null;

  @Column({ name: 'result_purged_at', type: 'timestamptz', nullable: true })
  resultPurgedAt: Date | null;

  @Column({ name: 'faces', type: 'jsonb', nullable: true })
  faces: Array<{ box: { x1: number; y1: number; x2: number; y2: number }; score: number; swapped: boolean }> | null;

  @Column({ name: 'timings', type: 'jsonb', nullable: true })
  timings: Record<string, number> | null;

  @Column({ name: 'execution_provider', type: 'text', nullable: true })
  executionProvider: string | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ name: 'error_detail', type: 'text', nullable: true })
  errorDetail: string | null;

  @Column({ name: 'queued_at', type: 'timestamptz' })
  queuedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The attributes of a job the policy engine reads. */
export function jobRow(job: Pick<JobEntity, 'id' | 'organizationId' | 'projectId' | 'ownerId' | 'modelId'>) {
  return {
    id: job.id,
    organizationId: job.organizationId,
    projectId: job.projectId,
    ownerId: job.ownerId,
    modelId: job.modelId,
  };
}
