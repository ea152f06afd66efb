import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { pinoOptions } from '#libs/common';
import type { AppConfig } from '#libs/config';

const UNLOGGED_ROUTES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
];

const isProbe = (url: string) => url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      ...pinoOptions('api', config.log.level, config.log.format),
      // Fastify has already chosen the id (accepted from X-Request-Id or generated).
      genReqId: (req) => (req as unknown as { id: string }).id,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Middleware sees the URL with its mount path cut off; the original is the one asked for.
      autoLogging: { ignore: (req) => isProbe((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
    // Probes and scrapes are neither logged nor given a request logger: they are the most frequent
    // requests and log nothing of their own.
    exclude: UNLOGGED_ROUTES,
  };
}
