import { Injectable, Logger } from '@nestjs/common';
import { AuditActions, AuditService, isAuditAction } from '#libs/audit';
import { contextOf, type ContextRequest } from '#libs/common';

/**
 * The one place that records refused requests, once each, from the problem the API answered (set
 * by the problem filter). A refusal that describes itself (a guard or service attached a
 * RefusalAudit to its error: the permission, the resource) is recorded as described. Otherwise
 * every authorization denial of an authenticated caller is: 403 answers and the 404s that hide a
 * denial (anything on an organization route but an unknown route). Buffered unless the refusal
 * asks otherwise: denials are reads, and probing must not slow down or fail because of the audit
 * write. Called by the API's one `onSend` hook for answers that carry a problem.
 */
@Injectable()
export class DenialRecorder {
  private readonly logger = new Logger('DenialRecorder');

  constructor(private readonly audit: AuditService) {}

  async inspect(request: ContextRequest): Promise<void> {
    const problem = request.problem;
    if (!problem) return;
    const ctx = contextOf(request);
    const orgId = request.params?.orgId;
    const scoped = orgId ? ctx.forOrganization(orgId) : ctx;
    const route = `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`;
    const { refusal } = problem;
    if (refusal) {
      const { immediate, action, ...event } = refusal;
      // Errors live below the audit module, so their action is a string: it must be in the catalogue.
      if (!isAuditAction(action)) {
        this.logger.error({ action, route }, 'A refusal named an unknown audit action');
        return;
      }
      const input = { ...event, action, outcome: 'denied' as const };
      if (!immediate) return this.audit.recordBuffered(scoped, input);
      await this.audit
        .record(scoped, input)
        .catch((error: unknown) => this.logger.error({ err: error, route }, 'Recording a refusal failed'));
      return;
    }
    const { status, code } = problem;
    if (status !== 403 && status !== 404) return;
    if (ctx.actor.type === 'anonymous' || code === 'route_not_found') return;
    if (status === 404 && !orgId) return;
    this.audit.recordBuffered(scoped, {
      action: AuditActions.authorizationDenied,
      outcome: 'denied',
      resourceType: 'route',
      resourceId: route,
      details: { status, code, params: request.params },
    });
  }
}
