import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditModule } from '#libs/audit';
import { AuthModule } from '#libs/auth';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule, provisionRuntime, runMigrations } from '#libs/database';

@Module({})
class IdentityCliModule {}

/**
 * Runs `work` with the identity services on the configured (or embedded) database, migrated
 * first, then shuts everything down. For CLI commands and the launcher. The audit trail is loaded
 * too, so what the CLI does (an administrator created, an account expired) is recorded like any
 * other change; buffered events are written on the shutdown here.
 */
export async function withIdentity<T>(
  work: (app: INestApplicationContext) => Promise<T>,
  config: AppConfig = AppConfig.fromEnv(),
): Promise<T> {
  const runtime = await provisionRuntime(config);
  let app: INestApplicationContext | undefined;
  try {
    await runMigrations(runtime.config.database.url!);
    app = await NestFactory.createApplicationContext(
      {
        module: IdentityCliModule,
        imports: [
          ConfigModule.forRoot(runtime.config),
          DatabaseModule.forRoot({ applicationName: 'fusiongate-cli' }),
          AuditModule,
          AuthModule,
        ],
      },
      { logger: ['error', 'warn'] },
    );
    return await work(app);
  } finally {
    await app?.close();
    await runtime.stop();
  }
}
