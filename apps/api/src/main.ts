import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals } from '../../../libs/common/src/index.js';
import { AppConfig, exitOnBootFailure } from '../../../libs/config/src/index.js';
import { provisionRuntime, runMigrations } from '../../../libs/database/src/index.js';
import { createApiApp } from './bootstrap.js';

async function main(): Promise<void> {
  const started = Date.now();
  const logger = new Logger('Api');
  const runtime = await provisionRuntime(AppConfig.fromEnv());
  const { config } = runtime;
  if (runtime.embedded.postgres) {
    const applied = await runMigrations(config.database.url!);
    if (applied.length) logger.log(`Applied ${applied.length} migration(s)`);
  }
  const app = await createApiApp(config);
  // app.close() stops accepting, lets in-flight requests finish, then runs Nest's shutdown hooks.
  exitGracefullyOnSignals('Api', config.shutdownGraceMs, async () => {
    await app.close();
    await runtime.stop();
  });
  await app.listen({ port: config.http.port, host: config.http.host });
  const url =
    config.http.publicUrl ??
    `${config.http.tls ? 'https' : 'http'}://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  logger.log(`API ready in ${Date.now() - started} ms at ${url} — Swagger UI: ${url}/docs`);
}

main().catch((error: unknown) => exitOnBootFailure('api', error));
