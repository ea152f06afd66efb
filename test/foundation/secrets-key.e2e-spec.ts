import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#libs/database';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testRedisUrl } from '../support/redis.js';
import { ensureBuild } from '../support/workers.js';

const root = new URL('../../', import.meta.url).pathname;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ready: boolean;
}

/**
 * Runs `node dist/apps/api/src/main.js` (as a container would) until it is ready (then stops it)
 * or exits on its own.
 */
async function runApi(env: Record<string, string>): Promise<Run> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${root}dist/apps/api/src/main.js`], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let ready = false;
  const deadline = Date.now() + 60_000;
  while (child.exitCode === null && Date.now() < deadline) {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
    if (res?.status === 200) {
      ready = true;
      child.kill('SIGTERM');
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (!ready && child.exitCode === null) child.kill('SIGKILL');
  return { code: await exited, stdout, stderr, ready };
}

/** Every replica must hold the shared SECRETS_KEY; one that does not refuses to start. */
describe('shared secrets key', () => {
  let db: TestDatabase;
  const dataDirs: string[] = [];

  beforeAll(async () => {
    ensureBuild();
    db = await createTestDatabase();
  }, 240_000);
  afterAll(async () => {
    await db.drop();
    await Promise.all(dataDirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  const replicaEnv = async (extra: Record<string, string> = {}) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-replica-'));
    dataDirs.push(dataDir);
    return {
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: `fgt-secrets-${randomBytes(3).toString('hex')}`,
      DATA_DIR: dataDir,
      ...extra,
    };
  };

  it('a replica without the shared key (it generates its own) refuses to start with one clear line', async () => {
    const shared = randomBytes(32).toString('base64');
    const first = await runApi(await replicaEnv({ SECRETS_KEY: shared }));
    expect({ ready: first.ready, code: first.code, stderr: first.stderr }).toEqual({
      ready: true,
      code: 0,
      stderr: '',
    });

    const second = await runApi(await replicaEnv({ SECRETS_KEY: shared }));
    expect(second.ready).toBe(true);

    // No SECRETS_KEY: the node generates one under its DATA_DIR, which cannot open the shared secrets.
    const stray = await runApi(await replicaEnv());
    expect(stray.ready).toBe(false);
    expect(stray.code).toBe(1);
    const lines = stray.stderr.trim().split('\n');
    expect(lines).toEqual([
      'SECRETS_KEY does not match the key this database was set up with: give every API and worker the same SECRETS_KEY (a node without one generates its own under DATA_DIR).',
    ]);
    // Nor does the key leak anywhere in what it printed.
    expect(stray.stdout + stray.stderr).not.toContain(shared);
  }, 180_000);
});
