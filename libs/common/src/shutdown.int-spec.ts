import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shutdownModule = new URL('../../../dist/libs/common/src/shutdown.js', import.meta.url).href;

describe('exitGracefullyOnSignals', () => {
  it('stops a forked process whose launcher went away while it was still starting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fg-shutdown-'));
    try {
      // A child that takes 300 ms to boot before it listens, as a worker loading its models does;
      // its launcher is gone by then.
      const child = join(dir, 'child.mjs');
      await writeFile(
        child,
        `import { exitGracefullyOnSignals } from ${JSON.stringify(shutdownModule)};
         setInterval(() => undefined, 1000);
         setTimeout(() => exitGracefullyOnSignals('Child', 5000, async () => undefined), 300);`,
      );
      const proc = fork(child, [], { stdio: 'ignore' });
      await new Promise((resolve) => proc.once('spawn', resolve));
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      proc.disconnect();
      const code = await Promise.race([exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 5000))]);
      if (code === 'running') proc.kill('SIGKILL');
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
