import { Logger } from '@nestjs/common';
import { useProcessLogger } from '#libs/common/logging';
import { startTracing } from '#libs/common/tracing';
import { AppConfig, exitOnBootFailure } from '#libs/config';

async function main(): Promise<void> {
  const started = Date.now();
  const env = AppConfig.fromEnv();
  useProcessLogger('api', env.log.level, env.log.format);
  // Tracing starts before the HTTP, PostgreSQL and Redis libraries load, so they are instrumented.
  const stopTracing = await startTracing(env.tracing.serviceName ?? 'fusiongate-api', env.tracing.endpoint);
  // One import at a time: concurrent dynamic imports of a shared module graph can crash Node 20
  // (v8::Module::IsGraphAsync on a module not yet instantiated, nodejs/node#57126).
  const { exitGracefullyOnSignals } = await import('#libs/common');
  const { provisionRuntime, runMigrations } = await import('#libs/database');
  const { createApiApp } = await import('./bootstrap.js');
  const logger = new Logger('Api');
  const runtime = await provisionRuntime(env);
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
    await stopTracing();
  });
  await app.listen({ port: config.http.port, host: config.http.host });
  const url = config.apiBaseUrl();
  logger.log(`API ready in ${Date.now() - started} ms at ${url} — Swagger UI: ${url}/docs`);
}

main().catch((error: unknown) => exitOnBootFailure('api', error));
