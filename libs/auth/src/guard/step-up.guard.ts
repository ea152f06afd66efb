import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { describeRefusal, PUBLIC_ROUTE, STEP_UP_ROUTE, UnauthorizedError, type ContextRequest } from '#libs/common';
import { StepUpService } from '../step-up/step-up.service.js';

/**
 * The last global guard: a route marked `@StepUp()` also needs a fresh factor on the caller's
 * session (see StepUpService). It runs after authorization, so a caller who may not act at all
 * hears 403/404 first and is never asked to step up for nothing. A refusal carries its audit
 * description (a buffered denial), recorded by the HTTP edge like every refusal.
 */
@Injectable()
export class StepUpGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly stepUp: StepUpService,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const targets = [execution.getHandler(), execution.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    if (!this.reflector.getAllAndOverride<boolean>(STEP_UP_ROUTE, targets)) return true;
    const request = execution.switchToHttp().getRequest<ContextRequest>();
    const ctx = request.ctx;
    if (!ctx) throw new UnauthorizedError({ code: 'token_missing', detail: 'This route requires authentication.' });
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
    return true;
  }
}
