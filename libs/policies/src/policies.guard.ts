import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describeRefusal, DomainError, ForbiddenError, InternalError, UnauthorizedError } from '#libs/common';
import { metrics } from '#libs/common';
import { PUBLIC_ROUTE, ROUTE_POLICY, type ContextRequest, type RoutePolicy } from '#libs/common';
import { PolicyService } from './policy.service.js';

/**
 * The global policy guard, after authentication. Deny by default: a route needs `@Public()` or a
 * RoutePolicy. Organization routes (`:orgId`) need a current membership (404 otherwise, so a
 * tenant's existence is never revealed), a request from the organization's allowed IP ranges, MFA
 * when the member's role requires it, and, for `@RequirePermission`, the route-level permission
 * (403 with `code` = the permission). Services then check the row.
 */
@Injectable()
export class PoliciesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly policies: PolicyService,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, targets);
    const request = execution.switchToHttp().getRequest<ContextRequest>();
    const ctx = request.ctx;
    if (!ctx || ctx.actor.type === 'anonymous') {
      throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });
    }
    if (!policy)
      throw new ForbiddenError({ code: 'route_policy_missing', detail: 'This route is not open to anyone.' });

    if (policy.kind === 'platform-admin') {
      if (ctx.actor.type !== 'user' || !ctx.actor.isPlatformAdmin) {
        metrics.authzDecisions.inc({ level: 'route', permission: 'platform-admin', outcome: 'denied' });
        throw new ForbiddenError({
          code: 'platform_admin_required',
          detail: 'Only platform administrators may do this.',
        });
      }
      metrics.authzDecisions.inc({ level: 'route', permission: 'platform-admin', outcome: 'allowed' });
      return true;
    }
    if (policy.kind === 'authenticated' && ctx.actor.type === 'api_key' && !policy.allowApiKey) {
      throw new ForbiddenError({ code: 'api_key_not_allowed', detail: 'API keys cannot use this route.' });
    }
    const orgId = request.params?.orgId;
    if (!orgId) {
      if (policy.kind === 'permission') {
        throw new InternalError({ code: 'route_misconfigured', detail: 'This route cannot be authorized.' });
      }
      return true;
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
    request.ctx = scoped;
    return true;
  }
}
