import {
  applyDecorators,
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { WithRouteInterceptors } from './route-interceptors.js';

export const LOCATION_ROUTE = 'fusiongate:location';

/**
 * A create answers `Location`: `reference` is resolved against the request path (as a browser
 * resolves a relative link), its `:field`s taken from the created resource, e.g. `projects/:id`
 * on `POST /orgs/:orgId/projects`, or `../../jobs/:id` on `POST /orgs/:orgId/models/:modelId/fuse`.
 */
export const CreatedLocation = (reference: string): MethodDecorator =>
  applyDecorators(SetMetadata(LOCATION_ROUTE, reference), WithRouteInterceptors());

/** The global interceptor behind `@CreatedLocation()`. */
@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reference =
      context.getType() === 'http' ? this.reflector.get<string>(LOCATION_ROUTE, context.getHandler()) : undefined;
    if (!reference) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if ((reply.statusCode === 201 || reply.statusCode === 202) && body && typeof body === 'object') {
          const fields = body as Record<string, unknown>;
          const relative = reference.replace(/:(\w+)/g, (_, name: string) =>
            encodeURIComponent(String(fields[name] ?? '')),
          );
          const base = new URL(request.url.split('?')[0], 'http://api.invalid');
          void reply.header('location', new URL(relative, base).pathname);
        }
        return body;
      }),
    );
  }
}
