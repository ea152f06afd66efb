import { Injectable } from '@nestjs/common';
import {
  describeRefusal,
  DomainError,
  ForbiddenError,
  InternalError,
  metrics,
  type ContextRequest,
  type RequestContext,
  type RoutePolicy,
} from '#libs/common';
import { PolicyService } from './policy.service.js';

/**
 * Route-level authorization of an authenticated caller, called by the API's one global guard after
 * authentication. Organization routes (`:orgId`) need a current membership (404 otherwise, so a
 * tenant's existence is never revealed), a request from the organization's allowed IP ranges, MFA
 * when the member's role requires it, and, for `@RequirePermission`, the route-level permission
 * (403 with `code` = the permission); platform-admin routes need a platform administrator.
 * Services then check the row. Returns the context scoped to the route's organization.
 */
@Injectable()
export class RouteAuthorizer {
  constructor(private readonly policies: PolicyService) {}

  async authorize(request: ContextRequest, ctx: RequestContext, policy: RoutePolicy): Promise<RequestContext> {
    if (policy.kind === 'platform-admin') {
      if (ctx.actor.type !== 'user' || !ctx.actor.isPlatformAdmin) {
        metrics.authzDecisions.inc({ level: 'route', permission: 'platform-admin', outcome: 'denied' });
        throw new ForbiddenError({
          code: 'platform_admin_required',
          detail: 'Only platform administrators may do this.',
        });
      }
      metrics.authzDecisions.inc({ level: 'route', permission: 'platform-admin', outcome: 'allowed' });
      return ctx;
    }
    const orgId = request.params?.orgId;
    if (!orgId) {
      if (policy.kind === 'permission') {
        throw new InternalError({ code: 'route_misconfigured', detail: 'This route cannot be authorized.' });
      }
      return ctx;
    }
    const scoped = ctx.forOrganization(orgId);
    const permission = policy.kind === 'permission' ? policy.permission : 'membership';
    try {
      await this.policies.authorizeOrganization(scoped, policy.kind === 'permission' ? policy.permission : undefined);
      metrics.authzDecisions.inc({ level: 'route', permission, outcome: 'allowed' });
    } catch (error) {
      if (error instanceof DomainError && (error.status === 403 || error.status === 404)) {
        metrics.authzDecisions.inc({ level: 'route', permission, outcome: error.status === 403 ? 'denied' : 'hidden' });
      }
      if (error instanceof ForbiddenError) {
        describeRefusal(error, {
          action: 'authz.denied',
          details: { code: error.code, route: `${request.method} ${request.routeOptions?.url ?? ''}` },
        });
      }
      throw error;
    }
    return scoped;
  }
}
