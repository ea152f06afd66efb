import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { PUBLIC_ROUTE, ROUTE_POLICY, STEP_UP_ROUTE } from '#libs/common';

export interface RouteInfo {
  method: string;
  /** Path as declared, with `:params`, without the global prefix. */
  path: string;
  controller: string;
  handler: string;
  isPublic: boolean;
  policy: unknown;
  /** Marked `@StepUp()`: needs a recently proven factor. */
  stepUp: boolean;
}

/** Every route the application serves, with its access metadata, read from the controllers. */
export function listRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const controllerPaths = [reflector.get<string | string[]>(PATH_METADATA, wrapper.metatype) ?? ''].flat();
    const prototype = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (methodPath === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const targets = [handler, wrapper.metatype];
      for (const base of controllerPaths) {
        for (const sub of [methodPath].flat()) {
          routes.push({
            method,
            path: ('/' + [base, sub].filter(Boolean).join('/')).replace(/\/+/g, '/').replace(/(.)\/$/, '$1'),
            controller: wrapper.metatype.name,
            handler: name,
            isPublic: reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true,
            policy: reflector.getAllAndOverride<unknown>(ROUTE_POLICY, targets),
            stepUp: reflector.getAllAndOverride<boolean>(STEP_UP_ROUTE, targets) === true,
          });
        }
      }
    }
  }
  return routes;
}
