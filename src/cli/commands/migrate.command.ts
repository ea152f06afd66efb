import { Logger } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { provisionRuntime, runMigrations } from '#libs/database';

/** Applies pending migrations to DATABASE_URL (or to the embedded database under DATA_DIR). */
export async function migrateCommand(): Promise<void> {
  const runtime = await provisionRuntime(AppConfig.fromEnv(), new Logger('Migrate'), { redis: false });
  try {
    const applied = await runMigrations(runtime.config.database.url!);
    process.stdout.write(
      applied.length
        ? `Applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}`
        : 'Database is up to date.\n',
    );
  } finally {
    await runtime.stop();
  }
}
