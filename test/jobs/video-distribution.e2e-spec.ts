import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveMediaBinaries } from '#libs/media';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { mediaChildren } from '../support/media-processes.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import {
  binary,
  fuse,
  http,
  jobAuditActions,
  orgBase,
  photos,
  registerModel,
  setupFusionModels,
  waitForJob,
  type FusionModels,
} from './fusion-support.js';

const run = promisify(execFile);
const { ffmpeg, ffprobe } = resolveMediaBinaries();

/** Frames, rate and length of the test videos: 4 s at 12 fps, a keyframe every second. */
const FPS = 12;
const SECONDS = 4;
const FRAMES = FPS * SECONDS;

/**
 * Video jobs spread over worker processes, through the public API with the compiled workers,
 * PostgreSQL, Redis, ffmpeg and the real UltraFace detector on a video made from a real photo:
 * the video is split at keyframes into one-second segments fused in parallel and joined with its
 * audio; a worker killed mid-video costs one segment; cancel stops every segment.
 */
describe('video jobs across workers', () => {
  let t: TestApp;
  let a: Tenant;
  let models: FusionModels;
  /** A swapper that takes measurable time per face, so a worker can be killed or a job cancelled mid-video. */
  let slowSwapperId: string;
  let dir: string;
  let video: Buffer;
  const workers: WorkerProcess[] = [];
  const workerEnv = {
    JOBS_VIDEO_SEGMENT_SECONDS: '1',
    JOBS_LOCK_DURATION_MS: '2000',
    JOBS_STALLED_INTERVAL_MS: '1000',
    JOBS_RECONCILE_INTERVAL_MS: '1000',
    JOBS_WORKER_CONCURRENCY: '1',
  };

  beforeAll(async () => {
    ensureBuild();
    dir = await mkdtemp(join(tmpdir(), 'fg-video-e2e-'));
    // The group photo (three faces) slowly panned, 640×426, with a 440 Hz tone.
    const photo = join(dir, 'group.jpg');
    await writeFile(photo, photos().group);
    const path = join(dir, 'group.mp4');
    await run(ffmpeg, [
      ...['-v', 'error', '-y', '-loop', '1', '-framerate', String(FPS), '-i', photo],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${SECONDS}`],
      ...['-vf', `scale=660:-2,crop=640:426:t*4:0`, '-t', String(SECONDS), '-r', String(FPS)],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', String(FPS)],
      ...['-keyint_min', String(FPS), '-sc_threshold', '0', '-c:a', 'aac', '-b:a', '64k', '-shortest', path],
    ]);
    video = await readFile(path);
    t = await createTestApp();
    // Listening before any request: the event streams are read over a real socket.
    await t.app.listen(0, '127.0.0.1');
    a = await createTenant(t);
    models = await setupFusionModels(t, a);
    slowSwapperId = await registerModel(
      t,
      a,
      { kind: 'face_swapper', family: 'inswapper' },
      buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }, undefined, { slowness: 6 }),
    );
  }, 300_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const submit = (swapperId: string) =>
    fuse(t, a, 'developer', swapperId, { target: video, targetType: 'video/mp4', targetName: 'group.mp4' });

  it('fuses every frame once in parallel segments and keeps rate, duration and audio; the watermark survives CRF 28', async () => {
    while (workers.length < 2) workers.push(await startWorker(t.env, workerEnv));
    const submitted = await submit(models.swapperId);
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const events = collectEvents(t, a, id);
    const job = await waitForJob(t, a, 'developer', id, undefined, 240_000);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ format: 'mp4', watermark: 'embedded' });

    // Progress counted frames across the segments, with a rate and the time left.
    const progress = (await events)
      .filter((e) => e.event === 'progress')
      .map((e) => e.data as { frames?: { done: number; total: number }; fps?: number; etaSeconds?: number });
    expect(progress.some((p) => p.frames?.total === FRAMES)).toBe(true);
    expect(progress.some((p) => (p.frames?.done ?? 0) > 0 && (p.fps ?? 0) > 0 && p.etaSeconds !== undefined)).toBe(
      true,
    );

    // Four one-second segments, each fused once, by both workers between them.
    const segments = await segmentRows(id);
    expect(segments.map((s) => [s.start_frame, s.end_frame, s.status, s.attempt])).toEqual([
      [0, 12, 'done', 1],
      [12, 24, 'done', 1],
      [24, 36, 'done', 1],
      [36, 48, 'done', 1],
    ]);
    // Segment outputs are deleted once the result is stored (right after the job completes).
    await eventually(
      'the stored segment outputs deleted',
      async () => (segments.every((s) => !blobExists(s.output_sha256)) ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    const download = await binary(
      http(t)
        .get(`${orgBase(a)}/jobs/${id}/result`)
        .set(a.developer.auth),
    );
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('video/mp4');
    const result = join(dir, `${id}.mp4`);
    await writeFile(result, download.body as Buffer);
    const original = await describeVideo(join(dir, 'group.mp4'));
    const fused = await describeVideo(result);
    expect(fused).toMatchObject({ frames: FRAMES, rate: `${FPS}/1`, width: 640, height: 426, audio: true });
    expect(Math.abs(fused.duration - original.duration)).toBeLessThanOrEqual(1 / FPS);

    // Faces turned green on sampled frames (the test swapper paints them); the photo elsewhere.
    for (const frame of [0, 17, FRAMES - 1]) {
      const [before, after] = await Promise.all([frameAt(join(dir, 'group.mp4'), frame), frameAt(result, frame)]);
      expect(greenestBlock(before, after, 640)).toBeGreaterThan(60);
    }

    // The watermark names the job in the result and in a CRF 28 re-encode of it.
    const reencoded = join(dir, `${id}-crf28.mp4`);
    await run(ffmpeg, ['-v', 'error', '-y', '-i', result, '-c:v', 'libx264', '-crf', '28', '-c:a', 'copy', reencoded]);
    for (const file of [result, reencoded]) {
      const detected = await http(t)
        .post(`${orgBase(a)}/watermark/detect`)
        .set(a.developer.auth)
        .attach('image', await readFile(file), { filename: 'fused.mp4', contentType: 'video/mp4' });
      expect(detected.status).toBe(200);
      expect(detected.body).toMatchObject({ watermarked: true, job: { jobId: id } });
    }
    expect((await jobAuditActions(t, a, id)).filter((x) => x === 'job.completed')).toHaveLength(1);
  }, 300_000);

  it('picks the reference person once for the video and has every segment follow that same person', async () => {
    while (workers.length < 2) workers.push(await startWorker(t.env, workerEnv));
    const submitted = await fuse(t, a, 'developer', models.swapperId, {
      target: video,
      targetType: 'video/mp4',
      targetName: 'group.mp4',
      options: { faceSelector: 'reference', referenceFaceIndex: 0 },
    });
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    const job = await waitForJob(t, a, 'developer', id, undefined, 240_000);
    expect(job.status).toBe('completed');
    // One embedding, stored with the plan, is what every segment started from.
    const { rows } = await t.env.db.query<{ reference_embedding: number[] | null }>(
      `SELECT reference_embedding FROM job_segment WHERE job_id = $1 ORDER BY index`,
      [id],
    );
    expect(rows).toHaveLength(4);
    expect(rows[0].reference_embedding?.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.reference_embedding).toEqual(rows[0].reference_embedding);
    // The person is swapped in the first and in the last segment alike.
    const download = await binary(
      http(t)
        .get(`${orgBase(a)}/jobs/${id}/result`)
        .set(a.developer.auth),
    );
    const result = join(dir, `${id}.mp4`);
    await writeFile(result, download.body as Buffer);
    for (const frame of [0, FRAMES - 1]) {
      const [before, after] = await Promise.all([frameAt(join(dir, 'group.mp4'), frame), frameAt(result, frame)]);
      expect(greenestBlock(before, after, 640)).toBeGreaterThan(60);
    }
  }, 300_000);

  it('finishes a job whose worker is killed mid-video, every frame once; only the killed segment runs again', async () => {
    while (workers.length < 2) workers.push(await startWorker(t.env, workerEnv));
    const submitted = await submit(slowSwapperId);
    expect(submitted.status).toBe(202);
    const id = submitted.body.id as string;
    // Wait until each worker fuses a segment, then kill one of them.
    const victim = await eventually(
      'a segment running',
      async () => {
        const running = (await segmentRows(id)).filter((s) => s.status === 'running');
        return workers.find((w) => running.some((s) => s.worker?.endsWith(`:${w.pid}`)));
      },
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    const killedSegment = (await segmentRows(id)).find(
      (s) => s.status === 'running' && s.worker?.endsWith(`:${victim.pid}`),
    )!;
    victim.kill('SIGKILL');
    await victim.exited;
    workers.splice(workers.indexOf(victim), 1);

    const job = await waitForJob(t, a, 'developer', id, undefined, 300_000);
    expect(job.status).toBe('completed');
    const segments = await segmentRows(id);
    expect(segments.every((s) => s.status === 'done')).toBe(true);
    // The killed segment was fused once more by another worker; no finished segment ran twice.
    const redone = segments.find((s) => s.index === killedSegment.index)!;
    expect(redone.attempt).toBe(killedSegment.attempt + 1);
    expect(redone.worker).not.toBe(killedSegment.worker);
    for (const s of segments.filter((s) => s.index !== killedSegment.index)) expect(s.attempt).toBe(1);
    // Every frame exactly once: the frame count and one completion.
    const download = await binary(
      http(t)
        .get(`${orgBase(a)}/jobs/${id}/result`)
        .set(a.developer.auth),
    );
    const result = join(dir, `${id}.mp4`);
    await writeFile(result, download.body as Buffer);
    expect(await describeVideo(result)).toMatchObject({ frames: FRAMES, rate: `${FPS}/1`, audio: true });
    expect((await jobAuditActions(t, a, id)).filter((x) => x === 'job.completed')).toHaveLength(1);
  }, 420_000);

  it('cancels a running video: every segment stops, its ffmpeg processes end, nothing is left behind', async () => {
    while (workers.length < 2) workers.push(await startWorker(t.env, workerEnv));
    const submitted = await submit(slowSwapperId);
    const id = submitted.body.id as string;
    await eventually(
      'a segment running',
      async () => ((await segmentRows(id)).some((s) => s.status === 'running') ? true : undefined),
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    const cancelled = await http(t)
      .delete(`${orgBase(a)}/jobs/${id}`)
      .set(a.developer.auth);
    expect(cancelled.status).toBe(202);
    const job = await waitForJob(t, a, 'developer', id, undefined, 120_000);
    expect(job.status).toBe('cancelled');
    await eventually(
      'every segment stopped, its outputs and ffmpeg processes gone',
      async () => {
        const segments = await segmentRows(id);
        if (segments.some((s) => s.status === 'running' || s.status === 'pending')) return undefined;
        if (segments.some((s) => s.output_sha256 && blobExists(s.output_sha256))) return undefined;
        for (const w of workers) if ((await mediaChildren(w.pid)).length) return undefined;
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const target = (
      await t.env.db.query<{ input_digests: string[] }>(`SELECT input_digests FROM job WHERE id = $1`, [id])
    ).rows[0].input_digests;
    for (const digest of target) expect(blobExists(digest)).toBe(false);
    const waiting = await t.env.redis.client.keys(`${t.env.redis.prefix}:bull:fusion:${id}*`);
    expect(waiting).toEqual([]);
    expect(await jobAuditActions(t, a, id)).toEqual(
      expect.arrayContaining(['job.submitted', 'job.started', 'job.cancel_requested', 'job.cancelled']),
    );
  }, 300_000);

  async function segmentRows(jobId: string) {
    const rows = await t.env.db.query<{
      index: number;
      start_frame: number;
      end_frame: number;
      status: string;
      attempt: number;
      worker: string | null;
      output_sha256: string;
    }>(
      `SELECT index, start_frame, end_frame, status, attempt, worker, output_sha256 FROM job_segment WHERE job_id = $1 ORDER BY index`,
      [jobId],
    );
    return rows.rows;
  }

  function blobExists(sha256: string): boolean {
    return existsSync(join(t.env.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256));
  }
});

/** Frame count (decoded), frame rate, size, duration and whether there is audio. */
async function describeVideo(path: string) {
  const { stdout } = await run(ffprobe, [
    ...['-v', 'error', '-count_frames', '-show_entries'],
    ...['stream=codec_type,nb_read_frames,r_frame_rate,width,height:format=duration', '-of', 'json', path],
  ]);
  const parsed = JSON.parse(stdout) as {
    streams: Array<{
      codec_type: string;
      nb_read_frames?: string;
      r_frame_rate: string;
      width?: number;
      height?: number;
    }>;
    format: { duration: string };
  };
  const v = parsed.streams.find((s) => s.codec_type === 'video')!;
  return {
    frames: Number(v.nb_read_frames),
    rate: v.r_frame_rate,
    width: v.width,
    height: v.height,
    duration: Number(parsed.format.duration),
    audio: parsed.streams.some((s) => s.codec_type === 'audio'),
  };
}

/** One decoded frame as raw RGB. */
async function frameAt(path: string, index: number): Promise<Buffer> {
  const { stdout } = await run(
    ffmpeg,
    [
      '-v',
      'error',
      '-i',
      path,
      '-vf',
      `select=eq(n\\,${index})`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** The largest gain of green (G over R and B, mean levels) in a 16×16 block between two RGB frames. */
function greenestBlock(before: Buffer, after: Buffer, width: number): number {
  const height = before.length / 3 / width;
  let best = -Infinity;
  for (let by = 0; by + 16 <= height; by += 16) {
    for (let bx = 0; bx + 16 <= width; bx += 16) {
      let gain = 0;
      for (let y = by; y < by + 16; y++) {
        for (let x = bx; x < bx + 16; x++) {
          const i = (y * width + x) * 3;
          gain += after[i + 1] - (after[i] + after[i + 2]) / 2 - (before[i + 1] - (before[i] + before[i + 2]) / 2);
        }
      }
      best = Math.max(best, gain / 256);
    }
  }
  return best;
}

/** Reads the job's event stream to its end. */
async function collectEvents(
  t: TestApp,
  tenant: Tenant,
  jobId: string,
): Promise<Array<{ event: string; data: unknown }>> {
  const address = await t.app.getUrl();
  const response = await fetch(`${address.replace('[::1]', '127.0.0.1')}${orgBase(tenant)}/jobs/${jobId}/events`, {
    headers: tenant.developer.auth,
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as unknown };
    });
}
