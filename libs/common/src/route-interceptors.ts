import {
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import { ModuleRef } from '@nestjs/core';
import { defer, type Observable } from 'rxjs';

/**
 * The application's interceptors behind `@Idempotent()`, `@ETagged()` and `@CreatedLocation()`, the
 * outermost first (a provider of the API's root module). Each still checks its own route metadata.
 */
export const ROUTE_INTERCEPTORS = Symbol('ROUTE_INTERCEPTORS');

/**
 * Runs ROUTE_INTERCEPTORS, bound only to the handlers marked with one of those decorators: every
 * other route (probes above all) runs no interceptor at all, where a global interceptor would cost
 * each request its observables.
 */
@Injectable()
export class RouteInterceptors implements NestInterceptor {
  private chain?: NestInterceptor[];

  constructor(private readonly moduleRef: ModuleRef) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const chain = (this.chain ??= this.moduleRef.get<NestInterceptor[]>(ROUTE_INTERCEPTORS, { strict: false }));
    const at = (i: number): CallHandler =>
      i === chain.length ? next : { handle: () => defer(() => chain[i].intercept(context, at(i + 1))) };
    return at(0).handle();
  }
}

/** Binds RouteInterceptors to the decorated handler, once however many of its decorators ask. */
export const WithRouteInterceptors =
  (): MethodDecorator =>
  (target, key, descriptor: PropertyDescriptor): void => {
    const bound = (Reflect.getMetadata(INTERCEPTORS_METADATA, descriptor.value) as unknown[] | undefined) ?? [];
    if (!bound.includes(RouteInterceptors)) UseInterceptors(RouteInterceptors)(target, key, descriptor);
  };
