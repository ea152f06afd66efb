import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import S3rver from 's3rver';
import { freePort } from '#libs/database';
import { buildArcFaceModel, buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { ensureRealFixtures } from '../fixtures/real-fixtures.js';
import { createEmptyDatabase } from '../support/database.js';
import { createTestRedis, type TestRedis } from '../support/redis.js';

/**
 * The api and worker images as an operator runs them: built by `npm run images:test`
 * (scripts/images/build.sh), started with podman on a read-only root filesystem against
 * PostgreSQL, Redis and an S3 server, driven over HTTP through one real fusion job, then
 * stopped with SIGTERM.
 */
const TAG = process.env.IMAGE_TAG ?? 'dev';
const IMAGES = {
  api: `localhost/fusiongate-api:${TAG}`,
  worker: `localhost/fusiongate-worker:${TAG}`,
  'worker-cuda': `localhost/fusiongate-worker-cuda:${TAG}`,
};
const GRACE_MS = 10_000;
const RUN_ID = randomBytes(4).toString('hex');
// This machine refuses the container runtime's default (raised) limits; stay below the host's.
const LIMITS = ['--ulimit', 'nofile=16384:16384', '--ulimit', 'nproc=8192:8192'];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function podman(args: string[], input?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function podmanOk(args: string[], input?: string): Promise<string> {
  const result = await podman(args, input);
  if (result.code !== 0) throw new Error(`podman ${args.join(' ')} → ${result.code}\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

// Answers of the API, read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ApiBody = Record<string, any>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('container images', () => {
  let env: Record<string, string>;
  let db: Awaited<ReturnType<typeof createEmptyDatabase>>;
  let redis: TestRedis;
  let s3: S3rver;
  let s3Dir: string;
  let apiPort: number;
  let workerPort: number;
  const containers: string[] = [];

  /** `podman run` with the flags every fusiongate container gets here. */
  const runArgs = (name: string) => [
    'run',
    '--name',
    name,
    '--network',
    'host',
    '--read-only',
    ...LIMITS,
    ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
  ];

  async function start(kind: keyof typeof IMAGES): Promise<string> {
    const name = `fg-images-${kind}-${RUN_ID}`;
    containers.push(name);
    await podmanOk([...runArgs(name), '--detach', IMAGES[kind]]);
    return name;
  }

  async function logs(name: string): Promise<string> {
    const result = await podman(['logs', name]);
    return result.stdout + result.stderr;
  }

  /** Polls until the container's own HEALTHCHECK passes (a hang guard, not a timing check). */
  async function waitHealthy(name: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = (await podmanOk(['inspect', name, '--format', '{{.State.Status}}'])).trim();
      if (state !== 'running') throw new Error(`${name} is ${state}:\n${await logs(name)}`);
      if ((await podman(['healthcheck', 'run', name])).code === 0) return;
      if (Date.now() > deadline) throw new Error(`${name} not healthy in ${timeoutMs} ms:\n${await logs(name)}`);
      await sleep(500);
    }
  }

  beforeAll(async () => {
    for (const image of Object.values(IMAGES)) {
      const exists = await podman(['image', 'exists', image]);
      if (exists.code !== 0) throw new Error(`image ${image} is missing: build it with scripts/images/build.sh`);
    }
    // Containers a previous run of this test left behind (killed before its clean-up) go first.
    const stale = (await podmanOk(['ps', '--all', '--quiet', '--filter', 'name=^fg-images-'])).trim();
    if (stale) await podmanOk(['rm', '--force', '--volumes', ...stale.split('\n')]);
    db = await createEmptyDatabase();
    redis = await createTestRedis();
    s3Dir = await mkdtemp(join(tmpdir(), 'fg-images-s3-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: s3Dir,
      configureBuckets: [{ name: 'fusiongate', configs: [] }],
    });
    const { port: s3Port } = await s3.run();
    apiPort = await freePort();
    workerPort = await freePort();
    env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.prefix,
      SECRETS_KEY: randomBytes(32).toString('base64'),
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      S3_BUCKET: 'fusiongate',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      PORT: String(apiPort),
      WORKER_METRICS_PORT: String(workerPort),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      LOG_LEVEL: 'info',
    };
  }, 60_000);

  afterAll(async () => {
    for (const name of containers) await podman(['rm', '--force', '--volumes', name]);
    await s3?.close();
    if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
    await redis?.cleanup();
    await db?.drop();
  }, 60_000);

  it('runs as an unprivileged user with tini as PID 1, and migrations only when asked', async () => {
    for (const image of Object.values(IMAGES)) {
      const config = JSON.parse(await podmanOk(['image', 'inspect', image, '--format', '{{json .Config}}'])) as {
        User: string;
        Entrypoint: string[];
        Labels: Record<string, string>;
      };
      expect(config.User).toBe('10001:10001');
      expect(config.Entrypoint).toEqual(['/usr/bin/tini', '--']);
      expect(config.Labels['org.opencontainers.image.version']).toMatch(/^\d+\.\d+\.\d+/);
    }
    const cudaEnv = JSON.parse(
      await podmanOk(['image', 'inspect', IMAGES['worker-cuda'], '--format', '{{json .Config.Env}}']),
    ) as string[];
    expect(cudaEnv).toContain('INFERENCE_EXECUTION_PROVIDER=cuda');

    // Video jobs run the distribution's ffmpeg and ffprobe, not the registry's static binaries.
    for (const image of Object.values(IMAGES)) {
      const env = JSON.parse(
        await podmanOk(['image', 'inspect', image, '--format', '{{json .Config.Env}}']),
      ) as string[];
      expect(env).toEqual(expect.arrayContaining(['FFMPEG_PATH=/usr/bin/ffmpeg', 'FFPROBE_PATH=/usr/bin/ffprobe']));
      const versions = await podmanOk([
        'run',
        '--rm',
        ...LIMITS,
        image,
        'sh',
        '-c',
        'ffmpeg -hide_banner -version && ffprobe -hide_banner -version',
      ]);
      expect(versions).toMatch(/^ffmpeg version /m);
      expect(versions).toMatch(/^ffprobe version /m);
      const installers = await podmanOk(['run', '--rm', ...LIMITS, image, 'ls', '/app/node_modules']);
      expect(installers.split('\n')).not.toContain('@ffmpeg-installer');
    }

    // Nothing from the repository but the compiled application: no tests, benchmarks, fixtures,
    // TypeScript sources or source maps, and no package manager.
    const files = await podmanOk([
      'run',
      '--rm',
      ...LIMITS,
      IMAGES.api,
      'find',
      '/app',
      '/usr/local/bin',
      '-path',
      '/app/node_modules',
      '-prune',
      '-o',
      '-type',
      'f',
      '-print',
    ]);
    const paths = files.trim().split('\n');
    expect(paths).toContain('/app/dist/apps/api/src/main.js');
    expect(paths).toContain('/app/dist/src/cli/main.js');
    expect(paths.filter((p) => /\/(test|bench|\.fixtures)\/|\.ts$|\.map$|\/npm$/.test(p))).toEqual([]);

    // The API does not migrate on its own: a fresh database is refused until `fusiongate migrate`.
    const migrate = await podmanOk([
      ...runArgs(`fg-images-migrate-${RUN_ID}`),
      '--rm',
      IMAGES.api,
      'fusiongate',
      'migrate',
    ]);
    expect(migrate).toMatch(/^Applied \d+ migration\(s\):/);
    const again = await podmanOk([
      ...runArgs(`fg-images-migrate2-${RUN_ID}`),
      '--rm',
      IMAGES.api,
      'fusiongate',
      'migrate',
    ]);
    expect(again).toBe('Database is up to date.\n');
  }, 120_000);

  describe('running', () => {
    const base = () => `http://127.0.0.1:${apiPort}/api/v1`;
    let api: string;
    let token: string;
    let orgBase: string;
    let swapperId: string;
    let slowSwapperId: string;

    const json = async (method: string, path: string, bearer: string | null, body?: unknown) => {
      const res = await fetch(`${base()}${path}`, {
        method,
        headers: {
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as ApiBody };
    };

    /** Submits one fusion of a portrait onto a three-face group photo; answers the job's id. */
    async function submit(swapper: string): Promise<string> {
      const fixtures = ensureRealFixtures();
      const form = new FormData();
      form.append('source', new Blob([readFileSync(fixtures.photos.sample2)], { type: 'image/jpeg' }), 'source.jpg');
      form.append('target', new Blob([readFileSync(fixtures.photos.sample1)], { type: 'image/jpeg' }), 'target.jpg');
      form.append('options', JSON.stringify({ faceSelector: 'all' }));
      const submitted = await fetch(`${base()}${orgBase}/models/${swapper}/fuse`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(submitted.status).toBe(202);
      return ((await submitted.json()) as { id: string }).id;
    }

    /** Polls a job until its status is one of `statuses` (a hang guard, not a timing check). */
    async function waitForStatus(jobId: string, statuses: string[], worker: string): Promise<ApiBody> {
      let job: ApiBody = {};
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(100)) {
        job = (await json('GET', `${orgBase}/jobs/${jobId}`, token)).body;
        if (statuses.includes(job.status)) return job;
      }
      throw new Error(`job ${JSON.stringify(job)}\n${await logs(worker)}`);
    }

    async function fuseOnce(worker: string): Promise<{ job: ApiBody; target: Buffer }> {
      const job = await waitForStatus(await submit(swapperId), ['completed', 'failed', 'cancelled'], worker);
      if (job.status !== 'completed') throw new Error(`job ${JSON.stringify(job)}\n${await logs(worker)}`);
      return { job, target: readFileSync(ensureRealFixtures().photos.sample1) };
    }

    /** SIGTERM (the images' STOPSIGNAL, what `docker stop` and Kubernetes send): exit 0 within the grace period. */
    async function stopWithSigterm(name: string): Promise<void> {
      const sent = Date.now();
      await podmanOk(['kill', '--signal', 'TERM', name]);
      const code = Number((await podmanOk(['wait', name])).trim());
      const tookMs = Date.now() - sent;
      process.stdout.write(`${name}: exit ${code} ${tookMs} ms after SIGTERM\n`);
      const output = await logs(name);
      expect({ name, code, output: code === 0 ? '' : output }).toEqual({ name, code: 0, output: '' });
      expect(tookMs).toBeLessThan(GRACE_MS);
      expect(output).toContain('SIGTERM received'); // through tini, to the application itself
    }

    /** Every process of the container runs as the image's user; PID 1 is tini. */
    async function expectUnprivileged(name: string): Promise<void> {
      const top = await podmanOk(['top', name, 'pid', 'user', 'args']);
      const rows = top
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/));
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['fusiongate']));
      expect(
        rows
          .find((r) => r[0] === '1')
          ?.slice(2)
          .join(' '),
      ).toMatch(/^\/usr\/bin\/tini -- node /);
    }

    beforeAll(async () => {
      const email = `ops-${RUN_ID}@example.com`;
      const password = `Container-passphrase-${RUN_ID}-!`;
      const created = await podmanOk(
        [
          ...runArgs(`fg-images-admin-${RUN_ID}`),
          '--rm',
          '--interactive',
          IMAGES.api,
          'fusiongate',
          'bootstrap-admin',
          '--email',
          email,
          '--password-stdin',
        ],
        `${password}\n`,
      );
      expect(created).toContain(`Created platform administrator ${email}`);
      api = await start('api');
      await waitHealthy(api);

      // The README's walk-through: sign in, enrol two factors, sign in again with a later code.
      const first = await json('POST', '/auth/login', null, { email, password });
      expect(first.status).toBe(200);
      const setup = await json('POST', '/auth/mfa/setup', first.body.accessToken);
      expect(setup.status).toBe(200);
      const now = Math.floor(Date.now() / 1000);
      const enabled = await json('POST', '/auth/mfa/enable', first.body.accessToken, {
        code: await generate({ secret: setup.body.secret, epoch: now }),
      });
      expect(enabled.status).toBeLessThan(300);
      const second = await json('POST', '/auth/login', null, {
        email,
        password,
        totp: await generate({ secret: setup.body.secret, epoch: now + 30 }),
      });
      expect(second.status).toBe(200);
      token = second.body.accessToken as string;
      const org = await json('POST', '/orgs', token, { name: 'Container Check', slug: `containers-${RUN_ID}` });
      expect(org.status).toBe(201);
      orgBase = `/orgs/${org.body.id}`;

      const fixtures = ensureRealFixtures();
      const register = async (kind: string, family: string, bytes: Uint8Array, slug = kind.replace('_', '-')) => {
        const model = await json('POST', `${orgBase}/models`, token, { name: slug, slug, kind, family });
        expect(model.status).toBe(201);
        const upload = await fetch(`${base()}${orgBase}/models/${model.body.id}/versions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
          body: Buffer.from(bytes),
        });
        expect(upload.status).toBe(201);
        for (const stage of ['staging', 'production']) {
          const moved = await json('PATCH', `${orgBase}/models/${model.body.id}/versions/1`, token, { stage });
          expect(moved.status).toBe(200);
        }
        return model.body.id as string;
      };
      await register('face_detector', 'ultraface', readFileSync(fixtures.ultraface.path));
      await register('face_recognizer', 'arcface', buildArcFaceModel(0.03));
      swapperId = await register('face_swapper', 'inswapper', buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }));
      // The same swapper made slower (extra matrix products), so that a job is still running when its worker stops.
      slowSwapperId = await register(
        'face_swapper',
        'inswapper',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }, undefined, { slowness: 15 }),
        'slow-swapper',
      );
    }, 180_000);

    it('runs a fusion job through the api and worker containers, then the worker stops cleanly on SIGTERM', async () => {
      const worker = await start('worker');
      await waitHealthy(worker);
      for (const name of [api, worker]) await expectUnprivileged(name);

      const { job, target } = await fuseOnce(worker);
      expect(job.result).toMatchObject({ format: 'jpeg', width: 1920, height: 1280 });
      expect(job.faces.filter((f: { swapped: boolean }) => f.swapped).length).toBeGreaterThanOrEqual(1);

      const result = await fetch(`${base()}${orgBase}/jobs/${job.id}/result`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(result.status).toBe(200);
      const bytes = Buffer.from(await result.arrayBuffer());
      expect(result.headers.get('x-content-sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(bytes.equals(target)).toBe(false);

      // The worker's watermark names the job when the result is brought back to the API.
      const detectForm = new FormData();
      detectForm.append('image', new Blob([bytes], { type: 'image/jpeg' }), 'fused.jpg');
      const detected = await fetch(`${base()}${orgBase}/watermark/detect`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: detectForm,
      });
      expect(detected.status).toBe(200);
      expect(JSON.stringify(await detected.json())).toContain(job.id);

      await stopWithSigterm(worker);
    }, 300_000);

    it('runs the worker-cuda image, which falls back to the CPU where CUDA is missing', async () => {
      const worker = await start('worker-cuda');
      await waitHealthy(worker);
      await expectUnprivileged(worker);
      const { job } = await fuseOnce(worker);
      expect(job.result).toMatchObject({ format: 'jpeg', width: 1920, height: 1280 });
      expect(await logs(worker)).toContain('execution provider cuda unavailable');

      // Stopped while a job runs: the worker finishes it within the grace period, then exits 0.
      const slowJob = await submit(slowSwapperId);
      await waitForStatus(slowJob, ['running', 'completed', 'failed'], worker);
      const atStop = (await json('GET', `${orgBase}/jobs/${slowJob}`, token)).body.status;
      await stopWithSigterm(worker);
      const after = (await json('GET', `${orgBase}/jobs/${slowJob}`, token)).body;
      process.stdout.write(`job ${atStop} at SIGTERM, ${after.status} after the worker exited\n`);
      expect({ atStop, after: after.status }).toEqual({ atStop: 'running', after: 'completed' });
    }, 300_000);

    it('the api stops cleanly on SIGTERM', async () => {
      await stopWithSigterm(api);
    }, 60_000);
  });
});
