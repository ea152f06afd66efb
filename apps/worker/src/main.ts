import { Logger } from '@nestjs/common';
import { useProcessLogger } from '#libs/common/logging';
import { startTracing } from '#libs/common/tracing';
import { AppConfig, exitOnBootFailure } from '#libs/config';

async function main(): Promise<void> {
  const started = Date.now();
  const env = AppConfig.fromEnv();
  useProcessLogger('worker', env.log.level, env.log.format);
  // Tracing starts before the PostgreSQL and Redis libraries load, so they are instrumented.
  const stopTracing = await startTracing(env.tracing.serviceName ?? 'fusiongate-worker', env.tracing.endpoint);
  // One import at a time: concurrent dynamic imports of a shared module graph can crash Node 20
  // (v8::Module::IsGraphAsync on a module not yet instantiated, nodejs/node#57126).
  const { exitGracefullyOnSignals } = await import('#libs/common');
  const { provisionRuntime, runMigrations } = await import('#libs/database');
  const { createWorkerApp } = await import('./bootstrap.js');
  const runtime = await provisionRuntime(env);
  if (runtime.embedded.postgres) await runMigrations(runtime.config.database.url!);
  const app = await createWorkerApp(runtime.config);
  exitGracefullyOnSignals('Worker', runtime.config.shutdownGraceMs, async () => {
    await app.close();
    await runtime.stop();
    await stopTracing();
  });
  new Logger('Worker').log(`Worker ready in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => exitOnBootFailure('worker', error));
