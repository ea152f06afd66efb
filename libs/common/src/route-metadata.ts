import { applyDecorators, createParamDecorator, Header, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { RefusalAudit } from './errors.js';
import type { Permission } from './permissions.js';
import { rateLimitReportOf } from './rate-limit.js';
import { RequestContext } from './request-context.js';

export const PUBLIC_ROUTE = 'fusiongate:public';
export const ROUTE_POLICY = 'fusiongate:policy';
export const STEP_UP_ROUTE = 'fusiongate:step-up';

/**
 * What a route demands, read by the global guards. Organization routes take the tenant from the
 * `:orgId` path parameter; the caller must be a member (otherwise 404).
 */
export type RoutePolicy =
  /** Any authenticated principal (e.g. `/auth/me`, listing one's organizations). */
  | { kind: 'authenticated'; allowApiKey?: boolean }
  /** Route-level check: may this principal ever do `permission` in the organization of `:orgId`? */
  | { kind: 'permission'; permission: Permission }
  /** Platform administrators only. */
  | { kind: 'platform-admin' };

/**
 * Fastify route config of routes that read small bodies only (HTTP_PUBLIC_BODY_LIMIT_BYTES): every
 * public route, and routes an invitee reaches before belonging anywhere. The HTTP edge gives them
 * the small limit, so a caller cannot make the API read and parse a large body there.
 */
export const SMALL_BODY_ROUTE_CONFIG = 'fusiongateSmallBody';

/** The route reads at most the small public body limit. */
export const SmallBody = (): MethodDecorator & ClassDecorator => RouteConfig({ [SMALL_BODY_ROUTE_CONFIG]: true });

/** Fastify route config of POST routes that change nothing (they stay open in read-only mode). */
export const READ_SAFE_ROUTE_CONFIG = 'fusiongateReadSafe';

/** The route only reads, whatever its method: maintenance (read-only) mode does not refuse it. */
export const ReadSafe = (): MethodDecorator & ClassDecorator => RouteConfig({ [READ_SAFE_ROUTE_CONFIG]: true });

/**
 * The answer carries a secret (tokens, a TOTP secret, recovery codes, an API key): no browser,
 * proxy or CDN may store it (`Cache-Control: no-store`, and `Pragma: no-cache` for old caches).
 */
export const NoStore = (): MethodDecorator =>
  applyDecorators(Header('Cache-Control', 'no-store'), Header('Pragma', 'no-cache'));

/** Marks a route that needs no authentication (health, docs, login); its body limit is the small one. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), SmallBody());

/** Any signed-in user (or, with allowApiKey, an API key) may call the route. */
export const Authenticated = (options: { allowApiKey?: boolean } = {}): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_POLICY, { kind: 'authenticated', ...options } satisfies RoutePolicy);

/** The caller needs `permission` in the route's organization; services then check the row. */
export const RequirePermission = (permission: Permission): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_POLICY, { kind: 'permission', permission } satisfies RoutePolicy);

/** Platform administrators only (creating organizations, operator endpoints). */
export const PlatformAdmin = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_POLICY, { kind: 'platform-admin' } satisfies RoutePolicy);

/**
 * A sensitive action: besides its policy, the caller's session must have proven a second factor
 * (the password for accounts without MFA) within `AUTH_STEP_UP_MINUTES`, else 401
 * `step_up_required` (refresh it with `POST /auth/step-up`). API keys cannot step up and are
 * refused with 403 `step_up_unavailable`. Read by the step-up guard, after authorization.
 */
export const StepUp = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(STEP_UP_ROUTE, true),
    ApiExtension('x-step-up', true),
    ApiResponse({
      status: 401,
      description:
        '`step_up_required`: no second factor in the last AUTH_STEP_UP_MINUTES; `POST /api/v1/auth/step-up` first.',
    }),
  );

/** The request as the guards leave it: `ctx` is set by authentication. */
export type ContextRequest = FastifyRequest & {
  ctx?: RequestContext;
  params: Record<string, string>;
  /** The problem answered, set by the problem filter (what the audit edge records refusals from). */
  problem?: AnsweredProblem;
};

/** A problem the API answered: its status and code, and the refusal's audit description if any. */
export interface AnsweredProblem {
  status: number;
  code: string;
  refusal?: RefusalAudit;
}

/** Builds the context of an unauthenticated request (ip, user agent, request id). */
export function anonymousContext(request: FastifyRequest): RequestContext {
  return new RequestContext({
    requestId: String(request.id),
    rateLimits: rateLimitReportOf(request),
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
  });
}

/**
 * The context of a request: the one authentication set, or on a public route one made when first
 * asked for (most public answers, probes above all, never need one).
 */
export function contextOf(request: ContextRequest): RequestContext {
  return (request.ctx ??= anonymousContext(request));
}

/**
 * Injects the RequestContext of the current request, scoped to the `:orgId` path parameter when
 * the route has one. The tenant never comes from a body.
 */
export const Ctx = createParamDecorator((_: unknown, execution: ExecutionContext): RequestContext => {
  const request = execution.switchToHttp().getRequest<ContextRequest>();
  const ctx = contextOf(request);
  const orgId = request.params?.orgId;
  return orgId && ctx.organizationId !== orgId ? ctx.forOrganization(orgId) : ctx;
});
