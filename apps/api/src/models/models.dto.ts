import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { IsVisibleText, PageQueryDto } from '#libs/common';
import {
  MODEL_FAMILY_NAMES,
  MODEL_KINDS,
  MODEL_STAGES,
  type ModelEntity,
  type ModelFamily,
  type ModelKind,
  type ModelStage,
  type ModelVersionEntity,
} from '#libs/model-registry';

const LABEL_RE = /^[a-z0-9][a-z0-9:._-]{0,62}$/;

export class CreateModelDto {
  @ApiProperty({ example: 'InSwapper 128' })
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name: string;

  @ApiProperty({ example: 'inswapper-128', description: 'Unique in the organization: a-z, 0-9 and "-".' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'slug must be lower-case letters, digits and "-" (max 63)' })
  slug: string;

  @ApiProperty({ enum: MODEL_KINDS })
  @IsIn(MODEL_KINDS)
  kind: ModelKind;

  @ApiProperty({ enum: MODEL_FAMILY_NAMES, description: 'How the pipeline uses the model; must fit the kind.' })
  @IsIn(MODEL_FAMILY_NAMES)
  family: ModelFamily;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  projectId?: string | null;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ type: [String], example: ['swap', 'research'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(LABEL_RE, { each: true, message: 'labels are lower-case tokens (a-z 0-9 : . _ -)' })
  labels?: string[];

  @ApiPropertyOptional({ example: 'non-commercial research only', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  licence?: string;

  @ApiPropertyOptional({ description: 'Whether the licence lets the weights be exported. Default false.' })
  @IsOptional()
  @IsBoolean()
  redistributionAllowed?: boolean;
}

export class UpdateModelDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsVisibleText()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @Matches(LABEL_RE, { each: true, message: 'labels are lower-case tokens (a-z 0-9 : . _ -)' })
  labels?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  licence?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  redistributionAllowed?: boolean;

  @ApiPropertyOptional({ description: 'Administrators only (org:manage): allow export despite the licence.' })
  @IsOptional()
  @IsBoolean()
  exportOverride?: boolean;
}

export class ModelListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MODEL_KINDS })
  @IsOptional()
  @IsIn(MODEL_KINDS)
  kind?: ModelKind;

  @ApiPropertyOptional({ enum: MODEL_FAMILY_NAMES })
  @IsOptional()
  @IsIn(MODEL_FAMILY_NAMES)
  family?: ModelFamily;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(LABEL_RE)
  label?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  projectId?: string;
}

export class DeleteModelQueryDto {
  @ApiPropertyOptional({ description: "The model's slug; required when it has a production version." })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  confirm?: string;
}

export class UploadVersionQueryDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  notes?: string;
}

export class ChangeStageDto {
  @ApiProperty({ enum: MODEL_STAGES })
  @IsIn(MODEL_STAGES)
  stage: ModelStage;
}

export class ModelResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectId: string | null;
  @ApiProperty() name: string;
  @ApiProperty() slug: string;
  @ApiProperty({ enum: MODEL_KINDS }) kind: ModelKind;
  @ApiProperty({ enum: MODEL_FAMILY_NAMES }) family: ModelFamily;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) labels: string[];
  @ApiProperty() licence: string;
  @ApiProperty() redistributionAllowed: boolean;
  @ApiProperty() exportOverride: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) ownerId: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ModelPageDto {
  @ApiProperty({ type: [ModelResponseDto] }) items: ModelResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class TensorSignatureDto {
  @ApiProperty() name: string;
  @ApiProperty({ example: 'float' }) type: string;
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'integer' }, { type: 'string' }] },
    example: [1, 3, 128, 128],
    description: 'Fixed sizes, or the name of a symbolic dimension (null when unnamed).',
  })
  dims: (number | string | null)[];
}

export class IoSignatureDto {
  @ApiProperty({ type: [TensorSignatureDto] }) inputs: TensorSignatureDto[];
  @ApiProperty({ type: [TensorSignatureDto] }) outputs: TensorSignatureDto[];
}

export class ModelVersionResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) modelId: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ enum: MODEL_STAGES }) stage: ModelStage;
  @ApiProperty({ enum: ['ready', 'rejected'] }) status: 'ready' | 'rejected';
  @ApiProperty({ description: 'Lower-case hex SHA-256 of the artifact.' }) sha256: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ type: IoSignatureDto, nullable: true }) ioSignature: IoSignatureDto | null;
  @ApiProperty({ nullable: true, type: Number }) opset: number | null;
  @ApiProperty({ nullable: true, type: String, example: 'onnx_external_data' }) rejectionCode: string | null;
  @ApiProperty({ nullable: true, type: String }) rejectionReason: string | null;
  @ApiProperty() notes: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class ModelVersionListDto {
  @ApiProperty({ type: [ModelVersionResponseDto] }) items: ModelVersionResponseDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last.' })
  nextCursor: string | null;
}

export function toModelResponse(m: ModelEntity): ModelResponseDto {
  return {
    id: m.id,
    organizationId: m.organizationId,
    projectId: m.projectId,
    name: m.name,
    slug: m.slug,
    kind: m.kind,
    family: m.family,
    description: m.description,
    labels: m.labels,
    licence: m.licence,
    redistributionAllowed: m.redistributionAllowed,
    exportOverride: m.exportOverride,
    ownerId: m.ownerId,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export function toModelVersionResponse(v: ModelVersionEntity): ModelVersionResponseDto {
  return {
    id: v.id,
    modelId: v.modelId,
    version: v.version,
    stage: v.stage,
    status: v.status,
    sha256: v.sha256,
    sizeBytes: v.sizeBytes,
    ioSignature: v.ioSignature,
    opset: v.opset,
    rejectionCode: v.rejectionCode,
    rejectionReason: v.rejectionReason,
    notes: v.notes,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
  };
}
