import type { Server } from 'node:http';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { closeOpsListener, collectProcessMetrics, startOpsListener } from '#libs/common';
import { AppConfig } from '#libs/config';

/**
 * The worker's only listener, and only when WORKER_METRICS_PORT is set: `GET /health/live` and
 * `GET /metrics` (Prometheus: jobs, slots, model sessions, process; behind METRICS_TOKEN when set)
 * for probes and scraping. It serves nothing else.
 */
@Injectable()
export class WorkerHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    collectProcessMetrics();
    const port = this.config.jobs.workerMetricsPort;
    if (port === undefined) return;
    this.server = await startOpsListener({
      port,
      host: this.config.metrics.host ?? this.config.http.host,
      token: this.config.metrics.token,
      routes: {
        '/health/live': (response) =>
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
      },
    });
    new Logger('Worker').log(`Health and metrics on port ${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeOpsListener(this.server);
  }
}
