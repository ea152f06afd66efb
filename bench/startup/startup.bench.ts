/**
 * Start-up time, as an operator sees it: the production build (`npm run build`, swc; against tsc
 * emitting the same files), then from process spawn to `GET /health/ready` answering 200 (and
 * Swagger UI serving), for
 * - `npm start` on embedded defaults (PGlite + private Redis), first boot on an empty DATA_DIR
 *   (creates and migrates the database) and a second boot on the same DATA_DIR;
 * - the API alone on the machine's PostgreSQL and Redis (database migrated beforehand).
 *
 * A fresh clone's `npm start` (after `npm ci`) is one build and one first boot.
 *
 *   npm run bench:startup        env: BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL, BENCH_RUNS (default 3)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '#libs/database';
import { figure, report } from '../support/report.js';
import { scratchEnv, withScratch } from '../support/scratch.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dist = new URL('../../', import.meta.url).pathname;
const root = new URL('../../../', import.meta.url).pathname;

/** Milliseconds `node <args>` takes in the repository root, writing its output to a scratch folder. */
async function buildOnce(args: (out: string) => string[]): Promise<number> {
  const out = await mkdtemp(join(tmpdir(), 'fusiongate-bench-build-'));
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, args(out), { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) throw new Error(`node ${args(out).join(' ')} exited with ${run.status}`);
    return performance.now() - started;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

async function bootOnce(entry: string, args: string[], env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(dist, entry), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      ...env,
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
      if (performance.now() - started > 300_000) throw new Error(`${entry} not ready in 300 s`);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      if (ready?.status === 200) {
        const docs = await fetch(`http://127.0.0.1:${port}/docs`);
        if (docs.status === 200) return performance.now() - started;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) =>
  `median ${(median(xs) / 1000).toFixed(2)} s  (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(', ')})`;

async function main(): Promise<void> {
  const swcBuild: number[] = [];
  const tscBuild: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    swcBuild.push(await buildOnce((out) => ['scripts/build.mjs', '--out-dir', out]));
    tscBuild.push(
      await buildOnce((out) => ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out]),
    );
  }

  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-bench-start-'));
    try {
      first.push(await bootOnce('src/cli/main.js', ['start'], { DATA_DIR: dataDir }));
      second.push(await bootOnce('src/cli/main.js', ['start'], { DATA_DIR: dataDir }));
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }

  const apiOnly: number[] = [];
  await withScratch('start', async (scratch) => {
    const env = scratchEnv(scratch);
    for (let i = 0; i < RUNS; i++) apiOnly.push(await bootOnce('apps/api/src/main.js', [], env));
  });

  console.log('production build (apps, libs, src)');
  console.log(`  npm run build (swc)                          : ${fmt(swcBuild)}`);
  console.log(`  tsc emitting the same files                  : ${fmt(tscBuild)}`);
  console.log('start-up to /health/ready 200 and Swagger UI 200');
  console.log(`  npm start, embedded defaults, empty DATA_DIR : ${fmt(first)}`);
  console.log(`  npm start, embedded defaults, existing data  : ${fmt(second)}`);
  console.log(`  API alone on PostgreSQL 15 + Redis           : ${fmt(apiOnly)}`);
  console.log(
    `fresh clone's npm start (build + first boot)   : ${((median(swcBuild) + median(first)) / 1000).toFixed(2)} s`,
  );

  const s = (ms: number) => ms / 1000;
  report('startup', [
    figure('build', s(median(swcBuild)), 's', ['tsc build', s(median(tscBuild))]),
    figure('fresh clone: build + first start', s(median(swcBuild) + median(first)), 's', [
      'tsc build + first start',
      s(median(tscBuild) + median(first)),
    ]),
    figure('npm start, empty DATA_DIR', s(median(first)), 's'),
    figure('npm start, existing data', s(median(second)), 's'),
    figure('API alone on PostgreSQL + Redis', s(median(apiOnly)), 's'),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
