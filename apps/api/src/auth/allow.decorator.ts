import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Authenticated, PlatformAdmin, RequirePermission, StepUp, type Permission } from '#libs/common';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../swagger.js';

/** Who may call a route, read by the one global guard (AuthGuard) and by the OpenAPI document. */
export interface AllowOptions {
  /** The permission the caller needs in the organization of `:orgId` (services then check the row). */
  permission?: Permission;
  /** Platform administrators only (never API keys). */
  admin?: boolean;
  /**
   * API keys: without `permission`, whether a key may call at all (signed-in users always may);
   * with one, keys holding it always may, and `false` leaves the key scheme out of the document.
   * Default: keys with `permission`, users only without.
   */
  apiKey?: boolean;
  /** A sensitive action: a second factor proven recently in the session (see `@StepUp()`). */
  stepUp?: boolean;
  /** Route-specific 401 codes, documented with the ones every secured route shares. */
  unauthorized?: string;
  /** Route-specific 403 codes (default: derived from the permission, platform admin or step-up). */
  forbidden?: string;
}

/**
 * Everything a secured route declares about access, in one line: the route policy and step-up
 * marker the guard reads, the security schemes it documents, and its 401/403 problem answers.
 *
 * ```ts
 * @Allow({ permission: 'model:delete', stepUp: true })
 * @Allow({ apiKey: true })              // any signed-in user or API key
 * @Allow({ admin: true })               // platform administrators
 * ```
 * Routes anyone may call carry `@Public()` instead.
 */
export function Allow(options: AllowOptions = {}): MethodDecorator & ClassDecorator {
  const { permission, admin = false, stepUp = false, unauthorized, forbidden } = options;
  const apiKey = options.apiKey ?? (permission !== undefined && !admin);
  const decorators: (MethodDecorator & ClassDecorator)[] = [
    permission
      ? RequirePermission(permission)
      : admin
        ? PlatformAdmin()
        : Authenticated(apiKey ? { allowApiKey: true } : {}),
  ];
  if (unauthorized) decorators.push(ApiUnauthorizedResponse({ description: unauthorized }));
  if (stepUp) decorators.push(StepUp());
  if (forbidden) decorators.push(ApiForbiddenResponse({ description: forbidden }));
  if (apiKey) decorators.push(ApiSecurity(API_KEY_SCHEME));
  decorators.push(ApiBearerAuth(BEARER_SCHEME));
  return applyDecorators(...decorators);
}
