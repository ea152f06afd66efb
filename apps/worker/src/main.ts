import { Logger } from '@nestjs/common';
import { exitGracefullyOnSignals } from '../../../libs/common/src/index.js';
import { AppConfig, exitOnBootFailure } from '../../../libs/config/src/index.js';
import { provisionRuntime, runMigrations } from '../../../libs/database/src/index.js';
import { createWorkerApp } from './bootstrap.js';

async function main(): Promise<void> {
  const started = Date.now();
  const runtime = await provisionRuntime(AppConfig.fromEnv());
  if (runtime.embedded.postgres) await runMigrations(runtime.config.database.url!);
  const app = await createWorkerApp(runtime.config);
  exitGracefullyOnSignals('Worker', runtime.config.shutdownGraceMs, async () => {
    await app.close();
    await runtime.stop();
  });
  new Logger('Worker').log(`Worker ready in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => exitOnBootFailure('worker', error));
