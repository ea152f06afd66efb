/**
 * Identity costs, measured through the whole API (Fastify inject, no socket) on a fresh database:
 * - login throughput at the production argon2id cost (m = 19 MiB, t = 2, p = 1), sequential and
 *   2 in parallel, and the wrong-password / unknown-email timings (they should match);
 * - per-request cost of authentication: an `@Authenticated()` route against an identical
 *   `@Public()` route in the same run (µs p50/p99), the µs it adds against the goal (100 µs p50),
 *   plus the JWT verification alone (what a request paid before verified tokens were remembered).
 *
 * - the cost of observability on the request path: the metric updates one authenticated request
 *   makes, alone (ns); and, with BENCH_SOCKET=1 (requests through a real socket, as tracing sees
 *   them) and BENCH_TRACING=1 (OpenTelemetry on, exporting to an OTLP sink in a child process), the
 *   same per-request figures with tracing on, to compare with a run without it.
 *
 *   npm run build:tools && node dist/bench/auth/auth.bench.js      (or: npm run bench:auth)
 *   env: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 *        BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_REQUESTS (default 3000),
 *        BENCH_LOGINS (default 24), BENCH_SOCKET (0/1), BENCH_TRACING (0/1)
 */
import { spawn } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessTokenService, UserService } from '#libs/auth';
import { Authenticated, metrics, Public, RequestContext, startTracing } from '#libs/common';
import { figure, report } from '../support/report.js';
import { createBenchApp, scratchConfig, withScratch } from '../support/scratch.js';
import { stats } from '../support/stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 24);
const SOCKET = process.env.BENCH_SOCKET === '1';
const TRACING = process.env.BENCH_TRACING === '1';
let baseUrl = '';
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function overSocket(url: string, headers: Record<string, string>): Promise<{ statusCode: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${url}`, { headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An OTLP/HTTP receiver in a child process that counts spans and discards them. */
async function startSink(): Promise<{ url: string; spans(): Promise<number>; stop(): void }> {
  const code = `let n=0;const s=require('http').createServer((q,r)=>{let b='';q.on('data',c=>b+=c);q.on('end',()=>{n+=(b.match(/"spanId"/g)||[]).length;r.end('{}')})});
s.listen(0,'127.0.0.1',()=>process.stdout.write('port '+s.address().port+'\\n'));process.on('message',()=>process.send(n));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => resolve(Number(/port (\d+)/.exec(d.toString())![1]))),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () =>
      new Promise((resolve) => {
        child.once('message', (n) => resolve(Number(n)));
        child.send('count');
      }),
    stop: () => child.kill(),
  };
}

@Controller('bench')
class BenchController {
  @Public()
  @Get('open')
  open() {
    return { ok: true };
  }

  @Authenticated()
  @Get('authed')
  authed() {
    return { ok: true };
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

const fmt = (n: number) => n.toFixed(1).padStart(8);
/** What authentication may add to a request at p50 (a verified-token cache and pushed session state). */
const ADDED_GOAL_US = 100;

async function timeRequests(
  app: NestFastifyApplication,
  url: string,
  headers: Record<string, string>,
): Promise<bigint[]> {
  const samples: bigint[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = process.hrtime.bigint();
    const res = SOCKET ? await overSocket(url, headers) : await app.inject({ method: 'GET', url, headers });
    samples.push(process.hrtime.bigint() - start);
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
  }
  return samples;
}

async function main(): Promise<void> {
  const sink = TRACING ? await startSink() : undefined;
  const stopTracing = await startTracing('fusiongate-bench', sink?.url);
  await withScratch('auth', async (scratch) => {
    const config = scratchConfig(scratch);
    const app = await createBenchApp(config, [BenchModule]);
    if (SOCKET) {
      await app.listen({ port: 0, host: '127.0.0.1' });
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    }
    try {
      await measure(app, config.auth.argon2);
    } finally {
      agent.destroy();
      await app.close();
    }
  });
  await stopTracing();
  if (sink) {
    console.log(`spans received by the OTLP sink: ${await sink.spans()}`);
    sink.stop();
  }
  metricUpdates();
}

/** What the metrics add to one authenticated request: its histogram observation and counter increments. */
function metricUpdates(): void {
  const n = 200_000;
  const run = () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      metrics.principalCache.inc({ result: 'hit' });
      metrics.authzDecisions.inc({ level: 'route', permission: 'model:read', outcome: 'allowed' });
      metrics.httpDuration.observe({ method: 'GET', route: '/api/v1/bench/authed', status: '200' }, 0.0012);
    }
    return Number(process.hrtime.bigint() - start) / n;
  };
  run();
  console.log(`metric updates per request (1 histogram + 2 counters): ${run().toFixed(0)} ns`);
}

