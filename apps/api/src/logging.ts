import type { Params } from 'nestjs-pino';
import { pinoOptions } from '#libs/common';
import type { AppConfig } from '#libs/config';

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      ...pinoOptions('api', config.log.level, config.log.format),
      // Fastify has already chosen the id (accepted from X-Request-Id or generated).
      genReqId: (req) => (req as unknown as { id: string }).id,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
