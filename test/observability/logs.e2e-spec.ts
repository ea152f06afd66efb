import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '#libs/database';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { testRedisUrl } from '../support/redis.js';
import { ensureBuild } from '../support/workers.js';

const root = new URL('../../', import.meta.url).pathname;

function collect(child: ChildProcess): { lines: string[]; text: () => string } {
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
    });
  }
  return { lines, text: () => lines.join('\n') };
}

async function until(check: () => boolean | Promise<boolean>, child: ChildProcess, what: string): Promise<void> {
  for (let i = 0; i < 900; i++) {
    if (await check()) return;
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${what}`);
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** What an operator's log pipeline receives from `npm start`: one JSON shape, and no password. */
describe('process logs', () => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    ensureBuild();
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-logs-'));
  }, 240_000);
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await db?.drop();
  });

  const env = (port: number, extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATA_DIR: dataDir,
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: `fgt-logs-${port}`,
    LOG_LEVEL: 'info',
    AUTH_ARGON2_MEMORY_KIB: '1024',
    AUTH_ARGON2_TIME_COST: '1',
    ...extra,
  });

  it('are JSON lines from the launcher, the API and the worker, and the first password is only in a 0600 file', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [`${root}scripts/start.mjs`, 'start'], {
      env: env(port),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = collect(child);
    let password: string | undefined;
    let email: string | undefined;
    try {
      await until(() => out.text().includes('Worker ready') && out.text().includes('API ready'), child, 'readiness');
      const file = join(dataDir, 'first-admin-password.txt');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const content = await readFile(file, 'utf8');
      email = /email: (\S+)/.exec(content)![1];
      password = /password: (\S+)/.exec(content)![1];
      // The file holds the real credentials: they sign in.
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect([200, 401]).toContain(login.status);
      const body = (await login.json()) as { accessToken?: string; code?: string };
      // Platform administrators must enrol a second factor; either way the password was accepted.
      expect(body.accessToken ?? body.code).not.toBe('credentials_invalid');
      await fetch(`http://127.0.0.1:${port}/api/v1/nothing-here`);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    expect(password?.length).toBeGreaterThanOrEqual(12);
    expect(out.text()).not.toContain(password!);

    const lines = out.lines.filter((line) => line.trim() !== '');
    const parsed = lines.map((line) => {
      try {
        return JSON.parse(line) as { level: number; time: number; msg: string; name: string; pid: number };
      } catch {
        return { unparsed: line };
      }
    });
    expect(parsed.filter((p) => 'unparsed' in p)).toEqual([]);
    for (const entry of parsed as Array<{ level: number; time: number; msg: string; name: string; pid: number }>) {
      expect(entry).toMatchObject({
        level: expect.any(Number),
        time: expect.any(Number),
        pid: expect.any(Number),
        name: expect.stringMatching(/^(launcher|api|worker)$/),
      });
    }
    const names = new Set((parsed as Array<{ name: string }>).map((p) => p.name));
    expect([...names].sort()).toEqual(['api', 'launcher', 'worker']);
    const pointer = (parsed as Array<{ msg?: string; name: string }>).find((p) =>
      p.msg?.includes('first-admin-password.txt'),
    );
    expect(pointer).toMatchObject({ name: 'launcher' });
    expect(pointer!.msg).toContain(join(dataDir, 'first-admin-password.txt'));
    expect(pointer!.msg).not.toContain(email!);
  }, 200_000);

  it('are human-readable with LOG_FORMAT=pretty', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [`${root}dist/apps/api/src/main.js`], {
      env: env(port, { LOG_FORMAT: 'pretty' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = collect(child);
    try {
      await until(() => out.text().includes('API ready'), child, 'readiness');
    } finally {
      expect(await stop(child)).toBe(0);
    }
    const ready = out.lines.find((line) => line.includes('API ready'))!;
    expect(() => JSON.parse(ready)).toThrow();
    expect(ready).toMatch(/INFO/);
  }, 120_000);
});
