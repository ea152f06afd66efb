import type { Server } from 'node:http';
import {
  Controller,
  Get,
  Header,
  Headers,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  bearerMatches,
  closeOpsListener,
  collectProcessMetrics,
  METRICS_CONTENT_TYPE,
  NotFoundError,
  Public,
  scrapeMetrics,
  startOpsListener,
  UnauthorizedError,
} from '#libs/common';
import { AppConfig } from '#libs/config';

/** The API's metrics listener on `METRICS_PORT`, apart from the public port (when configured). */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(private readonly config: AppConfig) {}

  async onApplicationBootstrap(): Promise<void> {
    collectProcessMetrics();
    const { port, host, token } = this.config.metrics;
    if (port === undefined) return;
    this.server = await startOpsListener({ port, host: host ?? this.config.http.host, token });
    new Logger('Metrics').log(`Prometheus metrics on port ${port} (GET /metrics${token ? ', bearer token' : ''})`);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeOpsListener(this.server);
  }
}

/**
 * `GET /metrics` on the public port exists only with `METRICS_TOKEN` (and then only with that
 * token); without one it is a 404 like any unknown route, so nothing is public by default.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('content-type', METRICS_CONTENT_TYPE)
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const { token } = this.config.metrics;
    if (!token) throw new NotFoundError({ code: 'route_not_found', detail: 'No route GET /metrics.' });
    if (!bearerMatches(authorization, token)) {
      throw new UnauthorizedError({
        code: 'metrics_token_required',
        detail: 'Send Authorization: Bearer <METRICS_TOKEN>.',
      });
    }
    return scrapeMetrics();
  }
}
