/**
 * Video fusion spread over worker processes, on the machine's PostgreSQL, Redis and CPU: the API in
 * this process, real worker processes (the compiled worker), the real UltraFace detector, a
 * generated ArcFace-shaped recognizer and a tiny InSwapper-shaped swapper (paints faces green), on
 * a video made from a real group photo (three faces) with an audio track. For 720p and 1080p and
 * 1, 2 and 4 worker processes it prints the frames per second of the whole job (start → result
 * stored: planning, segments, assembly) and, over the segments, the share of worker time spent
 * outside the models (decode, hand-over, detection pre/post-processing, paste-back, watermark,
 * encode) and outside the engine altogether (decode, hand-over and encode).
 *
 *   npm run bench:video
 *   env: BENCH_VIDEO_SECONDS (default 2), BENCH_VIDEO_FPS (default 12), BENCH_VIDEO_WORKERS (default 1,2,4),
 *        BENCH_VIDEO_SIZES (default 720,1080), BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { UserService } from '#libs/auth';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { resolveMediaBinaries } from '#libs/media';
import { OrganizationService } from '#libs/organizations';
import { buildArcFaceModel, buildInswapperModel } from '../../test/fixtures/onnx/face-models.js';
import { ensureRealFixtures } from '../../test/fixtures/real-fixtures.js';
import { Client, registerModel, startWorker, type WorkerProcess } from '../support/fusion-stack.js';
import { scratchEnv, withScratch } from '../support/scratch.js';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_VIDEO_SECONDS ?? 2);
const FPS = Number(process.env.BENCH_VIDEO_FPS ?? 12);
const WORKER_COUNTS = (process.env.BENCH_VIDEO_WORKERS ?? '1,2,4').split(',').map(Number);
const SIZES = (process.env.BENCH_VIDEO_SIZES ?? '720,1080').split(',').map(Number);
/** Segment length: a quarter of the video, so four segments share the workers. */
const SEGMENT_SECONDS = SECONDS / 4;
const JOB_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The group photo slowly panned at `height`p (16:9), with a tone; a keyframe every segment. */
async function makeVideo(dir: string, height: number): Promise<Buffer> {
  const { ffmpeg } = resolveMediaBinaries();
  const width = Math.round((height * 16) / 9 / 2) * 2;
  const out = join(dir, `bench-${height}.mp4`);
  const gop = Math.max(1, Math.round(FPS * SEGMENT_SECONDS));
  await run(ffmpeg, [
    ...['-v', 'error', '-y', '-loop', '1', '-framerate', String(FPS), '-i', ensureRealFixtures().photos.sample1],
    ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${SECONDS}`],
    ...['-vf', `scale=${width + 40}:-2,crop=${width}:${height}:t*8:0`, '-t', String(SECONDS), '-r', String(FPS)],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      String(gop),
      '-keyint_min',
      String(gop),
    ],
    ...['-sc_threshold', '0', '-c:a', 'aac', '-b:a', '64k', '-shortest', out],
  ]);
  return readFile(out);
}

interface Run {
  size: number;
  workers: number;
  frames: number;
  fps: number;
  outsideModels: number;
  outsideEngine: number;
}

/** Segment lines the workers log: frames, wall, engine and model milliseconds. */
function segmentTimes(logs: string[], jobId: string) {
  const pattern = new RegExp(
    `job ${jobId} segment \\d+ \\(attempt \\d+\\): (\\d+) frames in (\\d+) ms, engine (\\d+) ms, models (\\d+) ms`,
    'g',
  );
  const sum = { frames: 0, wall: 0, engine: 0, models: 0 };
  for (const log of logs) {
    for (const m of log.matchAll(pattern)) {
      sum.frames += Number(m[1]);
      sum.wall += Number(m[2]);
      sum.engine += Number(m[3]);
      sum.models += Number(m[4]);
    }
  }
  return sum;
}

async function main(): Promise<void> {
  const fixtures = ensureRealFixtures();
  await withScratch('video', async (scratch) => {
    const env = scratchEnv(scratch);
    const config = AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ...env });
    const workers: WorkerProcess[] = [];
    process.once('exit', () => workers.forEach((w) => w.child.kill('SIGKILL')));
    let app: NestFastifyApplication | undefined;
    const runs: Run[] = [];
    try {
      app = await createApiApp(config);
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as { port: number }).port;
      const db = app.get(DataSource);
      const http = new Client(`http://127.0.0.1:${port}`);
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
      await registerModel(http, org.id, 'face_detector', 'ultraface', readFileSync(fixtures.ultraface.path));
      await registerModel(http, org.id, 'face_recognizer', 'arcface', buildArcFaceModel(0.03));
      const swapperId = await registerModel(
        http,
        org.id,
        'face_swapper',
        'inswapper',
        buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
      );
      const source = readFileSync(fixtures.photos.sample2);
      const videos = new Map<number, Buffer>();
      for (const size of SIZES) videos.set(size, await makeVideo(scratch.dataDir, size));

      console.log(
        `video fusion on the CPU: ${SECONDS} s at ${FPS} fps, segments of ${SEGMENT_SECONDS} s; ` +
          `${cpus().length} cores, load ${loadavg()[0].toFixed(1)}`,
      );
      for (const count of WORKER_COUNTS) {
        while (workers.length < count)
          workers.push(await startWorker({ ...env, JOBS_VIDEO_SEGMENT_SECONDS: String(SEGMENT_SECONDS) }));
        for (const size of SIZES) {
          const form = new FormData();
          form.append('source', new Blob([source], { type: 'image/jpeg' }), 'source.jpg');
          form.append('target', new Blob([videos.get(size)!], { type: 'video/mp4' }), `bench-${size}.mp4`);
          const res = await fetch(`${http.base}/api/v1/orgs/${org.id}/models/${swapperId}/fuse`, {
            method: 'POST',
            headers: { authorization: `Bearer ${http.token}` },
            body: form,
          });
          const body = (await res.json()) as { id: string };
          if (res.status !== 202) throw new Error(`fuse answered ${res.status}: ${JSON.stringify(body)}`);
          const deadline = Date.now() + JOB_TIMEOUT_MS;
          let row: { status: string; error_code: string | null; seconds: number | null } | undefined;
          for (;;) {
            [row] = (await db.query(
              `SELECT status, error_code, extract(epoch FROM finished_at - started_at) AS seconds FROM job WHERE id = $1`,
              [body.id],
            )) as Array<{ status: string; error_code: string | null; seconds: number | null }>;
            if (row && ['completed', 'failed', 'cancelled'].includes(row.status)) break;
            if (Date.now() > deadline) throw new Error(`job ${body.id} still ${row?.status}`);
            await sleep(100);
          }
          if (row.status !== 'completed') throw new Error(`job ${body.id} ${row.status}: ${row.error_code}`);
          // Segment lines are logged just before the completion is recorded.
          await sleep(200);
          const times = segmentTimes(
            workers.map((w) => w.output()),
            body.id,
          );
          const frames = Math.round(SECONDS * FPS);
          runs.push({
            size,
            workers: count,
            frames,
            fps: frames / Number(row.seconds),
            outsideModels: times.wall > 0 ? 1 - times.models / times.wall : NaN,
            outsideEngine: times.wall > 0 ? 1 - times.engine / times.wall : NaN,
          });
          const r = runs.at(-1)!;
          console.log(
            `  ${String(size).padStart(4)}p  ${count} worker(s): ${r.fps.toFixed(2).padStart(6)} fps` +
              `  outside the models ${(r.outsideModels * 100).toFixed(1).padStart(5)} %` +
              `  outside the engine ${(r.outsideEngine * 100).toFixed(1).padStart(5)} %`,
          );
        }
      }
      console.log('\nspeed-up against 1 worker (same run):');
      for (const size of SIZES) {
        const base = runs.find((r) => r.size === size && r.workers === WORKER_COUNTS[0]);
        const line = runs
          .filter((r) => r.size === size)
          .map((r) => `${r.workers}: ${(r.fps / base!.fps).toFixed(2)}×`)
          .join('  ');
        console.log(`  ${String(size).padStart(4)}p  ${line}`);
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await app?.close();
    }
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
