import { Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard as PassportAuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { API_KEY_STRATEGY, Authenticator, JWT_STRATEGY, StepUpService } from '#libs/auth';
import {
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

/** Stateless: no passport session, and the strategies' result becomes `request.ctx`. */
const AUTHENTICATE_OPTIONS: AuthGuardAuthenticateOptions = Object.freeze({ session: false, property: 'ctx' });

/**
 * The one global guard: it reads what the route demands once per handler and decides, in order,
 * - deny by default: a route that is neither `@Public()` nor carries a policy is refused (401);
 * - authentication through passport (`super.canActivate`): the `jwt` strategy (Bearer access
 *   token) or the `api-key` strategy (`X-API-Key`), both delegating to the Authenticator →
 *   `request.ctx`; an API key is then held to the routes and organization open to it;
 * - route-level authorization (RouteAuthorizer: membership, permission, platform admin), which
 *   scopes `ctx` to the route's organization;
 * - step-up last on `@StepUp()` routes, so a caller who may not act at all hears 403/404 first and
 *   is never asked for a factor for nothing; its refusals are audited as denials (buffered).
 * `@Public()` routes never reach passport.
 */
@Injectable()
export class AuthGuard extends PassportAuthGuard([JWT_STRATEGY, API_KEY_STRATEGY]) {
  private readonly requirements = new WeakMap<object, RouteRequirements>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly authorizer: RouteAuthorizer,
    private readonly stepUp: StepUpService,
  ) {
    super();
  }

  /** A public route is decided synchronously: Nest awaits only a guard that returns a promise. */
  override canActivate(execution: ExecutionContext): boolean | Promise<boolean> {
    const route = this.requirementsOf(execution);
    const request = execution.switchToHttp().getRequest<ContextRequest>();
    // A public route's context is made only if something asks for it (`contextOf`).
    if (route.isPublic) return true;
    return this.authenticate(execution, request, route);
  }

  private async authenticate(
    execution: ExecutionContext,
    request: ContextRequest,
    route: RouteRequirements,
  ): Promise<boolean> {
    if (!route.policy) {
      throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });
    }
    await super.canActivate(execution);
    let ctx = (request.ctx as RequestContext).with({ rateLimits: rateLimitReportOf(request) });
    request.ctx = ctx;
    if (ctx.actor.type === 'api_key') this.authenticator.assertApiKeyMayCall(request, ctx, route.policy);
    ctx = await this.authorizer.authorize(request, ctx, route.policy);
    request.ctx = ctx;
    if (route.stepUp) await this.assertSteppedUp(request, ctx);
    return true;
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return AUTHENTICATE_OPTIONS;
  }

  /**
   * A strategy's error is already a problem (401 `token_expired`, `token_invalid`,
   * `account_disabled`…) and passes as is; no strategy finding its credential is a missing token.
   */
  override handleRequest<T>(error: unknown, ctx: T | false | null): T {
    if (error) throw error;
    if (!ctx) {
      throw new UnauthorizedError({ code: 'token_missing', detail: 'Send a Bearer access token or an X-API-Key.' });
    }
    return ctx;
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
