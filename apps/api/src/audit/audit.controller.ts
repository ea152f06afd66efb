import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AlertService,
  AuditActions,
  AuditQueryService,
  AuditService,
  AuditVerifier,
} from '../../../../libs/audit/src/index.js';
import {
  Ctx,
  isUuid,
  NotFoundError,
  PageQueryDto,
  RequestContext,
  RequirePermission,
} from '../../../../libs/common/src/index.js';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';
import {
  AlertPageResponseDto,
  AuditExportQueryDto,
  AuditListQueryDto,
  AuditPageResponseDto,
  toAlertResponse,
  toAuditEventResponse,
  toFilter,
  toVerifyResponse,
  VerifyResponseDto,
} from './audit.dto.js';

@ApiTags('audit')
@ApiBearerAuth(BEARER_SCHEME)
@ApiSecurity(API_KEY_SCHEME)
@Controller('orgs/:orgId')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
    private readonly alerts: AlertService,
  ) {}

  @Get('audit')
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Audit events of the organization, newest first, filtered and paginated' })
  @ApiOkResponse({ type: AuditPageResponseDto })
  async list(@Ctx() ctx: RequestContext, @Query() q: AuditListQueryDto): Promise<AuditPageResponseDto> {
    const page = await this.query.list(org(ctx), toFilter(q), q);
    this.audit.recordBuffered(ctx, {
      action: 'audit.read',
      resourceType: 'audit_trail',
      resourceId: ctx.organizationId,
    });
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }

  @Get('audit/export')
  @RequirePermission('audit:export')
  @ApiOperation({
    summary: 'Stream the audit trail as JSON Lines or CSV (oldest first); the export is itself audited',
  })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'One event per line.' })
  async export(
    @Ctx() ctx: RequestContext,
    @Query() q: AuditExportQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const format = q.format ?? 'jsonl';
    const filter = toFilter(q);
    await this.audit.record(ctx, {
      action: AuditActions.auditExported,
      resourceType: 'audit_trail',
      resourceId: ctx.organizationId,
      details: { format, filter },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    void reply.header('cache-control', 'no-store');
    return new StreamableFile(this.query.exportStream(org(ctx), filter, format), {
      type: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      disposition: `attachment; filename="audit-${ctx.organizationId}-${stamp}.${format}"`,
    });
  }

  @Get('audit/verify')
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Recompute the organization’s hash chain and report the first broken or missing event' })
  @ApiOkResponse({ type: VerifyResponseDto })
  async verify(@Ctx() ctx: RequestContext): Promise<VerifyResponseDto> {
    const report = await this.verifier.verify(org(ctx));
    this.audit.recordBuffered(ctx, {
      action: 'audit.verify',
      resourceType: 'audit_trail',
      resourceId: ctx.organizationId,
      details: { ok: report.ok, firstBrokenSeq: report.firstBrokenSeq },
    });
    return toVerifyResponse(report);
  }

  @Get('alerts')
  @RequirePermission('audit:read')
  @ApiOperation({ summary: 'Security alerts raised for the organization, newest first' })
  @ApiOkResponse({ type: AlertPageResponseDto })
  async alertsList(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto): Promise<AlertPageResponseDto> {
    const page = await this.alerts.list(org(ctx), q);
    return { items: page.items.map(toAlertResponse), nextCursor: page.nextCursor };
  }
}

/** The organization of the route; a malformed id names no organization. */
function org(ctx: RequestContext): string {
  if (!isUuid(ctx.organizationId)) {
    throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
  }
  return ctx.organizationId;
}
