/**
 * Fusion job platform costs, on the machine's PostgreSQL and Redis, with the API in this process
 * (HTTP on a loopback socket) and real worker processes (the compiled worker, as in production)
 * running a trivial model set (generated UltraFace / ArcFace / InSwapper-shaped models, 320×240 JPEGs):
 * - raw Bull latency on the same Redis (private prefix): add() → processor invoked, the floor;
 * - HTTP submit → worker start with one idle worker: the submit round trip, request sent →
 *   `started_at`, and the API's enqueue → `started_at` (the figure comparable with raw Bull);
 * - the platform's overhead per job: (`finished_at` − `queued_at`) − engine time (`timings.total`);
 * - throughput (jobs/s) with 1, 2 and 4 worker processes (1 inference thread, concurrency 1 each).
 *
 *   npm run bench:jobs
 *   env: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 *        BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_RAW_JOBS (default 300),
 *        BENCH_LATENCY_JOBS (default 100), BENCH_THROUGHPUT_JOBS (default 40)
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import Bull from 'bull';
import { Redis } from 'ioredis';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { UserService } from '#libs/auth';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { FUSION_QUEUE, JobQueue } from '#libs/jobs';
import { OrganizationService } from '#libs/organizations';
import { buildArcFaceModel, buildInswapperModel, buildUltraFaceModel } from '../../test/fixtures/onnx/face-models.js';
import { ensureRealFixtures } from '../../test/fixtures/real-fixtures.js';
import { scratchEnv, withScratch } from '../support/scratch.js';
import { Client, registerModel, startWorker, type WorkerProcess } from '../support/fusion-stack.js';
import { stats, type Summary } from '../support/stats.js';

const RAW_JOBS = Number(process.env.BENCH_RAW_JOBS ?? 300);
const LATENCY_JOBS = Number(process.env.BENCH_LATENCY_JOBS ?? 100);
const THROUGHPUT_JOBS = Number(process.env.BENCH_THROUGHPUT_JOBS ?? 40);
const WORKER_COUNTS = [1, 2, 4];
/** Submissions in flight at once in the throughput runs. */
const SUBMIT_CONCURRENCY = 4;
/** Pause after a job completes before the next one is submitted, so the consumer is idle and waiting. */
const IDLE_GAP_MS = 20;
const WARM_UP = 5;
/** Every wait is bounded by this, and the whole run by BUDGET_MS. */
const JOB_TIMEOUT_MS = 60_000;
const BUDGET_MS = 6 * 60_000;
const TERMINAL = ['completed', 'failed', 'cancelled'];

