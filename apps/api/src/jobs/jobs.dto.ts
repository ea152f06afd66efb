import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { z } from 'zod';
import { BadRequestError, MODEL_STAGES, PageQueryDto, type ModelStage } from '#libs/common';
import { FACE_MASK_REGIONS, FACE_MASK_TYPES, FACE_SELECTOR_ORDERS } from '#libs/inference';
import {
  JOB_PROCESSORS,
  JOB_STATUSES,
  type JobEntity,
  type JobOptions,
  type JobProcessor,
  type JobStatus,
  type ModelChoice,
  type ProcessorChoice,
} from '#libs/jobs';

const modelChoice = z
  .object({
    modelId: z.uuid(),
    version: z.number().int().min(1).max(2_147_483_647).optional(),
    stage: z.enum(MODEL_STAGES).optional(),
  })
  .strict()
  .refine((c) => c.version === undefined || c.stage === undefined, { message: 'give version or stage, not both' });

/**
 * One processor, as FaceFusion's `--processors` names them, alone or with its model and options:
 * `"face_enhancer"` or `{ "processor": "face_enhancer", "modelId"?, "version"|"stage"?, "blend"?, "weight"? }`.
 */
const processorStep = z.union([
  z.enum(JOB_PROCESSORS).transform((processor) => ({ processor })),
  z
    .object({
      processor: z.enum(JOB_PROCESSORS),
      modelId: z.uuid().optional(),
      version: z.number().int().min(1).max(2_147_483_647).optional(),
      stage: z.enum(MODEL_STAGES).optional(),
      blend: z.number().int().min(0).max(100).optional(),
      weight: z.number().min(0).max(1).optional(),
    })
    .strict()
    .refine((p) => p.version === undefined || p.stage === undefined, { message: 'give version or stage, not both' })
    .refine((p) => p.modelId !== undefined || (p.version === undefined && p.stage === undefined), {
      message: 'version and stage need a modelId',
    })
    .refine((p) => p.blend === undefined || p.processor !== 'face_swapper', {
      message: 'blend applies to the enhancers only',
    })
    .refine((p) => p.weight === undefined || p.processor === 'face_enhancer', {
      message: 'weight applies to face_enhancer only (CodeFormer’s fidelity)',
    }),
]);

const distinct = <T>(list: T[]) => new Set(list).size === list.length;

/** FaceFusion's face masker options; the occluder and parser default to the organization's production models. */
const faceMaskSchema = z
  .object({
    types: z
      .array(z.enum(FACE_MASK_TYPES))
      .min(1)
      .refine(distinct, { message: 'each mask type once' })
      .default(['box']),
    blur: z.number().min(0).max(1).optional(),
    padding: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]).optional(),
    regions: z.array(z.enum(FACE_MASK_REGIONS)).min(1).refine(distinct, { message: 'each region once' }).optional(),
    occluder: modelChoice.optional(),
    parser: modelChoice.optional(),
  })
  .strict()
  .refine((m) => m.padding === undefined || m.padding.every((p) => p >= 0 && p <= 100), {
    message: 'padding is four percentages from 0 to 100 (top, right, bottom, left)',
    path: ['padding'],
  })
  .refine((m) => m.occluder === undefined || m.types.includes('occlusion'), {
    message: 'occluder applies to the "occlusion" mask type only',
    path: ['occluder'],
  })
  .refine((m) => (m.parser === undefined && m.regions === undefined) || m.types.includes('region'), {
    message: 'parser and regions apply to the "region" mask type only',
    path: ['types'],
  });

