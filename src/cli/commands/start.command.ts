import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import { useProcessLogger } from '#libs/common';
import { AppConfig, childProcessEnv } from '#libs/config';
import { provisionRuntime, runMigrations, type ProvisionedRuntime } from '#libs/database';
import { ensureFirstAdmin } from './first-admin.js';

const ENTRY = {
  api: fileURLToPath(new URL('../../../apps/api/src/main.js', import.meta.url)),
  worker: fileURLToPath(new URL('../../../apps/worker/src/main.js', import.meta.url)),
};

export type StartTarget = 'all' | 'api' | 'worker';

/**
 * Starts API and worker as two processes that share the services this launcher provisions
 * (embedded PostgreSQL and Redis when their URLs are unset), migrating first. A child that dies
 * takes the other down too, so a supervisor sees the failure. SIGTERM or SIGINT (at any moment,
 * even while still starting) stops the children, then the embedded services; a child still busy
 * after the grace period is killed, so the launcher itself always ends within it.
 */
export async function startCommand(target: StartTarget): Promise<void> {
  const started = Date.now();
  const config = AppConfig.fromEnv();
  // The launcher's own lines (embedded services, migrations, first administrator) have the shape of the apps' lines.
  useProcessLogger('launcher', config.log.level, config.log.format);
  const logger = new Logger('Launcher');
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  // Embedded services (stopped after the children); a signal during start-up waits for them to be up.
  const provisioning: Promise<ProvisionedRuntime> = provisionRuntime(config, logger);
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // Children get the grace period themselves; a little more here lets them report before being killed.
    const deadline = config.shutdownGraceMs + 2_000;
    await Promise.all(
      [...children.entries()].map(
        ([name, child]) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const kill = setTimeout(() => {
              logger.error(`${name} still running ${deadline} ms after SIGTERM; killing it`);
              child.kill('SIGKILL');
            }, deadline);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    await (await provisioning.catch(() => undefined))?.stop();
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    logger.log(`${signal} received: stopping ${[...children.keys()].join(' and ') || 'start-up'}`);
    void stopAll(0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Started by a supervisor that went away (its IPC channel closed): stop rather than linger.
  process.once('disconnect', () => onSignal('SIGHUP'));

  const runtime = await provisioning;
  if (stopping) return;
  const applied = await runMigrations(runtime.config.database.url!);
  if (applied.length) logger.log(`Applied ${applied.length} migration(s): ${applied.join(', ')}`);
  await ensureFirstAdmin(runtime.config);
  if (stopping) return;

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
}
