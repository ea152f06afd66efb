import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE, scrapeMetrics } from './metrics.js';

/** Whether an `Authorization` header carries `Bearer <token>` (compared in constant time). */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const given = value?.startsWith('Bearer ') ? value.slice(7) : '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) && given.length > 0;
}

export interface OpsListenerOptions {
  port: number;
  host: string;
  /** When set, `/metrics` answers 401 without `Authorization: Bearer <token>`. */
  token?: string;
  /** Extra GET routes (the worker's `/health/live`). */
  routes?: Record<string, (response: ServerResponse) => void>;
}

function problem(response: ServerResponse, status: number, title: string, code: string): void {
  response.writeHead(status, {
    'content-type': 'application/problem+json',
    ...(status === 401 ? { 'www-authenticate': 'Bearer realm="metrics"' } : {}),
  });
  response.end(JSON.stringify({ type: 'about:blank', title, status, code }));
}

/**
 * A plain HTTP listener for operators, apart from the public API port: `GET /metrics`
 * (Prometheus text, behind a bearer token when one is configured) and the given extra routes.
 * Everything else is a 404.
 */
export async function startOpsListener(options: OpsListenerOptions): Promise<Server> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return problem(response, 404, 'Not Found', 'route_not_found');
    if (path === '/metrics') {
      if (options.token && !bearerMatches(request.headers.authorization, options.token)) {
        return problem(response, 401, 'Unauthorized', 'metrics_token_required');
      }
      void scrapeMetrics().then(
        (body) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(body),
        () => problem(response, 500, 'Internal Server Error', 'metrics_failed'),
      );
      return;
    }
    const route = options.routes?.[path];
    if (route) return route(response);
    problem(response, 404, 'Not Found', 'route_not_found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export async function closeOpsListener(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
