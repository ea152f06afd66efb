/**
 * The request path under load, side by side in one run (autocannon, 50 connections, each server in
 * a process of its own):
 * - a bare NestJS-on-Fastify hello route (the framework's floor) against fusiongate's
 *   `GET /health/live`, which goes through every global hook, guard and interceptor of the API;
 * - a minimal hand-written guarded read on plain Fastify (EdDSA JWT verified with jose, a cached CASL
 *   ability, one pg query) against fusiongate's `GET /api/v1/orgs/:orgId/models?limit=50` as a
 *   developer, both reading the same 50 rows of the same database.
 * Rounds alternate between the servers; each figure is the median of the rounds. Beside req/s and
 * latency, the CPU time each server process spent per request (from /proc), which the load of a
 * shared machine distorts least; ratios of both are printed. The API runs from
 * dist/ with production settings (JSON logs at `info`, sent to /dev/null).
 *
 *   npm run bench:request-path [-- --quick]     (--quick: 3 s rounds)
 *   env: BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL (see bench/support/scratch.ts), BENCH_ROUNDS (default 3),
 *        BENCH_DURATION (seconds per round, default 10; 3 with --quick), BENCH_CONNECTIONS (default 50),
 *        BENCH_RATE (requests/s in all, for CPU per request at a set load; default as fast as served),
 *        BENCH_CPU_PROF (a directory: each server writes a V8 CPU profile under api/, hello/ and guarded/
 *        there when it stops),
 *        BENCH_TARGETS (comma-separated subset of hello,live,guarded,models; default all)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { BUILT_IN_ROLES } from '#libs/common';
import { freePort } from '#libs/database';
import { figure, report } from '../support/report.js';
import { scratchEnv, withScratch } from '../support/scratch.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION ?? (QUICK ? 3 : 10));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 0);
const MODELS = 200;
const dist = new URL('../../', import.meta.url).pathname;
/** Linux reports process CPU time in ticks of 1/100 s. */
const CLOCK_TICKS = 100;

interface Server {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `entry` (under dist/) on a free port; ready when it prints `ready`, or, with `probe`, when
 * it answers that path with 200 (its output is then discarded).
 */
async function start(entry: string, env: Record<string, string>, probe?: string, args: string[] = []): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...args, join(dist, entry)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(port) },
    stdio: ['ignore', probe ? 'ignore' : 'pipe', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const said = probe
    ? undefined
    : new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => /ready/.test(d.toString()) && resolve()));
  let ready = false;
  void said?.then(() => (ready = true));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    if (Date.now() - started > 120_000) throw new Error(`${entry} not ready in 120 s`);
    if (probe) {
      const res = await fetch(`${url}${probe}`).catch(() => undefined);
      if (res?.status === 200) break;
    } else if (ready) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time the server process spent per answered request (µs): what contention on the machine hides least. */
  cpu: number;
}

/** User + system CPU time of a process so far, in µs (Linux; 0 elsewhere). */
function cpuTime(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

async function load(
  server: Server,
  path: string,
  headers: Record<string, string> = {},
  duration = DURATION,
): Promise<Figures> {
  const before = cpuTime(server.pid);
  const result = await autocannon({
    url: `${server.url}${path}`,
    connections: CONNECTIONS,
    duration,
    headers,
    ...(RATE ? { overallRate: RATE } : {}),
  });
  const cpu = (cpuTime(server.pid) - before) / Math.max(1, result.requests.total);
  const url = `${server.url}${path}`;
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${url}: ${failed} of ${result.requests.total} requests failed`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (runs: Figures[]): Figures => ({
  rps: median(runs.map((r) => r.rps)),
  p50: median(runs.map((r) => r.p50)),
  p99: median(runs.map((r) => r.p99)),
  cpu: median(runs.map((r) => r.cpu)),
});

/** An organization, a developer in it (password sign-in) and MODELS models, straight into the database. */
async function seed(url: string): Promise<{ orgId: string; email: string; password: string }> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const email = 'developer@example.test';
    const password = 'bench passphrase of decent length';
    const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 });
    const {
      rows: [{ id: orgId }],
    } = await db.query<{ id: string }>(
      `INSERT INTO organization (name, slug, mfa_required_roles) VALUES ('bench', 'bench', '{}') RETURNING id`,
    );
    const {
      rows: [{ id: roleId }],
    } = await db.query<{ id: string }>(
      `INSERT INTO role (organization_id, name, built_in, permissions) VALUES ($1, 'developer', true, $2) RETURNING id`,
      [orgId, [...BUILT_IN_ROLES.developer]],
    );
    const {
      rows: [{ id: userId }],
    } = await db.query<{ id: string }>(
      `INSERT INTO user_account (email, display_name, password_hash, password_changed_at) VALUES ($1, 'Developer', $2, now()) RETURNING id`,
      [email, hash],
    );
    await db.query(`INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [
      orgId,
      userId,
      roleId,
    ]);
    await db.query(
      `INSERT INTO model (organization_id, name, slug, kind, family, description, labels, licence, owner_id, created_at)
       SELECT $1, 'Model ' || i, 'model-' || i, 'face_detector', 'yoloface', 'A face detector for the bench',
              ARRAY['bench', 'detector'], 'MIT', $2, now() - i * interval '1 second'
         FROM generate_series(1, $3) i`,
      [orgId, userId, MODELS],
    );
    return { orgId, email, password };
  } finally {
    await db.end();
  }
}