async function measure(app: NestFastifyApplication, argon2: { memoryKiB: number; timeCost: number }): Promise<void> {
  const password = 'bench passphrase of decent length';
  const email = 'bench@example.test';
  await app.get(UserService).create(RequestContext.system('bench'), { email, password });
  const login = async (body: Record<string, string>) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: body });
    return res;
  };
  // Warm-up: signing key creation, dummy hash, JIT.
  await login({ email, password });
  await login({ email: 'nobody@example.test', password });

  console.log(`argon2id m=${argon2.memoryKiB} KiB, t=${argon2.timeCost}, p=1`);
  const seqStart = process.hrtime.bigint();
  const loginSamples: bigint[] = [];
  let accessToken = '';
  for (let i = 0; i < LOGINS; i++) {
    const start = process.hrtime.bigint();
    const res = await login({ email, password });
    loginSamples.push(process.hrtime.bigint() - start);
    if (res.statusCode !== 200) throw new Error(`login answered ${res.statusCode}: ${res.body}`);
    accessToken = (res.json() as { accessToken: string }).accessToken;
  }
  const seqSeconds = Number(process.hrtime.bigint() - seqStart) / 1e9;
  const parStart = process.hrtime.bigint();
  await Promise.all(
    [0, 1].map(async () => {
      for (let i = 0; i < LOGINS / 2; i++) await login({ email, password });
    }),
  );
  const parSeconds = Number(process.hrtime.bigint() - parStart) / 1e9;
  const ls = stats(loginSamples);
  console.log(
    `login, sequential:     ${(LOGINS / seqSeconds).toFixed(1)} logins/s  (p50 ${(ls.p50 / 1000).toFixed(1)} ms, p99 ${(ls.p99 / 1000).toFixed(1)} ms)`,
  );
  console.log(`login, 2 in parallel:  ${(LOGINS / parSeconds).toFixed(1)} logins/s`);

  // Failure timings, interleaved: a wrong password for existing accounts vs unknown emails (each
  // attempt on a different account, so no throttling delay applies).
  const users = app.get(UserService);
  const wrongSamples: bigint[] = [];
  const unknownSamples: bigint[] = [];
  for (let i = 0; i < 8; i++) {
    await users.create(RequestContext.system('bench'), { email: `known${i}@example.test`, password });
    for (const [target, samples] of [
      [`known${i}@example.test`, wrongSamples],
      [`ghost${i}@example.test`, unknownSamples],
    ] as const) {
      const start = process.hrtime.bigint();
      const res = await login({ email: target, password: 'not the right passphrase' });
      samples.push(process.hrtime.bigint() - start);
      if (res.statusCode !== 401) throw new Error(`failed login answered ${res.statusCode}`);
    }
  }
  const wrong = stats(wrongSamples);
  const unknown = stats(unknownSamples);
  console.log(
    `failed login p50: wrong password ${(wrong.p50 / 1000).toFixed(1)} ms, unknown email ${(unknown.p50 / 1000).toFixed(1)} ms`,
  );

  // Per-request authentication cost, both routes in the same run, interleaved in two rounds.
  const auth = { authorization: `Bearer ${accessToken}` };
  await timeRequests(app, '/api/v1/bench/open', {});
  await timeRequests(app, '/api/v1/bench/authed', auth);
  const open = [
    ...(await timeRequests(app, '/api/v1/bench/open', {})),
    ...(await timeRequests(app, '/api/v1/bench/open', {})),
  ];
  const authed = [
    ...(await timeRequests(app, '/api/v1/bench/authed', auth)),
    ...(await timeRequests(app, '/api/v1/bench/authed', auth)),
  ];
  const tokens = app.get(AccessTokenService);
  const verifySamples: bigint[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = process.hrtime.bigint();
    await tokens.verify(accessToken);
    verifySamples.push(process.hrtime.bigint() - start);
  }
  const o = stats(open);
  const a = stats(authed);
  const v = stats(verifySamples);
  const transport = SOCKET ? 'socket' : 'inject';
  console.log(
    `\nper request (µs)              p50      p99     mean   (${open.length} requests each, ${transport}, tracing ${TRACING ? 'on' : 'off'})`,
  );
  console.log(`no-auth route (@Public)   ${fmt(o.p50)} ${fmt(o.p99)} ${fmt(o.mean)}`);
  console.log(`authenticated route       ${fmt(a.p50)} ${fmt(a.p99)} ${fmt(a.mean)}`);
  console.log(
    `authentication overhead   ${fmt(a.p50 - o.p50)} ${fmt(a.p99 - o.p99)} ${fmt(a.mean - o.mean)}   (ratio p50 ${(a.p50 / o.p50).toFixed(2)}x)`,
  );
  console.log(`JWT verify alone (jose)   ${fmt(v.p50)} ${fmt(v.p99)} ${fmt(v.mean)}`);
  const added = a.p50 - o.p50;
  console.log(
    `goal: authentication adds <= ${ADDED_GOAL_US} µs p50 over a public route: ${added.toFixed(1)} µs, ${added <= ADDED_GOAL_US ? 'met' : 'NOT met'}`,
  );
  report('auth', [
    figure('authenticated route p50', a.p50, 'µs', ['no-auth route p50', o.p50]),
    figure('authenticated route p99', a.p99, 'µs', ['no-auth route p99', o.p99]),
    figure('authentication overhead p50', a.p50 - o.p50, 'µs'),
    figure('JWT verify p50 (jose)', v.p50, 'µs'),
    figure('logins, sequential', LOGINS / seqSeconds, 'logins/s', undefined, 'higher'),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
