import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#libs/database';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testRedisUrl } from '../support/redis.js';

const root = new URL('../../', import.meta.url).pathname;

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`launcher exited with ${child.exitCode}`);
    const res = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (res?.status === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

/** Every process below `pid`, read from ps. */
function descendants(pid: number): number[] {
  const table = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of table) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until none of `pids` runs; returns how long that took. */
async function allGone(pids: number[], timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (pids.some(alive)) {
    if (Date.now() - started > timeoutMs) throw new Error(`still running: ${pids.filter(alive).join(', ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** `npm start`: API and worker as two processes, on embedded defaults or on given services. */
describe('launcher', () => {
  let dataDir: string;

  beforeAll(() => {
    const build = spawnSync(process.execPath, [`${root}scripts/ensure-build.mjs`], { encoding: 'utf8' });
    expect(build.status).toBe(0);
  }, 240_000);
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-launch-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('comes up on embedded PostgreSQL and Redis with nothing configured, and stops cleanly', async () => {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, [`${root}dist/src/cli/main.js`, 'start'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    let exitCode: number | null;
    try {
      await waitReady(`http://127.0.0.1:${port}`, child, 90_000);
      // The worker becomes ready on its own schedule; wait for it rather than race it.
      for (let i = 0; i < 450 && !output.join('').includes('Worker ready'); i++) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const docs = await fetch(`http://127.0.0.1:${port}/docs`);
      expect(docs.status).toBe(200);
      expect(existsSync(join(dataDir, 'postgres'))).toBe(true);
      expect(existsSync(join(dataDir, 'redis'))).toBe(true);
      expect(output.join('')).toContain(`Swagger UI: http://localhost:${port}/docs`);
      expect(output.join('')).toContain('Worker ready');
    } finally {
      exitCode = await stop(child);
    }
    // On failure, show what the launcher said.
    expect({ exitCode, output: exitCode === 0 ? '' : output.join('') }).toEqual({ exitCode: 0, output: '' });
    // The private redis-server went down with the launcher.
    const leftovers = spawnSync('pgrep', ['-f', `redis-server.*${dataDir}`], { encoding: 'utf8' });
    expect(leftovers.stdout.trim()).toBe('');
  }, 150_000);

  it('SIGTERM to `npm start` stops the API, the worker and the embedded services within the grace period', async () => {
    const port = await freePort();
    const output: string[] = [];
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        SHUTDOWN_GRACE_MS: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npm.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    npm.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    try {
      await waitReady(`http://127.0.0.1:${port}`, npm, 90_000);
      for (let i = 0; i < 450 && !output.join('').includes('Worker ready'); i++) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const tree = descendants(npm.pid!);
      const commands = tree.map(
        (pid) => spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout,
      );
      expect(commands.some((c) => c.includes('redis-server'))).toBe(true);
      expect(commands.some((c) => c.includes('apps/api/src/main.js'))).toBe(true);
      expect(commands.some((c) => c.includes('apps/worker/src/main.js'))).toBe(true);

      npm.kill('SIGTERM');
      const goneMs = await allGone([npm.pid!, ...tree], 15_000);
      process.stdout.write(`npm start: ${tree.length} processes stopped ${goneMs} ms after SIGTERM\n`);
      expect(goneMs).toBeLessThan(10_000);
      expect(output.join('')).toContain('SIGTERM received');
    } finally {
      if (npm.exitCode === null) npm.kill('SIGKILL');
    }
  }, 150_000);

  describe('with DATABASE_URL and REDIS_URL', () => {
    let db: TestDatabase;
    const sharedKey = Buffer.alloc(32, 9).toString('base64');
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('uses the given services and starts nothing embedded', async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [`${root}dist/src/cli/main.js`, 'start'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: String(port),
          DATA_DIR: dataDir,
          DATABASE_URL: db.url,
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: `fgt-launch-${port}`,
          // Replicas of one database share its secrets key (each test has its own DATA_DIR).
          SECRETS_KEY: sharedKey,
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      try {
        await waitReady(`http://127.0.0.1:${port}`, child, 90_000);
        expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
        expect(existsSync(join(dataDir, 'redis'))).toBe(false);
        // The worker becomes ready on its own schedule, after the API: wait for its connection rather than race it.
        let names: string[] = [];
        for (let i = 0; i < 300 && names.length < 2; i++) {
          if (i > 0) await new Promise((r) => setTimeout(r, 200));
          const sessions = await db.query<{ name: string }>(
            "SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'fusiongate-%'",
          );
          names = sessions.rows.map((r) => r.name).sort();
        }
        expect(names).toEqual(['fusiongate-api', 'fusiongate-worker']);
      } finally {
        expect(await stop(child)).toBe(0);
      }
    }, 150_000);

    it('a launcher killed outright (SIGKILL) does not leave its API and worker running', async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [`${root}dist/src/cli/main.js`, 'start'], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PORT: String(port),
          DATA_DIR: dataDir,
          DATABASE_URL: db.url,
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: `fgt-launch-${port}`,
          // Replicas of one database share its secrets key (each test has its own DATA_DIR).
          SECRETS_KEY: sharedKey,
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      });
      try {
        await waitReady(`http://127.0.0.1:${port}`, child, 90_000);
        const tree = descendants(child.pid!);
        expect(tree.length).toBe(2);
        child.kill('SIGKILL');
        await allGone(tree, 15_000);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }, 150_000);
  });
});
