import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyDatabase } from '../support/database.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const clean = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

/** The compiled apps and CLI, as an operator runs them. */
describe('processes', () => {
  beforeAll(() => {
    const build = spawnSync(process.execPath, [`${root}scripts/ensure-build.mjs`], { encoding: 'utf8' });
    expect(build.stderr + build.stdout).not.toMatch(/error TS/);
    expect(build.status).toBe(0);
  }, 240_000);

  it.each([
    ['api', 'dist/apps/api/src/main.js'],
    ['worker', 'dist/apps/worker/src/main.js'],
  ])('%s stops at boot with one line naming a bad variable', (_name, entry) => {
    const result = spawnSync(process.execPath, [`${root}${entry}`], {
      env: { ...clean, PORT: 'eighty', DATA_DIR: '/nonexistent' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Invalid configuration: PORT .*"eighty"/),
    ]);
  });

  it('says in one line how to provide Redis when there is neither REDIS_URL nor redis-server', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-noredis-'));
    try {
      const result = spawnSync(process.execPath, [`${root}dist/apps/api/src/main.js`], {
        env: { PATH: '/nonexistent', HOME: clean.HOME, DATA_DIR: dataDir },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        'Redis is required: set REDIS_URL (e.g. redis://127.0.0.1:6379) or install redis-server on PATH.',
      ]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 40_000);

  it('CLI prints its commands and applies migrations', async () => {
    const help = await run(process.execPath, [`${root}dist/src/cli/main.js`, '--help'], { env: clean });
    expect(help.stdout).toContain('migrate');
    expect(help.stdout).toContain('start');

    const db = await createEmptyDatabase();
    try {
      const env = { ...clean, DATABASE_URL: db.url, SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };
      const first = await run(process.execPath, [`${root}dist/src/cli/main.js`, 'migrate'], { env });
      expect(first.stdout).toMatch(/^Applied \d+ migration\(s\):/);
      const second = await run(process.execPath, [`${root}dist/src/cli/main.js`, 'migrate'], { env });
      expect(second.stdout).toBe('Database is up to date.\n');
    } finally {
      await db.drop();
    }
  });
});
