import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { useProcessLogger } from '../../../libs/common/src/index.js';
import { AppConfig, childProcessEnv } from '../../../libs/config/src/index.js';
import { provisionRuntime, runMigrations } from '../../../libs/database/src/index.js';
import { ensureFirstAdmin } from './first-admin.js';

const ENTRY = {
  api: fileURLToPath(new URL('../../../apps/api/src/main.js', import.meta.url)),
  worker: fileURLToPath(new URL('../../../apps/worker/src/main.js', import.meta.url)),
};

export type StartTarget = 'all' | 'api' | 'worker';

/**
 * Starts API and worker as two processes that share the services this launcher provisions
 * (embedded PostgreSQL and Redis when their URLs are unset), migrating first. A child that dies
 * takes the other down too, so a supervisor sees the failure.
 */
export async function startCommand(target: StartTarget): Promise<void> {
  const started = Date.now();
  const env = AppConfig.fromEnv();
  // The launcher's own lines (embedded services, migrations, first administrator) have the shape of the apps' lines.
  useProcessLogger('launcher', env.log.level, env.log.format);
  const logger = new Logger('Launcher');
  const runtime = await provisionRuntime(env, logger);
  const applied = await runMigrations(runtime.config.database.url!);
  if (applied.length) logger.log(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
  await ensureFirstAdmin(runtime.config);

  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await runtime.stop();
    process.exit(code);
  };

  const names = target === 'all' ? (['api', 'worker'] as const) : ([target] as const);
  for (const name of names) {
    const child = fork(ENTRY[name], [], {
      env: childProcessEnv(runtime.config, { FUSIONGATE_LAUNCHED_AT: String(started) }),
      stdio: 'inherit',
    });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      logger.error(`${name} exited (${signal ?? code}); stopping`);
      void stopAll(code ?? 1);
    });
  }
  process.once('SIGTERM', () => void stopAll(0));
  process.once('SIGINT', () => void stopAll(0));
}
