import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError } from '../../../libs/config/src/index.js';
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
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: draining in-flight requests`);
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
    void app
      .close()
      .then(() => runtime.stop())
      .finally(() => {
        clearTimeout(force);
        process.exit(0);
      });
  };
  // Nest's own shutdown hooks are enabled; this handler adds the grace limit and stops embedded services.
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.http.port, host: config.http.host });
  const url =
    config.http.publicUrl ??
    `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  logger.log(`API ready in ${Date.now() - started} ms at ${url} — Swagger UI: ${url}/docs`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`fusiongate api failed to start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
