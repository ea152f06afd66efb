import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE, ROUTE_POLICY, UnauthorizedError } from '../../../libs/common/src/index.js';

/**
 * Deny by default: a route is reachable only when it is marked `@Public()`. Routes that carry a
 * policy are decided by the policy guard; any route with neither is refused.
 */
@Injectable()
export class DefaultDenyGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    if (this.reflector.getAllAndOverride<unknown>(ROUTE_POLICY, targets) !== undefined) return true;
    throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });
  }
}
