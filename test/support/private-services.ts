import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort, runMigrations } from '#libs/database';

/** Debian keeps PostgreSQL's server binaries out of PATH. */
function pgBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  return name;
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user then. */
function asPostgres(command: string, args: string[]): { status: number | null; output: string } {
  const asRoot = process.getuid?.() === 0;
  const result = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' })
    : spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface PrivatePostgres {
  url: string;
  port: number;
  /** Runs SQL as the superuser (fresh connection each time, so it works across restarts). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string): Promise<T[]>;
  /** `pg_ctl stop -m fast`: connections are terminated, new ones refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Every new transaction read-only, as on a standby after failover (`default_transaction_read_only`). */
  setReadOnly(on: boolean): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster (initdb + pg_ctl) on a spare port, migrated, for tests that stop
 * or degrade the database on purpose; the machine's shared PostgreSQL is never touched.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fusiongate-pg-'));
  if (process.getuid?.() === 0) {
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), -1);
    chmodSync(dir, 0o700);
  }
  const data = join(dir, 'data');
  const init = asPostgres(pgBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.output}`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const ctl = (...args: string[]) => {
    const r = asPostgres(pgBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), ...args]);
    if (r.status !== 0) throw new Error(`pg_ctl ${args.join(' ')} failed:\n${r.output}`);
  };
  ctl('-o', options, '-w', 'start');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  await runMigrations(url);
  return {
    url,
    port,
    query,
    stop: async () => ctl('-m', 'fast', '-w', 'stop'),
    start: async () => ctl('-o', options, '-w', 'start'),
    async setReadOnly(on) {
      await query(`ALTER SYSTEM SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
      await query(`SELECT pg_reload_conf()`);
    },
    async destroy() {
      asPostgres(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  pid(): number;
  /** SIGKILL: gone at once, as after a crash (the append-only file keeps what was acknowledged). */
  kill(): Promise<void>;
  /** Starts again on the same port and files. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: the socket stays open but nothing answers. */
  freeze(): void;
  thaw(): void;
  destroy(): Promise<void>;
}

/**
 * A redis-server of its own on a spare port, with an fsync-always append-only file so a restart
 * after SIGKILL keeps every acknowledged write (as `appendonly yes` does in production).
 */
export async function startPrivateRedisServer(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fusiongate-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 25));
      } finally {
        probe.disconnect();
      }
    }
    throw new Error('private redis-server did not start');
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
  await start();
  return {
    url,
    pid: () => child.pid!,
    kill,
    start,
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    async destroy() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
