import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ConfigError } from '#libs/config';
import { freePort } from './free-port.js';

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

/** Neither REDIS_URL nor a usable redis-server: a configuration problem, reported in one line. */
export class EmbeddedRedisUnavailableError extends ConfigError {}

/**
 * A private `redis-server` (from PATH) on a free loopback port, with its append-only file under
 * `dataDir/redis` so queued jobs survive a restart. Used when REDIS_URL is unset.
 */
export async function startEmbeddedRedis(dataDir: string): Promise<EmbeddedRedis> {
  const dir = join(dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'];
  args.push('--maxmemory-policy', 'noeviction', '--protected-mode', 'yes');
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new EmbeddedRedisUnavailableError(
          err.code === 'ENOENT'
            ? 'Redis is required: set REDIS_URL (e.g. redis://127.0.0.1:6379) or install redis-server on PATH.'
            : `Could not start redis-server: ${err.message}`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new EmbeddedRedisUnavailableError(`redis-server exited with code ${code} before it was ready.`)),
    );
  });
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // Refusals until the server listens are expected: connect() reports them, not a stray log line.
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        probe.disconnect();
      }
    }
    throw new EmbeddedRedisUnavailableError('redis-server did not accept connections within 10 s.');
  })();
  await Promise.race([ready, spawnError]);
  child.removeAllListeners('exit');
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}