/** The `options` part of a fusion request (JSON). Unknown keys are refused. */
export const fusionOptionsSchema = z
  .object({
    version: z.number().int().min(1).max(2_147_483_647).optional(),
    stage: z.enum(MODEL_STAGES).optional(),
    faceSelector: z.enum(['all', 'one', 'largest', 'reference']).default('all'),
    faceSelectorOrder: z.enum(FACE_SELECTOR_ORDERS).optional(),
    referenceFaceIndex: z.number().int().min(0).max(63).optional(),
    detectorAngles: z
      .array(z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]))
      .min(1)
      .max(4)
      .refine((a) => new Set(a).size === a.length, { message: 'each angle at most once' })
      .optional(),
    // FaceFusion's classifier-based filters: named so that asking for them gets a clear refusal.
    faceSelectorGender: z.unknown().optional(),
    faceSelectorAgeStart: z.unknown().optional(),
    faceSelectorAgeEnd: z.unknown().optional(),
    faceSelectorRace: z.unknown().optional(),
    detector: modelChoice.optional(),
    landmarker: modelChoice.optional(),
    recognizer: modelChoice.optional(),
    detectorScore: z.number().min(0.01).max(1).optional(),
    outputFormat: z.enum(['jpeg', 'png', 'webp']).optional(),
    outputQuality: z.number().int().min(1).max(100).optional(),
    processors: z
      .array(processorStep)
      .min(1)
      .max(JOB_PROCESSORS.length)
      .refine((list) => new Set(list.map((p) => p.processor)).size === list.length, {
        message: 'each processor may be listed once',
      })
      .optional(),
    faceMask: faceMaskSchema.optional(),
  })
  .strict()
  .refine((o) => o.version === undefined || o.stage === undefined, { message: 'give version or stage, not both' })
  .refine((o) => o.referenceFaceIndex === undefined || o.faceSelector === 'reference', {
    message: 'referenceFaceIndex applies to faceSelector "reference" only',
  })
  .refine((o) => o.faceSelectorOrder === undefined || o.faceSelector !== 'largest', {
    message: 'faceSelector "largest" has its own order; use "one" with faceSelectorOrder',
    path: ['faceSelectorOrder'],
  })
  .superRefine((o, ctx) => {
    for (const key of [
      'faceSelectorGender',
      'faceSelectorAgeStart',
      'faceSelectorAgeEnd',
      'faceSelectorRace',
    ] as const) {
      if (o[key] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${key} needs a face classifier model, which fusiongate does not run; it is not supported`,
        });
      }
    }
  });
export type FusionOptionsInput = z.infer<typeof fusionOptionsSchema>;

/** Parses the `options` JSON into job options and model choices; a problem names each bad field. */
export function parseFusionOptions(raw: string | undefined): {
  options: JobOptions;
  swapper: { version?: number; stage?: ModelStage };
  detector?: ModelChoice;
  landmarker?: ModelChoice;
  recognizer?: ModelChoice;
  processorModels?: ProcessorChoice[];
  occluder?: ModelChoice;
  parser?: ModelChoice;
} {
  let json: unknown = {};
  if (raw !== undefined && raw.trim() !== '') {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new BadRequestError({
        code: 'validation_failed',
        detail: 'options must be a JSON object.',
        extensions: { errors: [{ field: 'options', message: 'options must be a JSON object' }] },
      });
    }
  }
  const parsed = fusionOptionsSchema.safeParse(json);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => {
      const path = ['options', ...issue.path.map(String)];
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      return { field: keys.length ? `${path.join('.')}.${keys[0]}` : path.join('.'), message: issue.message };
    });
    throw new BadRequestError({
      code: 'validation_failed',
      detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      extensions: { errors },
    });
  }
  const o = parsed.data;
  const mask = o.faceMask;
  return {
    options: {
      faceSelector: o.faceSelector,
      ...(o.faceSelectorOrder ? { faceSelectorOrder: o.faceSelectorOrder } : {}),
      ...(o.referenceFaceIndex !== undefined ? { referenceFaceIndex: o.referenceFaceIndex } : {}),
      ...(o.detectorAngles ? { detectorAngles: o.detectorAngles } : {}),
      ...(o.detectorScore !== undefined ? { detectorScore: o.detectorScore } : {}),
      ...(o.outputFormat ? { outputFormat: o.outputFormat } : {}),
      ...(o.outputQuality !== undefined ? { outputQuality: o.outputQuality } : {}),
      ...(o.processors ? { processors: o.processors.map(toJobProcessor) } : {}),
      ...(mask
        ? {
            faceMask: {
              types: mask.types,
              ...(mask.blur !== undefined ? { blur: mask.blur } : {}),
              ...(mask.padding ? { padding: mask.padding } : {}),
              ...(mask.regions ? { regions: mask.regions } : {}),
            },
          }
        : {}),
    },
    swapper: { version: o.version, stage: o.stage },
    detector: o.detector,
    landmarker: o.landmarker,
    recognizer: o.recognizer,
    processorModels: o.processors?.map((p) => ({
      processor: p.processor,
      model: 'modelId' in p && p.modelId ? { modelId: p.modelId, version: p.version, stage: p.stage } : undefined,
    })),
    occluder: mask?.occluder,
    parser: mask?.parser,
  };
}

/** What a job keeps of a processor step: its name and options (its model goes to the job's models). */
function toJobProcessor(step: { processor: JobProcessor['processor']; blend?: number; weight?: number }): JobProcessor {
  if (step.processor === 'face_swapper') return { processor: 'face_swapper' };
  const blend = step.blend !== undefined ? { blend: step.blend } : {};
  if (step.processor === 'frame_enhancer') return { processor: 'frame_enhancer', ...blend };
  return { processor: 'face_enhancer', ...blend, ...(step.weight !== undefined ? { weight: step.weight } : {}) };
}

export class JobListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'The model in the submission path (swapper or enhancer).' })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Submitted by this user (job:read-all to see others).' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Submitted at or after.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Submitted before.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

export class FuseQueryDto {
  @ApiPropertyOptional({ minimum: 1, description: 'Swapper version number (default: the production version).' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  version?: number;

  @ApiPropertyOptional({ enum: MODEL_STAGES, description: 'Swapper stage to use (default production).' })
  @IsOptional()
  @IsIn(MODEL_STAGES)
  stage?: ModelStage;
}

class JobModelDto {
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiProperty() version: number;
  @ApiProperty({ enum: MODEL_STAGES }) stage: string;
  @ApiProperty() family: string;
  @ApiProperty() sha256: string;
}

class JobInputDto {
  @ApiProperty({ enum: ['source', 'target'] }) role: string;
  @ApiProperty() sha256: string;
  @ApiProperty() size: number;
  @ApiProperty() mediaType: string;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
}

class JobResultDto {
  @ApiProperty() sha256: string;
  @ApiProperty() size: number;
  @ApiProperty({ enum: ['jpeg', 'png', 'webp', 'mp4'] }) format: string;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expiresAt: string | null;
  @ApiProperty({ description: 'True once deleted by the result retention.' }) purged: boolean;
  @ApiProperty({
    enum: ['embedded', 'none'],
    description: 'Whether the image carries the job’s watermark (none below 512 px long side or 288 px short side).',
  })
  watermark: 'embedded' | 'none';
  @ApiProperty({ nullable: true, type: String, description: 'Why the image carries no watermark.' })
  watermarkReason: string | null;
}

class JobErrorDto {
  @ApiProperty({ example: 'no_source_face' }) code: string;
  @ApiProperty() detail: string;
}

class JobProgressDto {
  @ApiProperty() stage: string;
  @ApiProperty({ format: 'double', minimum: 0, maximum: 1, description: '0..1' }) percent: number;
}

class JobLinksDto {
  @ApiProperty() self: string;
  @ApiProperty() events: string;
  @ApiProperty() result: string;
}

export class JobResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: JOB_STATUSES }) status: JobStatus;
  @ApiProperty({ description: '1 + your organization’s queued jobs ahead of this one; 0 once started.' })
  position: number;
  @ApiProperty({ type: JobProgressDto, nullable: true }) progress: JobProgressDto | null;
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectId: string | null;
  @ApiProperty({ format: 'uuid' }) ownerId: string;
  @ApiProperty({
    description:
      'Model version per pipeline role (swapper, detector, recognizer, landmarker, occluder, parser, faceEnhancer, frameEnhancer).',
  })
  models: Record<string, JobModelDto>;
  @ApiProperty() options: JobOptions;
  @ApiProperty({ type: [JobInputDto], description: 'Digests only; the images are deleted when the job ends.' })
  inputs: JobInputDto[];
  @ApiProperty({ type: JobResultDto, nullable: true }) result: JobResultDto | null;
  @ApiProperty({ type: JobErrorDto, nullable: true }) error: JobErrorDto | null;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'Faces found in the target, and whether each was swapped.',
  })
  faces: JobEntity['faces'];
  @ApiProperty({ nullable: true, type: Object, description: 'Milliseconds per stage.' })
  timings: Record<string, number> | null;
  @ApiProperty({ nullable: true, type: String, enum: ['cpu', 'cuda'] }) executionProvider: string | null;
  @ApiProperty() cancelRequested: boolean;
  @ApiProperty() attempt: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ type: JobLinksDto }) links: JobLinksDto;
}

export class JobPageDto {
  @ApiProperty({ type: [JobResponseDto] }) items: JobResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function jobLinks(job: Pick<JobEntity, 'id' | 'organizationId'>): JobLinksDto {
  const self = `/api/v1/orgs/${job.organizationId}/jobs/${job.id}`;
  return { self, events: `${self}/events`, result: `${self}/result` };
}

export function toJobResponse(
  job: JobEntity,
  extra: { position?: number; progress?: { stage: string; percent: number } | null } = {},
): JobResponseDto {
  return {
    id: job.id,
    status: job.status,
    position: extra.position ?? 0,
    progress:
      job.status === 'running'
        ? (extra.progress ?? null)
        : job.status === 'completed'
          ? { stage: 'done', percent: 1 }
          : null,
    modelId: job.modelId,
    projectId: job.projectId,
    ownerId: job.ownerId,
    models: Object.fromEntries(
      Object.entries(job.models).flatMap(([slot, m]) =>
        m
          ? [[slot, { modelId: m.modelId, version: m.version, stage: m.stage, family: m.family, sha256: m.sha256 }]]
          : [],
      ),
    ),
    options: job.options,
    inputs: job.inputs,
    result:
      job.status === 'completed' && job.resultSha256
        ? {
            sha256: job.resultSha256,
            size: job.resultSize ?? 0,
            format: job.resultFormat ?? 'png',
            width: job.resultWidth ?? 0,
            height: job.resultHeight ?? 0,
            expiresAt: job.resultExpiresAt?.toISOString() ?? null,
            purged: !!job.resultPurgedAt,
            watermark: job.watermark ?? 'embedded',
            watermarkReason: job.watermarkReason,
          }
        : null,
    error: job.errorCode ? { code: job.errorCode, detail: job.errorDetail ?? '' } : null,
    faces: job.faces,
    timings: job.timings,
    executionProvider: job.executionProvider,
    cancelRequested: job.cancelRequested,
    attempt: job.attempt,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    links: jobLinks(job),
  };
}

export class WatermarkJobDto {
  @ApiProperty({ format: 'uuid' }) jobId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiProperty() modelVersion: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}

export class WatermarkVideoDto {
  @ApiProperty({ description: 'Frames sampled evenly over the video.' }) framesChecked: number;
  @ApiProperty({ description: 'Sampled frames carrying the payload found.' }) framesMarked: number;
}

export class WatermarkDetectionDto {
  @ApiProperty({ description: 'Whether the image carries a fusiongate watermark.' }) watermarked: boolean;
  @ApiProperty({ nullable: true, type: Number, format: 'double', description: '0..1 agreement of the decoded signal.' })
  confidence: number | null;
  @ApiProperty({
    type: WatermarkJobDto,
    nullable: true,
    description: 'The job that made it, when that job belongs to this organization.',
  })
  job: WatermarkJobDto | null;
  @ApiPropertyOptional({
    type: WatermarkVideoDto,
    description: 'For a video: how many sampled frames were read and how many carry the payload found.',
  })
  video?: WatermarkVideoDto;
}
