import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuditReadService } from '#libs/audit';
import { Ctx, PageQueryDto, RequestContext } from '#libs/common';
import {
  AlertPageResponseDto,
  AuditExportQueryDto,
  AuditListQueryDto,
  AuditPageResponseDto,
  toAlertResponse,
  toAuditEventResponse,
  toExportFile,
  toFilter,
  toVerifyResponse,
  VerifyResponseDto,
} from './audit.dto.js';
import { Allow } from '../auth/allow.decorator.js';

@ApiTags('audit')
@Controller('orgs/:orgId')
export class AuditController {
  constructor(private readonly reads: AuditReadService) {}

  @Get('audit')
  @Allow({ permission: 'audit:read' })
  @ApiOperation({ summary: 'Audit events of the organization, newest first, filtered and paginated' })
  @ApiOkResponse({ type: AuditPageResponseDto })
  async list(@Ctx() ctx: RequestContext, @Query() q: AuditListQueryDto): Promise<AuditPageResponseDto> {
    const page = await this.reads.list(ctx, toFilter(q), q);
    return { items: page.items.map(toAuditEventResponse), nextCursor: page.nextCursor };
  }

  @Get('audit/export')
  @Allow({ permission: 'audit:export' })
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Stream the audit trail as JSON Lines or CSV (oldest first); the export is itself audited',
  })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({
    description: 'One event per line.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
  })
  async export(@Ctx() ctx: RequestContext, @Query() q: AuditExportQueryDto): Promise<StreamableFile> {
    return toExportFile(await this.reads.export(ctx, toFilter(q), q.format));
  }

  @Get('audit/verify')
  @Allow({ permission: 'audit:read' })
  @ApiOperation({ summary: 'Recompute the organization’s hash chain and report the first broken or missing event' })
  @ApiOkResponse({ type: VerifyResponseDto })
  async verify(@Ctx() ctx: RequestContext): Promise<VerifyResponseDto> {
    return toVerifyResponse(await this.reads.verify(ctx));
  }

  @Get('alerts')
  @Allow({ permission: 'audit:read' })
  @ApiOperation({ summary: 'Security alerts raised for the organization, newest first' })
  @ApiOkResponse({ type: AlertPageResponseDto })
  async alertsList(@Ctx() ctx: RequestContext, @Query() q: PageQueryDto): Promise<AlertPageResponseDto> {
    const page = await this.reads.listAlerts(ctx, q);
    return { items: page.items.map(toAlertResponse), nextCursor: page.nextCursor };
  }
}
