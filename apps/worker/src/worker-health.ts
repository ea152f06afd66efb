import { createServer, type Server } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';
import { AppConfig } from '../../../libs/config/src/index.js';

/**
 * The worker's only listener, and only when WORKER_METRICS_PORT is set: `GET /health/live` and
 * `GET /metrics` (Prometheus, process metrics) for probes and scraping. It serves nothing else.
 */
@Injectable()
export class WorkerHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.jobs.workerMetricsPort;
    if (port === undefined) return;
    collectDefaultMetrics();
    this.server = createServer((request, response) => {
      if (request.method === 'GET' && request.url === '/health/live') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (request.method === 'GET' && request.url === '/metrics') {
        void register
          .metrics()
          .then((body) => response.writeHead(200, { 'content-type': register.contentType }).end(body));
      } else {
        response.writeHead(404, { 'content-type': 'application/problem+json' });
        response.end('{"type":"about:blank","title":"Not Found","status":404,"code":"route_not_found"}');
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(port, this.config.http.host, resolve));
    new Logger('Worker').log(`Health and metrics on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
