import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { AppConfig } from '#libs/config';
import { createTestApp, type TestApp, type TestEnvironment } from '../support/app.js';
import { createUser } from '../support/identity.js';
import {
  startPrivatePostgres,
  startPrivateRedisServer,
  type PrivatePostgres,
  type PrivateRedis,
} from '../support/private-services.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import { fuse, http, orgBase, setupFusionModels, waitForJob, type FusionModels } from '../jobs/fusion-support.js';

/**
 * Staying up: the API and a worker process on a PostgreSQL cluster and a redis-server of their own,
 * which the test kills, freezes, stops and turns read-only while a user keeps using the platform.
 * Each scenario prints its figures (how fast the 503 came, requests failed, jobs lost).
 */
interface Outcome {
  status: number;
  code?: string;
  retryAfter?: string;
  ms: number;
}

const figures: Record<string, Record<string, unknown>> = {};

describe('staying up when PostgreSQL or Redis fails', () => {
  let pgServer: PrivatePostgres;
  let redisServer: PrivateRedis;
  let env: TestEnvironment;
  let t: TestApp;
  let tenant: Tenant;
  let models: FusionModels;
  let worker: WorkerProcess;
  let signInUser: { email: string; password: string };

  beforeAll(async () => {
    ensureBuild();
    [pgServer, redisServer] = await Promise.all([startPrivatePostgres(), startPrivateRedisServer()]);
    const dataDir = await mkdtemp(join(tmpdir(), 'fusiongate-staying-up-'));
    const secretsKey = randomBytes(32).toString('base64');
    const variables = (extra: Record<string, string> = {}): Record<string, string> => ({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: pgServer.url,
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: redisServer.url,
      REDIS_KEY_PREFIX: 'fg',
      DATA_DIR: dataDir,
      SECRETS_KEY: secretsKey,
      // A worker re-checks for stalled jobs often, so a job interrupted by an outage restarts quickly.
      JOBS_STALLED_INTERVAL_MS: '2000',
      JOBS_LOCK_DURATION_MS: '4000',
      JOBS_RECONCILE_INTERVAL_MS: '2000',
      JOBS_BACKOFF_MS: '500',
      ...extra,
    });
    const direct = new Redis(redisServer.url, { lazyConnect: true });
    env = {
      db: {
        name: 'postgres',
        url: pgServer.url,
        query: async (sql: string) => ({ rows: await pgServer.query(sql) }),
        drop: async () => undefined,
      } as unknown as TestEnvironment['db'],
      redis: { url: redisServer.url, prefix: 'fg', client: direct, cleanup: async () => direct.disconnect() },
      dataDir,
      variables,
      config: (extra = {}) => AppConfig.fromEnv(variables(extra)),
      close: async () => {
        direct.disconnect();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
    t = await createTestApp({ environment: env });
    tenant = await createTenant(t);
    models = await setupFusionModels(t, tenant, { slowness: 10 });
    const user = await createUser(t);
    signInUser = { email: user.email, password: user.password };
    worker = await startWorker(env);
  }, 240_000);

  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await env?.close();
    await Promise.all([pgServer?.destroy(), redisServer?.destroy()]);
    process.stdout.write(`\nStaying-up figures:\n${JSON.stringify(figures, null, 2)}\n`);
  }, 60_000);

  const timed = async (run: () => PromiseLike<{ status: number; body: unknown; headers: Record<string, string> }>) => {
    const started = performance.now();
    const res = await run();
    return {
      status: res.status,
      code: (res.body as { code?: string } | undefined)?.code,
      retryAfter: res.headers['retry-after'],
      ms: Math.round(performance.now() - started),
    } satisfies Outcome;
  };
  const readModels = () =>
    timed(() =>
      http(t)
        .get(`${orgBase(tenant)}/models`)
        .set(tenant.developer.auth),
    );
  const readJob = (id: string) =>
    timed(() =>
      http(t)
        .get(`${orgBase(tenant)}/jobs/${id}`)
        .set(tenant.developer.auth),
    );
  const submit = () => timed(() => fuse(t, tenant, 'developer', models.swapperId));
  const signIn = () => timed(() => http(t).post('/api/v1/auth/login').send(signInUser));
  const write = () => {
    const slug = `p-${randomBytes(4).toString('hex')}`;
    return timed(() =>
      http(t)
        .post(`${orgBase(tenant)}/projects`)
        .set(tenant.admin.auth)
        .send({ name: slug, slug }),
    );
  };

  /** Submits `n` jobs (202 each) just before an outage. */
  async function acceptJobs(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fuse(t, tenant, 'developer', models.swapperId);
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
    }
    return ids;
  }

  /** Every accepted job completes once the dependency is back: returns how many did not. */
  async function jobsLost(ids: string[]): Promise<number> {
    let lost = 0;
    for (const id of ids) {
      const job = await waitForJob(t, tenant, 'developer', id, ['completed', 'failed', 'cancelled'], 120_000);
      if (job.status !== 'completed') lost++;
    }
    return lost;
  }

  /** Polls `probe` until it answers `status`; returns the time it took. */
  async function until(probe: () => Promise<Outcome>, status: number, timeoutMs = 30_000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const outcome = await probe();
      if (outcome.status === status) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`still ${JSON.stringify(outcome)} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('Redis killed: reads and the registry keep working, submits and sign-ins answer 503, nothing is lost', async () => {
    const accepted = await acceptJobs(3);
    await redisServer.kill();
    const outcomes: Outcome[] = [];
    for (let round = 0; round < 3; round++) {
      outcomes.push(await readModels(), await readJob(accepted[0]), await submit(), await signIn());
    }
    const [models1, job1, submit1, login1] = outcomes;
    expect(models1.status).toBe(200);
    expect(job1.status).toBe(200);
    expect(submit1).toMatchObject({ status: 503, code: 'queue_unavailable', retryAfter: expect.any(String) });
    // Fails closed: without Redis the sign-in throttle cannot count, so nobody signs in.
    expect(login1).toMatchObject({ status: 503, retryAfter: expect.any(String) });
    const reads = outcomes.filter((_, i) => i % 4 < 2);
    expect(reads.every((o) => o.status === 200)).toBe(true);
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);

    await redisServer.start();
    const recoveredMs = await until(submit, 202);
    const lost = await jobsLost(accepted);
    figures['redis killed'] = {
      slowestRead: Math.max(...reads.map((o) => o.ms)),
      slowest503: Math.max(...outcomes.filter((o) => o.status === 503).map((o) => o.ms)),
      readsFailed: reads.filter((o) => o.status !== 200).length,
      answers500: outcomes.filter((o) => o.status === 500).length,
      submitAcceptedAgainAfterRestartMs: recoveredMs,
      jobsAccepted: accepted.length,
      jobsLost: lost,
    };
    expect(lost).toBe(0);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(2_000);
  }, 240_000);

  it('Redis frozen (SIGSTOP): no request hangs; reads keep working; recovery on SIGCONT', async () => {
    const accepted = await acceptJobs(2);
    redisServer.freeze();
    const outcomes: Outcome[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        outcomes.push(await readModels(), await readJob(accepted[0]), await submit(), await signIn());
      }
    } finally {
      redisServer.thaw();
    }
    const reads = outcomes.filter((_, i) => i % 4 < 2);
    expect(reads.map((o) => o.status)).toEqual(reads.map(() => 200));
    expect(outcomes[2]).toMatchObject({ status: 503, code: 'queue_unavailable' });
    expect(outcomes[3].status).toBe(503);
    expect(outcomes.filter((o) => o.status === 500)).toEqual([]);
    const recoveredMs = await until(submit, 202);
    const lost = await jobsLost(accepted);
    figures['redis frozen'] = {
      slowestRead: Math.max(...reads.map((o) => o.ms)),
      slowest503: Math.max(...outcomes.filter((o) => o.status === 503).map((o) => o.ms)),
      readsFailed: reads.filter((o) => o.status !== 200).length,
      answers500: outcomes.filter((o) => o.status === 500).length,
      submitAcceptedAgainAfterThawMs: recoveredMs,
      jobsAccepted: accepted.length,
      jobsLost: lost,
    };
    expect(lost).toBe(0);
    // A frozen Redis costs a request at most about one command timeout (1 s), never a hang.
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(2_500);
  }, 240_000);

  it('PostgreSQL stopped: 503 database_unavailable with Retry-After within a second; back on its own', async () => {
    const accepted = await acceptJobs(2);
    await pgServer.stop();
    const outcomes: Outcome[] = [];
    try {
      for (let round = 0; round < 3; round++) {
        outcomes.push(await readModels(), await readJob(accepted[0]), await write(), await signIn());
      }
      const ready = await timed(() => http(t).get('/health/ready'));
      expect(ready.status).toBe(503);
    } finally {
      await pgServer.start();
    }
    for (const o of outcomes) {
      expect(o).toMatchObject({ status: 503, code: 'database_unavailable', retryAfter: expect.any(String) });
      expect(o.ms).toBeLessThan(1_000);
    }
    const recoveredMs = await until(readModels, 200);
    const lost = await jobsLost(accepted);
    figures['postgres stopped'] = {
      slowest503: Math.max(...outcomes.map((o) => o.ms)),
      answers500: outcomes.filter((o) => o.status === 500).length,
      readsAnsweredAgainAfterStartMs: recoveredMs,
      jobsAccepted: accepted.length,
      jobsLost: lost,
    };
    expect(lost).toBe(0);
    expect((await write()).status).toBe(201);
  }, 240_000);

  it('PostgreSQL read-only (failover to a standby): reads work, writes answer 503 read_only', async () => {
    await pgServer.setReadOnly(true);
    try {
      const outcomes: Outcome[] = [];
      for (let round = 0; round < 3; round++) outcomes.push(await readModels(), await write(), await signIn());
      expect(outcomes.filter((_, i) => i % 3 === 0).every((o) => o.status === 200)).toBe(true);
      for (const o of outcomes.filter((_, i) => i % 3 !== 0)) {
        expect(o).toMatchObject({ status: 503, code: 'read_only', retryAfter: expect.any(String) });
      }
      figures['postgres read-only'] = {
        slowestRead: Math.max(...outcomes.filter((_, i) => i % 3 === 0).map((o) => o.ms)),
        slowest503: Math.max(...outcomes.filter((_, i) => i % 3 !== 0).map((o) => o.ms)),
        answers500: outcomes.filter((o) => o.status === 500).length,
      };
    } finally {
      await pgServer.setReadOnly(false);
    }
    await until(write, 201, 10_000);
  }, 120_000);
});