async function signIn(api: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${api}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

await withScratch('reqpath', async (scratch) => {
  const { orgId, email, password } = await seed(scratch.url);
  const apiEnv = { ...scratchEnv(scratch), NODE_ENV: 'production', LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
  const profile = process.env.BENCH_CPU_PROF;
  const profiled = (dir: string) => (profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, dir)}`] : []);
  const api = await start('apps/api/src/main.js', apiEnv, '/health/ready', profiled('api'));
  const servers: Server[] = [api];
  try {
    const token = await signIn(api.url, email, password);
    const claims = decodeJwt(token);
    const hello = await start('bench/http/request-path/hello-app.js', {}, undefined, profiled('hello'));
    servers.push(hello);
    const guarded = await start(
      'bench/http/request-path/guarded-read.js',
      {
        DATABASE_URL: scratch.url,
        JWKS_URL: `${api.url}/.well-known/jwks.json`,
        TOKEN_ISSUER: String(claims.iss),
        TOKEN_AUDIENCE: String(claims.aud),
      },
      undefined,
      profiled('guarded'),
    );
    servers.push(guarded);

    const modelsPath = `/api/v1/orgs/${orgId}/models?limit=50`;
    // Both answer the same page before anything is timed.
    const page = async (base: string) => {
      const res = await fetch(`${base}${modelsPath}`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${base}${modelsPath} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { items: { id: string }[] };
    };
    const [ours, theirs] = await Promise.all([page(api.url), page(guarded.url)]);
    if (ours.items.length !== 50 || JSON.stringify(ours.items) !== JSON.stringify(theirs.items)) {
      throw new Error('the API and the hand-written read do not answer the same 50 models');
    }

    type Target = 'hello' | 'live' | 'guarded' | 'models';
    const targets: [Target, string, (duration?: number) => Promise<Figures>][] = [
      ['hello', 'bare NestJS on Fastify: GET /hello', (d) => load(hello, '/hello', {}, d)],
      ['live', 'fusiongate: GET /health/live', (d) => load(api, '/health/live', {}, d)],
      [
        'guarded',
        'hand-written guarded read (jose + CASL + pg, 50 rows)',
        (d) => load(guarded, modelsPath, { authorization: `Bearer ${token}` }, d),
      ],
      [
        'models',
        'fusiongate: GET /orgs/:orgId/models?limit=50 (developer)',
        // A fresh token each round: the rounds outlast no access token.
        async (d) => load(api, modelsPath, { authorization: `Bearer ${await signIn(api.url, email, password)}` }, d),
      ],
    ];
    const chosen = process.env.BENCH_TARGETS?.split(',');
    const measured = targets.filter(([name]) => !chosen || chosen.includes(name));
    // Warm-up (JIT, pools, caches), not counted.
    for (const [, , run] of measured) await run(Math.min(DURATION, 3));
    const runs = new Map<Target, Figures[]>(measured.map(([name]) => [name, []]));
    const loads: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, , run] of measured) {
        runs.get(name)!.push(await run());
        loads.push(loadavg()[0]);
      }
    }

    const fig = new Map([...runs].map(([name, figures]) => [name, summary(figures)]));
    // req/s: the base's CPU time per request over this one's (the second ratio: contention on a
    // shared machine moves it least).
    const ratios = (name: Target, base: Target): [string, string] => {
      const [a, b] = [fig.get(name), fig.get(base)];
      if (!a || !b) return ['', ''];
      return [`${(a.rps / b.rps).toFixed(2)}×`, a.cpu > 0 ? `${(b.cpu / a.cpu).toFixed(2)}×` : ''];
    };
    console.log(
      `request path: ${CONNECTIONS} connections, ${DURATION} s rounds, median of ${ROUNDS}; ` +
        `load average during the rounds ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (${cpus().length} cores)`,
    );
    console.log(
      `${''.padEnd(58)}${'req/s'.padStart(9)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'ratio'.padStart(9)}${'CPU µs/req'.padStart(12)}${'ratio'.padStart(9)}`,
    );
    for (const [name, label] of measured) {
      const f = fig.get(name)!;
      const [r, c] =
        name === 'live' ? ratios('live', 'hello') : name === 'models' ? ratios('models', 'guarded') : ['', ''];
      console.log(
        `${label.padEnd(58)}${f.rps.toFixed(0).padStart(9)}${f.p50.toFixed(1).padStart(9)}${f.p99.toFixed(1).padStart(9)}` +
          `${r.padStart(9)}${f.cpu.toFixed(1).padStart(12)}${c.padStart(9)}`,
      );
    }
    const [models, guardedRead] = [fig.get('models'), fig.get('guarded')];
    if (models && guardedRead) {
      console.log(
        `model list p99 against the hand-written read: ${models.p99.toFixed(1)} ms vs ${guardedRead.p99.toFixed(1)} ms`,
      );
    }
    const [live, bare] = [fig.get('live'), fig.get('hello')];
    report('request-path', [
      ...(live && bare
        ? [
            figure('GET /health/live', live.rps, 'req/s', ['bare NestJS hello', bare.rps], 'higher'),
            figure('GET /health/live, CPU per request', live.cpu, 'µs', ['bare NestJS hello', bare.cpu]),
          ]
        : []),
      ...(models && guardedRead
        ? [
            figure(
              'GET models?limit=50',
              models.rps,
              'req/s',
              ['hand-written guarded read', guardedRead.rps],
              'higher',
            ),
            figure('GET models?limit=50, p99', models.p99, 'ms', ['hand-written guarded read', guardedRead.p99]),
            figure('GET models?limit=50, CPU per request', models.cpu, 'µs', [
              'hand-written guarded read',
              guardedRead.cpu,
            ]),
          ]
        : []),
    ]);
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
});
