import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError } from '../../../libs/config/src/index.js';
import { provisionRuntime, runMigrations } from '../../../libs/database/src/index.js';
import { createWorkerApp } from './bootstrap.js';

async function main(): Promise<void> {
  const started = Date.now();
  const logger = new Logger('Worker');
  const runtime = await provisionRuntime(AppConfig.fromEnv());
  if (runtime.embedded.postgres) await runMigrations(runtime.config.database.url!);
  const app = await createWorkerApp(runtime.config);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: finishing active jobs`);
    const force = setTimeout(() => process.exit(1), runtime.config.shutdownGraceMs).unref();
    void app
      .close()
      .then(() => runtime.stop())
      .finally(() => {
        clearTimeout(force);
        process.exit(0);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  logger.log(`Worker ready in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `fusiongate worker failed to start: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
});
