import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AuditActions, AuditService } from '#libs/audit';
import type { ContextRequest } from '#libs/common';

/**
 * Records every authorization denial of an authenticated caller, from one place: 403 answers and
 * the 404s that hide a denial (anything on an organization route but an unknown route), unless a
 * guard or service already recorded a more specific denial for the request. Buffered:
 * denials are reads, and probing must not slow down or fail because of the audit write.
 */
@Injectable()
export class DenialRecorder implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', async (request, reply: FastifyReply, payload) => {
      this.inspect(request as ContextRequest, reply, payload);
      return payload;
    });
  }

  private inspect(request: ContextRequest, reply: FastifyReply, payload: unknown): void {
    const status = reply.statusCode;
    if (status !== 403 && status !== 404) return;
    const ctx = request.ctx;
    if (!ctx || ctx.actor.type === 'anonymous' || this.audit.hasDenial(ctx.requestId)) return;
    const code = problemCode(payload);
    if (code === 'route_not_found') return;
    const orgId = request.params?.orgId;
    if (status === 404 && !orgId) return;
    const route = request.routeOptions?.url ?? request.url.split('?')[0];
    this.audit.recordBuffered(orgId ? ctx.forOrganization(orgId) : ctx, {
      action: AuditActions.authorizationDenied,
      outcome: 'denied',
      resourceType: 'route',
      resourceId: `${request.method} ${route}`,
      details: { status, code, params: request.params },
    });
  }
}

function problemCode(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 10_000) return undefined;
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
