import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shutdownModule = new URL('../../../dist/libs/common/src/shutdown.js', import.meta.url).href;

describe('exitGracefullyOnSignals', () => {
  let proc: ChildProcess | undefined;
  // A child that outlived a failed test is not left running.
  afterEach(() => {
    if (proc?.exitCode === null) proc.kill('SIGKILL');
  });

  it('stops a forked process whose launcher went away while it was still starting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fg-shutdown-'));
    try {
      // A child still booting when its launcher goes: it starts listening only once its channel has
      // closed, as a worker loading its models would.
      const child = join(dir, 'child.mjs');
      await writeFile(
        child,
        `import { exitGracefullyOnSignals } from ${JSON.stringify(shutdownModule)};
         setInterval(() => undefined, 1000);
         const listen = () => exitGracefullyOnSignals('Child', 5000, async () => undefined);
         if (process.connected) process.once('disconnect', () => setImmediate(listen));
         else listen();`,
      );
      proc = fork(child, [], { stdio: 'ignore' });
      await new Promise((resolve) => proc!.once('spawn', resolve));
      const exited = new Promise<number | null>((resolve) => proc!.once('exit', (code) => resolve(code)));
      proc.disconnect();
      expect(await exited).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 15_000);
});
