import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';

/** Probes and scrapes: the most frequent requests, which log nothing. */
const isProbe = (url: string) => url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');

/**
 * The logger of request lines: the process's logger without its redaction, which a line of fixed
 * shape that holds no header or body has no use for (redaction clones and serializes `req` and `res`
 * on every line: about a quarter of the line's cost).
 */
export function requestLogger(log: PinoLogger): PinoLogger {
  return log.child({}, { redact: [] });
}

/**
 * Writes the line of a finished request: `req` (id, method, URL), `res` (status) and
 * `responseTime` in ms; at `error` for 5xx answers, `warn` for 4xx, `info` otherwise. Lines written
 * while the request ran that concern it (refusals, failures) name it by `reqId`. Headers are never
 * logged, so credentials cannot be.
 */
export function logRequest(log: PinoLogger, request: FastifyRequest, reply: FastifyReply): void {
  const status = reply.statusCode;
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!log.isLevelEnabled(level) || isProbe(request.url)) return;
  log[level](
    {
      req: { id: request.id, method: request.method, url: request.url },
      res: { statusCode: status },
      responseTime: Math.round(reply.elapsedTime),
    },
    status >= 500 ? 'request errored' : 'request completed',
  );
}
