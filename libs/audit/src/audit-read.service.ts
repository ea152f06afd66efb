import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import type { Page } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { AlertService, type AlertRecord } from './alerts/alert.service.js';
import { AuditQueryService, type AuditFilter, type ExportFormat } from './audit-query.service.js';
import { AuditVerifier, type VerifyReport } from './audit-verifier.js';
import { AuditService } from './audit.service.js';
import { AuditActions, type AuditEventRecord } from './audit.types.js';

/** A started export: the stream of lines and what names the file. */
export interface AuditExport {
  organizationId: string;
  format: ExportFormat;
  startedAt: Date;
  /** JSONL or CSV lines, fetched in batches as the consumer reads. */
  stream: Readable;
}

/**
 * The audit trail of `ctx.organizationId` as read by someone (the HTTP API): each list, export
 * and verification is itself audited. Schedulers and the CLI act for no one and call
 * AuditQueryService and AuditVerifier with an organization id.
 */
@Injectable()
export class AuditReadService {
  constructor(
    private readonly audit: AuditService,
    private readonly query: AuditQueryService,
    private readonly verifier: AuditVerifier,
    private readonly alerts: AlertService,
  ) {}

  /** Events newest first, `limit` per page; the read is recorded (buffered). */
  async list(
    ctx: RequestContext,
    filter: AuditFilter,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<AuditEventRecord>> {
    const organizationId = organizationOf(ctx);
    const events = await this.query.list(organizationId, filter, page);
    this.audit.recordBuffered(ctx, {
      action: AuditActions.auditRead,
      resourceType: 'audit_trail',
      resourceId: organizationId,
    });
    return events;
  }

  /**
   * Records the export, then returns its stream (oldest first). The event is written before the
   * first line, so an export cut short is still in the trail, and it counts towards bulk-export alerts.
   */
  async export(ctx: RequestContext, filter: AuditFilter, format: ExportFormat = 'jsonl'): Promise<AuditExport> {
    const organizationId = organizationOf(ctx);
    await this.audit.record(ctx, {
      action: AuditActions.auditExported,
      resourceType: 'audit_trail',
      resourceId: organizationId,
      details: { format, filter },
    });
    return {
      organizationId,
      format,
      startedAt: new Date(),
      stream: this.query.exportStream(organizationId, filter, format),
    };
  }

  /** Recomputes the organization's chain; the verification and its result are recorded (buffered). */
  async verify(ctx: RequestContext): Promise<VerifyReport> {
    const organizationId = organizationOf(ctx);
    const report = await this.verifier.verify(organizationId);
    this.audit.recordBuffered(ctx, {
      action: AuditActions.auditVerified,
      resourceType: 'audit_trail',
      resourceId: organizationId,
      details: { ok: report.ok, firstBrokenSeq: report.firstBrokenSeq },
    });
    return report;
  }

  /** Alerts raised for the organization, newest first. */
  listAlerts(ctx: RequestContext, page: { limit?: number; cursor?: string }): Promise<Page<AlertRecord>> {
    return this.alerts.list(organizationOf(ctx), page);
  }
}

/** The organization the context is scoped to; a malformed id names no organization. */
function organizationOf(ctx: RequestContext): string {
  if (!isUuid(ctx.organizationId)) {
    throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
  }
  return ctx.organizationId;
}
