import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#libs/database';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { testRedisUrl } from '../support/redis.js';

const root = new URL('../../', import.meta.url).pathname;

/** What an operator reads in the API's logs: JSON lines carrying the request id, and no secrets. */
describe('API logs', () => {
  let db: TestDatabase;
  let dataDir: string;
  let child: ChildProcess;
  const lines: string[] = [];
  let base: string;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [`${root}scripts/ensure-build.mjs`], { encoding: 'utf8' });
    expect(build.status).toBe(0);
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-logs-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [`${root}dist/apps/api/src/main.js`], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        REDIS_URL: testRedisUrl(),
        REDIS_KEY_PREFIX: `fgt-logs-${port}`,
        SECRETS_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
    });
    for (let i = 0; i < 300; i++) {
      if ((await fetch(`${base}/health/live`).catch(() => undefined))?.ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('API did not start');
  }, 240_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    await rm(dataDir, { recursive: true, force: true });
    await db.drop();
  });

  it('writes JSON lines with the request id, and never the password, token or API key sent', async () => {
    const password = `Secret-${randomBytes(8).toString('hex')}`;
    const bearer = `eyJ${randomBytes(12).toString('hex')}.e30.sig`;
    const apiKey = `fgk_${randomBytes(10).toString('hex')}`;
    // Probes are the most frequent requests and write no line.
    await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'trace-probe-0' } });
    await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-login-1' },
      body: JSON.stringify({ email: 'nobody@example.test', password }),
    });
    await fetch(`${base}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${bearer}`, 'x-request-id': 'trace-me-2' },
    });
    await fetch(`${base}/api/v1/auth/me`, { headers: { 'x-api-key': apiKey, 'x-request-id': 'trace-key-3' } });

    const ids = ['trace-login-1', 'trace-me-2', 'trace-key-3'];
    const logged = (id: string) =>
      lines
        .map((line) => JSON.parse(line) as { req?: { id?: string }; reqId?: string })
        .some((entry) => entry.req?.id === id || entry.reqId === id);
    // Each request's lines carry its id (waiting for the child's output to arrive).
    await eventually('a log line for each request id', () => (ids.every(logged) ? true : undefined));
    expect(logged('trace-probe-0')).toBe(false);
    // Each request's own line: what was asked, how it was answered, how long it took.
    const meLine = lines
      .map(
        (line) =>
          JSON.parse(line) as {
            req?: { id?: string; method?: string; url?: string };
            res?: object;
            responseTime?: number;
          },
      )
      .find((entry) => entry.req?.id === 'trace-me-2');
    expect(meLine).toMatchObject({ req: { method: 'GET', url: '/api/v1/auth/me' }, res: { statusCode: 401 } });
    expect(meLine?.responseTime).toEqual(expect.any(Number));
    const all = lines.join('\n');
    expect(all).not.toContain(password);
    expect(all).not.toContain(bearer);
    expect(all).not.toContain(apiKey);
  });
});
