import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator, StepUpService } from '#libs/auth';
import {
  anonymousContext,
  describeRefusal,
  PUBLIC_ROUTE,
  rateLimitReportOf,
  ROUTE_POLICY,
  STEP_UP_ROUTE,
  UnauthorizedError,
  type ContextRequest,
  type RequestContext,
  type RoutePolicy,
} from '#libs/common';
import { RouteAuthorizer } from '#libs/policies';

/** What a handler demands, as its decorators (`@Authenticated`, `@Public`…) declared it. */
interface RouteRequirements {
  isPublic: boolean;
  policy?: RoutePolicy;
  stepUp: boolean;
}

/**
 * The one global guard: it reads what the route demands once per handler and decides, in order,
 * - deny by default: a route that is neither `@Public()` nor carries a policy is refused (401);
 * - authentication (Authenticator: Bearer access token or `X-API-Key`) → `request.ctx`;
 * - route-level authorization (RouteAuthorizer: membership, permission, platform admin), which
 *   scopes `ctx` to the route's organization;
 * - step-up last on `@StepUp()` routes, so a caller who may not act at all hears 403/404 first and
 *   is never asked for a factor for nothing; its refusals are audited as denials (buffered).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly requirements = new WeakMap<object, RouteRequirements>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly authorizer: RouteAuthorizer,
    private readonly stepUp: StepUpService,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const route = this.requirementsOf(execution);
    const request = execution.switchToHttp().getRequest<ContextRequest>();
    if (route.isPublic) {
      request.ctx = anonymousContext(request);
      return true;
    }
    if (!route.policy) {
      throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });
    }
    let ctx = (await this.authenticator.authenticate(request, route.policy)).with({
      rateLimits: rateLimitReportOf(request),
    });
    request.ctx = ctx;
    ctx = await this.authorizer.authorize(request, ctx, route.policy);
    request.ctx = ctx;
    if (route.stepUp) await this.assertSteppedUp(request, ctx);
    return true;
  }

  private requirementsOf(execution: ExecutionContext): RouteRequirements {
    const handler = execution.getHandler();
    let route = this.requirements.get(handler);
    if (!route) {
      const targets = [handler, execution.getClass()];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true,
        policy: this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, targets),
        stepUp: this.reflector.getAllAndOverride<boolean>(STEP_UP_ROUTE, targets) === true,
      };
      this.requirements.set(handler, route);
    }
    return route;
  }

  private async assertSteppedUp(request: ContextRequest, ctx: RequestContext): Promise<void> {
    try {
      await this.stepUp.assertFresh(ctx);
    } catch (error) {
      if (error instanceof UnauthorizedError) {
        describeRefusal(error, {
          action: 'authz.denied',
          resourceType: 'route',
          resourceId: `${request.method} ${request.routeOptions?.url ?? ''}`,
          details: { status: 401, code: error.code },
        });
      }
      throw error;
    }
  }
}
