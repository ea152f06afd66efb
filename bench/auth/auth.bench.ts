/**
 * Identity costs, measured through the whole API (Fastify inject, no socket) on a fresh database:
 * - login throughput at the production argon2id cost (m = 19 MiB, t = 2, p = 1), sequential and
 *   2 in parallel, and the wrong-password / unknown-email timings (they should match);
 * - per-request cost of authentication: an `@Authenticated()` route against an identical
 *   `@Public()` route in the same run (µs p50/p99), plus the JWT verification alone.
 *
 *   npm run build && node dist/bench/auth/auth.bench.js      (or: npm run bench:auth)
 *   env: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 *        BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_REQUESTS (default 3000),
 *        BENCH_LOGINS (default 24)
 */
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessTokenService, UserService } from '../../libs/auth/src/index.js';
import { Authenticated, Public, RequestContext } from '../../libs/common/src/index.js';
import { createBenchApp, scratchConfig, withScratch } from '../support/scratch.js';
import { stats } from '../support/stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 24);

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

async function timeRequests(
  app: NestFastifyApplication,
  url: string,
  headers: Record<string, string>,
): Promise<bigint[]> {
  const samples: bigint[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const start = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url, headers });
    samples.push(process.hrtime.bigint() - start);
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
  }
  return samples;
}

async function main(): Promise<void> {
  await withScratch('auth', async (scratch) => {
    const config = scratchConfig(scratch);
    const app = await createBenchApp(config, [BenchModule]);
    try {
      await measure(app, config.auth.argon2);
    } finally {
      await app.close();
    }
  });
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
  console.log(`\nper request (µs)              p50      p99     mean   (${open.length} requests each, inject)`);
  console.log(`no-auth route (@Public)   ${fmt(o.p50)} ${fmt(o.p99)} ${fmt(o.mean)}`);
  console.log(`authenticated route       ${fmt(a.p50)} ${fmt(a.p99)} ${fmt(a.mean)}`);
  console.log(
    `authentication overhead   ${fmt(a.p50 - o.p50)} ${fmt(a.p99 - o.p99)} ${fmt(a.mean - o.mean)}   (ratio p50 ${(a.p50 / o.p50).toFixed(2)}x)`,
  );
  console.log(`JWT verify alone (jose)   ${fmt(v.p50)} ${fmt(v.p99)} ${fmt(v.mean)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