const runDeadline = Date.now() + BUDGET_MS;
/** Wall-clock milliseconds with sub-millisecond resolution, comparable with PostgreSQL's now() on this machine. */
const wallNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkBudget(): void {
  if (Date.now() > runDeadline) throw new Error(`bench ran past its ${BUDGET_MS / 60_000} min budget`);
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** p50/p99/mean in ms of samples in ms. */
const msStats = (samples: number[]): Summary => {
  const s = stats(samples.map((ms) => Math.round(ms * 1e6)));
  return { p50: s.p50 / 1000, p99: s.p99 / 1000, mean: s.mean / 1000 };
};
const fmt = (n: number) => n.toFixed(2).padStart(9);
const line = (label: string, samples: number[]) => {
  const s = msStats(samples);
  return `${label.padEnd(46)}${fmt(s.p50)}${fmt(s.p99)}${fmt(s.mean)}`;
};
const header = (title: string) =>
  `${title.padEnd(46)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'mean ms'.padStart(9)}`;

interface Submitted {
  id: string;
  /** Wall clock when the request was sent. */
  sentAt: number;
  /** Request sent → 202 received. */
  rttMs: number;
}

// ---- job rows ------------------------------------------------------------------------------------

interface JobTimes {
  id: string;
  status: string;
  errorCode: string | null;
  queued: number;
  started: number | null;
  finished: number | null;
  timings: Record<string, number> | null;
}

async function jobTimes(db: DataSource, ids: string[]): Promise<Map<string, JobTimes>> {
  const rows: Array<Record<string, string | null> & { timings: Record<string, number> | null }> = await db.query(
    `SELECT id, status, error_code, timings,
            extract(epoch FROM queued_at) * 1000 AS queued,
            extract(epoch FROM started_at) * 1000 AS started,
            extract(epoch FROM finished_at) * 1000 AS finished
       FROM job WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const num = (v: string | null) => (v === null ? null : Number(v));
  return new Map(
    rows.map((r) => [
      r.id!,
      {
        id: r.id!,
        status: r.status!,
        errorCode: r.error_code,
        queued: Number(r.queued),
        started: num(r.started),
        finished: num(r.finished),
        timings: r.timings,
      },
    ]),
  );
}

async function waitForJobs(db: DataSource, ids: string[], pollMs: number): Promise<Map<string, JobTimes>> {
  const deadline = Date.now() + JOB_TIMEOUT_MS + ids.length * 2_000;
  for (;;) {
    const [{ n }]: Array<{ n: string }> = await db.query(
      `SELECT count(*) AS n FROM job WHERE id = ANY($1::uuid[]) AND status = ANY($2::text[])`,
      [ids, TERMINAL],
    );
    if (Number(n) === ids.length) return jobTimes(db, ids);
    if (Date.now() > deadline)
      throw new Error(`${ids.length - Number(n)} of ${ids.length} job(s) not finished in time`);
    checkBudget();
    await sleep(pollMs);
  }
}

function failures(rows: Iterable<JobTimes>): string {
  const codes = new Map<string, number>();
  for (const r of rows)
    if (r.status !== 'completed') codes.set(r.errorCode ?? r.status, (codes.get(r.errorCode ?? r.status) ?? 0) + 1);
  return [...codes].map(([code, n]) => `${n}× ${code}`).join(', ');
}

// ---- the bench ----------------------------------------------------------------------------------

/** add() → processor invoked on a private Bull queue with the fusion queue's job options, one job at a time. */
async function rawBull(redisUrl: string, prefix: string): Promise<number[]> {
  const queue = new Bull<{ i: number }>('raw', redisUrl, {
    prefix: `${prefix}:raw-bull`,
    defaultJobOptions: { attempts: 3, removeOnComplete: true },
  });
  let onActive: (at: number) => void = () => undefined;
  void queue.process('tick', 1, async () => onActive(performance.now()));
  await queue.isReady();
  const samples: number[] = [];
  try {
    for (let i = 0; i < WARM_UP * 4 + RAW_JOBS; i++) {
      checkBudget();
      const active = new Promise<number>((resolve) => (onActive = resolve));
      const completed = new Promise<void>((resolve) => queue.once('completed', () => resolve()));
      const start = performance.now();
      await queue.add('tick', { i }, { priority: 1 });
      const at = await within(active, 10_000, 'raw Bull job');
      if (i >= WARM_UP * 4) samples.push(at - start);
      await within(completed, 10_000, 'raw Bull completion');
      await sleep(IDLE_GAP_MS);
    }
  } finally {
    await queue.close();
  }
  return samples;
}

async function main(): Promise<void> {
  const fixtures = ensureRealFixtures();
  const source = await sharp(readFileSync(fixtures.photos.sample2))
    .resize(320, 240, { fit: 'cover' })
    .jpeg({ quality: 85 })
    .toBuffer();
  // Distinct targets (one pixel differs), as distinct uploads would be; encoded before anything is timed.
  const raw = await sharp(readFileSync(fixtures.photos.sample3))
    .resize(320, 240, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const targets: Buffer[] = [];
  const targetCount = LATENCY_JOBS + WORKER_COUNTS.length * THROUGHPUT_JOBS + 40;
  for (let i = 0; i < targetCount; i++) {
    const pixels = Buffer.from(raw.data);
    pixels[0] = i & 255;
    pixels[1] = (i >> 8) & 255;
    targets.push(
      await sharp(pixels, { raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels } })
        .jpeg({ quality: 85 })
        .toBuffer(),
    );
  }
  let nextTarget = 0;
  const sourceBlob = new Blob([source], { type: 'image/jpeg' });

  await withScratch('jobs', async (scratch) => {
    const env = scratchEnv(scratch);
    const config = AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ...env });
    const workers: WorkerProcess[] = [];
    // Last resort if this process dies without its finally blocks: no worker outlives the bench.
    process.once('exit', () => workers.forEach((w) => w.child.kill('SIGKILL')));
    let app: NestFastifyApplication | undefined;
    let listener: Bull.Queue | undefined;
    try {
      app = await createApiApp(config);
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as { port: number }).port;
      const db = app.get(DataSource);
      const http = new Client(`http://127.0.0.1:${port}`);

      // When the API hands each job to Bull (its enqueue follows the commit), for enqueue → start.
      const enqueuedAt = new Map<string, number>();
      const producer = app.get(JobQueue);
      const enqueue = producer.enqueue.bind(producer);
      producer.enqueue = (job, delayMs) => {
        enqueuedAt.set(job.id, wallNow());
        return enqueue(job, delayMs);
      };
      // When a worker takes each entry (Bull's global `active` event, seen from here through Redis pub/sub).
      const activeAt = new Map<string, number>();
      listener = new Bull(FUSION_QUEUE, env.REDIS_URL, { prefix: `${env.REDIS_KEY_PREFIX}:bull` });
      const registered = new Promise<void>((resolve) => listener!.once('registered:global:active', () => resolve()));
      listener.on('global:active', (queueJobId: string) => activeAt.set(String(queueJobId), wallNow()));
      await within(registered, 10_000, 'subscribing to the fusion queue events');

      // Tenant: an owner without MFA requirement, as the other benches make one.
      const password = 'bench passphrase of decent length';
      const email = `bench-${randomBytes(3).toString('hex')}@example.test`;
      const user = await app.get(UserService).create(RequestContext.system('bench'), { email, password });
      const creator = new RequestContext({ requestId: 'bench', actor: { type: 'user', id: user.id, userId: user.id } });
      const org = await app
        .get(OrganizationService)
        .create(creator, { name: 'Bench', slug: `bench-${randomBytes(3).toString('hex')}` });
      await app.get(OrganizationService).update(creator.forOrganization(org.id), { mfaRequiredRoles: [] });
      const login = await http.expect<{ accessToken: string }>(200, 'POST', '/api/v1/auth/login', { email, password });
      http.token = login.accessToken;

      // Trivial models: the detector reports one fixed face, the recognizer averages planes, the swapper paints.
      await registerModel(
        http,
        org.id,
        'face_detector',
        'ultraface',
        buildUltraFaceModel([{ box: [100, 40, 220, 200] }]),
      );
      await registerModel(http, org.id, 'face_recognizer', 'arcface', buildArcFaceModel(0.03));
      const swapperId = await registerModel(
        http,
        org.id,
        'face_swapper',
        'inswapper',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
      );
      const fusePath = `/api/v1/orgs/${org.id}/models/${swapperId}/fuse`;

      const submit = async (): Promise<Submitted> => {
        const form = new FormData();
        form.append('source', sourceBlob, 'source.jpg');
        form.append('target', new Blob([targets[nextTarget++ % targets.length]], { type: 'image/jpeg' }), 'target.jpg');
        const sentAt = wallNow();
        const start = performance.now();
        const res = await fetch(`${http.base}${fusePath}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${http.token}` },
          body: form,
        });
        const body = (await res.json()) as { id: string };
        const rttMs = performance.now() - start;
        if (res.status !== 202) throw new Error(`fuse answered ${res.status}: ${JSON.stringify(body)}`);
        return { id: body.id, sentAt, rttMs };
      };
      /** Submits `n` jobs with SUBMIT_CONCURRENCY in flight. */
      const submitMany = async (n: number): Promise<Submitted[]> => {
        const out: Submitted[] = [];
        let left = n;
        await Promise.all(
          Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
            while (left > 0) {
              left--;
              out.push(await submit());
            }
          }),
        );
        return out;
      };
      /** Submits `n` jobs while the queue is paused, then resumes it: the workers find a backlog. */
      const submitBacklog = async (n: number): Promise<{ submitted: Submitted[]; resumedAt: number }> => {
        await producer.queue.pause();
        try {
          const submitted = await submitMany(n);
          const resumedAt = wallNow();
          await producer.queue.resume();
          return { submitted, resumedAt };
        } catch (error) {
          await producer.queue.resume();
          throw error;
        }
      };

      console.log(
        `machine: ${cpus().length} CPU(s), load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}; API and bench client in one process, workers in their own`,
      );
      console.log(
        'models: generated UltraFace (1 fixed face) + ArcFace-shaped + InSwapper-shaped; 320×240 JPEG source and target\n',
      );

      // ---- raw Bull -----------------------------------------------------------------------------
      const rawSamples = await rawBull(config.redis.url!, config.redis.keyPrefix);

      // ---- HTTP submit → worker start, one idle worker -----------------------------------------------
      workers.push(await startWorker(env));
      const warm = await submitMany(WARM_UP);
      await waitForJobs(
        db,
        warm.map((s) => s.id),
        50,
      );
      const latency: Submitted[] = [];
      for (let i = 0; i < LATENCY_JOBS; i++) {
        checkBudget();
        const s = await submit();
        latency.push(s);
        await waitForJobs(db, [s.id], 10);
        await sleep(IDLE_GAP_MS);
      }
      const rows = await jobTimes(
        db,
        latency.map((s) => s.id),
      );
      const done = latency.filter((s) => rows.get(s.id)?.status === 'completed');
      const row = (s: Submitted) => rows.get(s.id)!;
      console.log(header(`one idle worker, ${done.length}/${latency.length} jobs one at a time`));
      console.log(line('raw Bull add() → processor (same Redis)', rawSamples));
      const enqueueToStart = done.map((s) => row(s).started! - enqueuedAt.get(s.id)!);
      console.log(line('API enqueue (Bull add) → worker start', enqueueToStart));
      const taken = done.filter((s) => activeAt.has(s.id));
      console.log(
        line(
          '  enqueue → Bull active (worker took it)',
          taken.map((s) => activeAt.get(s.id)! - enqueuedAt.get(s.id)!),
        ),
      );
      console.log(
        line(
          '  Bull active → started_at (start checks)',
          taken.map((s) => row(s).started! - activeAt.get(s.id)!),
        ),
      );
      console.log(
        line(
          'HTTP submit round trip (sent → 202)',
          latency.map((s) => s.rttMs),
        ),
      );
      const submitToStart = done.map((s) => row(s).started! - s.sentAt);
      console.log(line('HTTP submit → worker start (sent → started_at)', submitToStart));
      console.log(
        line(
          'queued_at → started_at (row)',
          done.map((s) => row(s).started! - row(s).queued),
        ),
      );
      const verdict = (label: string, samples: number[]) => {
        const s = msStats(samples);
        return `${label}: p50 ${s.p50 <= 5 ? 'met' : 'NOT met'}, p99 ${s.p99 <= 20 ? 'met' : 'NOT met'}`;
      };
      console.log(
        `goal ≤ 5 ms p50, ≤ 20 ms p99 — ${verdict('HTTP submit → worker start', submitToStart)}; ` +
          verdict('enqueue → worker start', enqueueToStart),
      );
      if (done.length < latency.length) console.log(`not completed: ${failures(rows.values())}`);

      // ---- overhead per job ----------------------------------------------------------------------------
      const engine = (s: Submitted) => row(s).timings?.total ?? 0;
      console.log(`\n${header('per completed job (same jobs)')}`);
      console.log(line('engine time (timings.total)', done.map(engine)));
      console.log(
        line(
          'end to end (queued_at → finished_at)',
          done.map((s) => row(s).finished! - row(s).queued),
        ),
      );
      console.log(
        line(
          'platform overhead (end to end − engine)',
          done.map((s) => row(s).finished! - row(s).queued - engine(s)),
        ),
      );
      console.log(
        line(
          '  client view (sent → finished_at − engine)',
          done.map((s) => row(s).finished! - s.sentAt - engine(s)),
        ),
      );
      console.log(
        line(
          '  worker, outside the engine call',
          done.map((s) => row(s).finished! - row(s).started! - (row(s).timings?.wall ?? 0)),
        ),
      );
      console.log(
        line(
          '  engine call overhead (wall − total)',
          done.map((s) => (row(s).timings?.wall ?? 0) - engine(s)),
        ),
      );

      // ---- throughput ------------------------------------------------------------------------------------
      // Two views per worker count: the workers alone draining a backlog (submitted while the queue
      // is paused), and jobs submitted over HTTP while the workers run (the API shares the CPUs).
      console.log(`\nthroughput, ${THROUGHPUT_JOBS} jobs per run (workers: 1 inference thread, concurrency 1 each)`);
      console.log(
        `${'worker processes'.padEnd(18)}${'backlog drain'.padStart(22)}${`submitted ${SUBMIT_CONCURRENCY} at a time`.padStart(34)}`,
      );
      let single: { drain: number; open: number } | undefined;
      for (const count of WORKER_COUNTS) {
        checkBudget();
        const added = count - workers.length;
        if (added > 0) {
          const started = await Promise.allSettled(Array.from({ length: added }, () => startWorker(env)));
          for (const r of started) if (r.status === 'fulfilled') workers.push(r.value);
          const failed = started.find((r) => r.status === 'rejected');
          if (failed) throw failed.reason;
          // New workers load their models on their first job: a backlog gives each one at least one.
          const warmUp = await submitBacklog(count * 2);
          await waitForJobs(
            db,
            warmUp.submitted.map((s) => s.id),
            50,
          );
        }
        const notes: string[] = [];
        const rateOf = (rows: Map<string, JobTimes>, from: number) => {
          const done = [...rows.values()];
          const completed = done.filter((r) => r.status === 'completed').length;
          if (completed < done.length) notes.push(`${done.length - completed} not completed: ${failures(done)}`);
          return done.length / ((Math.max(...done.map((r) => r.finished ?? 0)) - from) / 1000);
        };

        const backlog = await submitBacklog(THROUGHPUT_JOBS);
        const drain = rateOf(
          await waitForJobs(
            db,
            backlog.submitted.map((s) => s.id),
            50,
          ),
          backlog.resumedAt,
        );

        const start = wallNow();
        const submitted = await submitMany(THROUGHPUT_JOBS);
        notes.push(`submitting took ${((wallNow() - start) / 1000).toFixed(2)} s`);
        const open = rateOf(
          await waitForJobs(
            db,
            submitted.map((s) => s.id),
            50,
          ),
          start,
        );
        single ??= { drain, open };
        const cell = (rate: number, base: number) =>
          `${rate.toFixed(1).padStart(6)} jobs/s (${(rate / base).toFixed(2)}×)`;
        console.log(
          `${String(count).padEnd(18)}${cell(drain, single.drain).padStart(22)}${cell(open, single.open).padStart(34)}   ${notes.join('; ')}`,
        );
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await listener?.close();
      await app?.close();
      const redis = new Redis(env.REDIS_URL);
      try {
        for (let cursor = '0'; ;) {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.REDIS_KEY_PREFIX}:*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          if ((cursor = next) === '0') break;
        }
      } finally {
        redis.disconnect();
      }
    }
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
