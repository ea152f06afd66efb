import { StreamableFile } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDateTime, PageQueryDto } from '#libs/common';
import type { AlertRecord, AuditEventRecord, AuditExport, AuditFilter, ChainProblem, VerifyReport } from '#libs/audit';

const OUTCOMES = ['allowed', 'denied', 'failed'] as const;

/** Filters shared by the list and the export. */
export class AuditFilterDto {
  @ApiPropertyOptional({ description: 'Actor id (user id, API key id or system name).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorId?: string;

  @ApiPropertyOptional({ description: 'Exact action, or a prefix ending in `.*`.', example: 'model.*' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ example: 'model' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  resourceId?: string;

  @ApiPropertyOptional({ enum: OUTCOMES })
  @IsOptional()
  @IsIn(OUTCOMES)
  outcome?: (typeof OUTCOMES)[number];

  @ApiPropertyOptional({
    description: 'Events at or after this instant (ISO 8601).',
    type: String,
    format: 'date-time',
  })
  @IsOptional()
  @IsDateTime()
  from?: Date;

  @ApiPropertyOptional({ description: 'Events before this instant (ISO 8601).', type: String, format: 'date-time' })
  @IsOptional()
  @IsDateTime()
  to?: Date;
}

export class AuditListQueryDto extends IntersectionType(PageQueryDto, AuditFilterDto) {}

export class AuditExportQueryDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' })
  @IsOptional()
  @IsIn(['jsonl', 'csv'])
  format?: 'jsonl' | 'csv';
}

export function toFilter(q: AuditFilterDto): AuditFilter {
  return {
    actorId: q.actorId,
    action: q.action,
    resourceType: q.resourceType,
    resourceId: q.resourceId,
    outcome: q.outcome,
    from: q.from,
    to: q.to,
  };
}

/** The export as a download: JSONL or CSV, named after the organization and when it started. */
export function toExportFile(e: AuditExport): StreamableFile {
  const stamp = e.startedAt.toISOString().replace(/[:.]/g, '-');
  return new StreamableFile(e.stream, {
    type: e.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    disposition: `attachment; filename="audit-${e.organizationId}-${stamp}.${e.format}"`,
  });
}

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'api_key', 'system', 'anonymous'] }) type: string;
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) userId: string | null;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
}

export class AuditEventResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'Position in the organization’s chain, from 1; null until the event is linked (right after it commits).',
  })
  seq: number | null;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'model.update' }) action: string;
  @ApiProperty({ nullable: true, type: String }) resourceType: string | null;
  @ApiProperty({ nullable: true, type: String }) resourceId: string | null;
  @ApiProperty({ enum: OUTCOMES }) outcome: string;
  @ApiProperty({ nullable: true, type: String }) ip: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent: string | null;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, description: 'SHA-256 of the previous event (hex); null until linked.' })
  prevHash: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'SHA-256 over this event’s canonical content and prevHash (hex); null until linked.',
  })
  hash: string | null;
}

export class AuditPageResponseDto {
  @ApiProperty({ type: [AuditEventResponseDto] }) items: AuditEventResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toAuditEventResponse(e: AuditEventRecord): AuditEventResponseDto {
  return {
    id: e.id,
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actor: { ...e.actor },
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    outcome: e.outcome,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    details: e.details,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export class VerifyResponseDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() checkedEvents: number;
  @ApiProperty({ nullable: true, type: Number }) firstSeq: number | null;
  @ApiProperty({ nullable: true, type: Number }) lastSeq: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Events up to here were removed by retention.' })
  prunedThroughSeq: number | null;
  @ApiProperty({ description: 'Signed checkpoints checked.' }) checkpoints: number;
  @ApiProperty({ description: 'Events committed but not yet linked into the chain: not checked yet, and no break.' })
  pending: number;
  @ApiProperty({ nullable: true, type: Number, description: 'The first broken or missing sequence number.' })
  firstBrokenSeq: number | null;
  @ApiProperty({
    nullable: true,
    enum: [
      'missing',
      'hash_mismatch',
      'prev_hash_mismatch',
      'unexpected_event',
      'checkpoint_mismatch',
      'checkpoint_signature_invalid',
      'head_mismatch',
      'checkpoint_missing',
      'checkpoint_overdue',
      'chain_missing',
      'anchor_mismatch',
    ],
  })
  problem: ChainProblem | null;
  @ApiProperty() detail: string;
}

export function toVerifyResponse(r: VerifyReport): VerifyResponseDto {
  return {
    ok: r.ok,
    checkedEvents: r.checkedEvents,
    firstSeq: r.firstSeq,
    lastSeq: r.lastSeq,
    prunedThroughSeq: r.prunedThroughSeq,
    checkpoints: r.checkpoints,
    pending: r.pending,
    firstBrokenSeq: r.firstBrokenSeq,
    problem: r.problem,
    detail: r.detail,
  };
}

export class AlertResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    enum: [
      'bulk_export',
      'denial_burst',
      'login_failures_many_accounts',
      'off_hours_access',
      'deny_policy_removed',
      'audit_checkpoints_missing',
    ],
  })
  rule: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) severity: string;
  @ApiProperty() summary: string;
  @ApiProperty({ nullable: true, type: String }) actorId: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Actor or IP address the rule counted.' })
  subject: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The event that raised the alert.' })
  eventId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AlertPageResponseDto {
  @ApiProperty({ type: [AlertResponseDto] }) items: AlertResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export function toAlertResponse(a: AlertRecord): AlertResponseDto {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    summary: a.summary,
    actorId: a.actorId,
    subject: a.subject,
    details: a.details,
    eventId: a.eventId,
    createdAt: a.createdAt.toISOString(),
  };
}
