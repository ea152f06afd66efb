import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestEnvironment } from './app.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Builds dist/ when sources are newer (worker processes run the compiled worker, as in production). */
export function ensureBuild(): void {
  const build = spawnSync(process.execPath, [`${root}scripts/ensure-build.mjs`], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM and wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

/**
 * Starts `node dist/apps/worker/src/main.js` on the test environment's database, Redis prefix and
 * data directory (so it shares the blob store with the API under test) and waits until it
 * consumes the fusion queue.
 */
export async function startWorker(env: TestEnvironment, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [`${root}dist/apps/worker/src/main.js`], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env.variables({ LOG_LEVEL: 'info', INFERENCE_WORKERS: '1', ...extra }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => chunks.join('');
  const deadline = Date.now() + 60_000;
  while (!output().includes('Processing fusion jobs')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    pid: child.pid!,
    output,
    exited,
    kill: (signal) => child.kill(signal),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
