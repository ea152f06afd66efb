import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { FaceFusionEngine } from '#libs/inference';
import { fuseVideoSegment } from '#libs/jobs';
import { probeVideo } from '#libs/media';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { writeModel } from '../fixtures/onnx/write-model.js';
import { ensureRealFixtures } from '../fixtures/real-fixtures.js';
import { aac, h264, lavfi, makeVideo } from '../fixtures/video-fixtures.js';
import { http, orgBase, photos, setupFusionModels, type FusionModels } from './fusion-support.js';

/** Video targets at submission: accepted within the organization's limits, refused before any work otherwise. */
describe('video targets at submission', () => {
  let t: TestApp;
  let a: Tenant;
  let models: FusionModels;
  let dir: string;
  let clip: Buffer; // 320×240, 10 fps, 2 s, with a tone: 20 frames

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'video-inputs-'));
    t = await createTestApp();
    a = await createTenant(t);
    models = await setupFusionModels(t, a);
    clip = await readFile(
      await makeVideo(dir, 'clip.mp4', [...lavfi.testsrc('320x240', 10, 2), ...lavfi.sine(2), ...h264, ...aac]),
    );
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function submit(tenant: Tenant, target: Buffer, filename: string, contentType: string) {
    return http(t)
      .post(`${orgBase(tenant)}/models/${models.swapperId}/fuse`)
      .set(tenant.developer.auth)
      .attach('source', photos().portrait, { filename: 'source.jpg', contentType: 'image/jpeg' })
      .attach('target', target, { filename, contentType });
  }

  const jobRows = async (orgId: string) =>
    Number((await t.env.db.query(`SELECT count(*) AS n FROM job WHERE organization_id = $1`, [orgId])).rows[0].n);
  const usage = async (orgId: string) =>
    (await t.env.db.query(`SELECT user_id, count FROM job_usage WHERE organization_id = $1 ORDER BY user_id`, [orgId]))
      .rows as Array<{ user_id: string; count: number }>;
  const storedBlobs = () => {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (e.name === 'tmp' ? [] : walk(join(d, e.name))) : [e.name],
      );
    try {
      return walk(join(t.env.dataDir, 'blobs')).sort();
    } catch {
      return [];
    }
  };
  const uploadsLeft = () => {
    try {
      return readdirSync(join(t.env.dataDir, 'tmp', 'job-uploads'));
    } catch {
      return [];
    }
  };

  it('refuses bad videos with their problem codes and leaves no job, blob, upload or quota behind', async () => {
    const truncated = join(dir, 'truncated.mp4');
    await writeFile(truncated, clip);
    await truncate(truncated, Math.floor(clip.length / 2));
    const audioOnly = await makeVideo(dir, 'audio.m4a', [...lavfi.sine(1), ...aac]);
    const eightK = await makeVideo(dir, '8k.mp4', [
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=7680x4320:r=1:d=1',
      '-frames:v',
      '1',
      ...h264,
    ]);
    // Two hours at one frame per second, 32×32: tiny, and over the default 600 s limit.
    const twoHours = await makeVideo(dir, 'two-hours.mp4', [
      '-f',
      'lavfi',
      '-i',
      'color=c=blue:s=32x32:r=1:d=7200',
      ...h264,
    ]);
    const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00'), Buffer.alloc(4096, 0x5a)]);
    const cases: Array<[string, Buffer, string, string, number, string]> = [
      ['truncated MP4', await readFile(truncated), 'cut.mp4', 'video/mp4', 422, 'video_unreadable'],
      ['audio only', await readFile(audioOnly), 'song.m4a', 'audio/mp4', 422, 'video_no_stream'],
      ['8K', await readFile(eightK), '8k.mp4', 'video/mp4', 413, 'video_resolution_too_high'],
      ['two hours', await readFile(twoHours), 'long.mp4', 'video/mp4', 413, 'video_too_long'],
      ['zip renamed .mp4', zip, 'archive.mp4', 'video/mp4', 415, 'not_a_video'],
    ];
    const before = { rows: await jobRows(a.orgId), blobs: storedBlobs(), usage: await usage(a.orgId) };
    // In parallel, then one at a time: the same answers either way.
    const parallel = await Promise.all(cases.map(([, bytes, name, type]) => submit(a, bytes, name, type)));
    const sequential = [];
    for (const [, bytes, name, type] of cases) sequential.push(await submit(a, bytes, name, type));
    for (const answers of [parallel, sequential]) {
      answers.forEach((res, i) => {
        const [label, , , , status, code] = cases[i];
        expect({ label, status: res.status, code: res.body.code }).toEqual({ label, status, code });
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body.field ?? res.body.extensions?.field ?? 'target').toBe('target');
      });
    }
    expect(parallel[3].body.detail).toContain('600');
    expect(await jobRows(a.orgId)).toBe(before.rows);
    expect(storedBlobs()).toEqual(before.blobs);
    expect(await usage(a.orgId)).toEqual(before.usage);
    expect(uploadsLeft()).toEqual([]);
  }, 240_000);

  it('accepts a video within the limits, records it, and counts its frames toward the daily quota', async () => {
    const q = await createTenant(t);
    const qModels = await setupFusionModels(t, q);
    await http(t)
      .patch(`${orgBase(q)}`)
      .set(q.admin.auth)
      .send({ dailyInferenceQuota: 1000, memberDailyInferenceQuota: 1000 })
      .expect(200);
    const accepted = await http(t)
      .post(`${orgBase(q)}/models/${qModels.swapperId}/fuse`)
      .set(q.developer.auth)
      .attach('source', photos().portrait, { filename: 'source.jpg', contentType: 'image/jpeg' })
      .attach('target', clip, { filename: 'clip.mp4', contentType: 'video/mp4' });
    expect(accepted.status).toBe(202);
    const row = (await t.env.db.query(`SELECT inputs FROM job WHERE id = $1`, [accepted.body.id])).rows[0];
    const target = row.inputs.find((i: { role: string }) => i.role === 'target');
    expect(target).toMatchObject({
      mediaType: 'video/mp4',
      width: 320,
      height: 240,
      video: { container: 'mp4', codec: 'h264', frameCount: 20, frameRate: '10/1', hasAudio: true },
    });
    expect((await usage(q.orgId)).map((u) => u.count)).toEqual([20, 20]);
    const audit = await t.env.db.query(
      `SELECT details FROM audit_event WHERE resource_id = $1 AND action = 'job.submitted'`,
      [accepted.body.id],
    );
    expect(audit.rows[0].details).toMatchObject({
      quotaUnits: 20,
      inputs: expect.arrayContaining([
        expect.objectContaining({ role: 'target', video: expect.objectContaining({ frameCount: 20 }) }),
      ]),
    });
    expect(audit.rows[0].details.watermarkPayload).toMatch(/^[0-9a-f]{16}$/);
  }, 240_000);

  it('applies the organization’s own video limits and a frame-counted quota, also under racing submissions', async () => {
    const q = await createTenant(t);
    const qModels = await setupFusionModels(t, q);
    const send = () =>
      http(t)
        .post(`${orgBase(q)}/models/${qModels.swapperId}/fuse`)
        .set(q.developer.auth)
        .attach('source', photos().portrait, { filename: 'source.jpg', contentType: 'image/jpeg' })
        .attach('target', clip, { filename: 'clip.mp4', contentType: 'video/mp4' });
    const org = await http(t)
      .get(`${orgBase(q)}`)
      .set(q.admin.auth);
    expect(org.body).toMatchObject({
      videoMaxDurationSeconds: 600,
      videoMaxLongSide: 3840,
      videoMaxShortSide: 2160,
      videoMaxFrameRate: 60,
      videoMaxFrameCount: 36000,
    });
    await http(t)
      .patch(`${orgBase(q)}`)
      .set(q.admin.auth)
      .send({ videoMaxFrameCount: 19 })
      .expect(200);
    const tooMany = await send();
    expect([tooMany.status, tooMany.body.code]).toEqual([413, 'video_too_many_frames']);
    await http(t)
      .patch(`${orgBase(q)}`)
      .set(q.admin.auth)
      .send({ videoMaxFrameRate: 5, videoMaxFrameCount: 100 })
      .expect(200);
    const tooFast = await send();
    expect([tooFast.status, tooFast.body.code]).toEqual([422, 'video_frame_rate_too_high']);
    const invalid = await http(t)
      .patch(`${orgBase(q)}`)
      .set(q.admin.auth)
      .send({ videoMaxFrameRate: 0 });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'validation_failed']);

    // 50 units a day: two 20-frame videos fit, the third does not, however they race.
    await http(t)
      .patch(`${orgBase(q)}`)
      .set(q.admin.auth)
      .send({ videoMaxFrameRate: 60, dailyInferenceQuota: 50 })
      .expect(200);
    const answers = await Promise.all(Array.from({ length: 4 }, () => send()));
    expect(answers.map((r) => r.status).sort()).toEqual([202, 202, 429, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.body).toMatchObject({ code: 'quota_exceeded', units: 20 });
    expect(await jobRows(q.orgId)).toBe(2);
    // The organization's total (no per-member quota is set, so no member row).
    expect((await usage(q.orgId)).map((u) => u.count)).toEqual([40]);
  }, 240_000);

  it('finds the watermark in a video and names the job that made it', async () => {
    const fixtures = ensureRealFixtures();
    const video = await makeVideo(dir, 'faces.mp4', [
      '-loop',
      '1',
      '-framerate',
      '4',
      '-i',
      fixtures.photos.sample1,
      '-t',
      '1',
      '-vf',
      'scale=640:-2,crop=640:360:0:0',
      ...h264,
    ]);
    const accepted = await submit(a, await readFile(video), 'faces.mp4', 'video/mp4');
    expect(accepted.status).toBe(202);
    const payload = (await t.env.db.query(`SELECT watermark_payload FROM job WHERE id = $1`, [accepted.body.id]))
      .rows[0].watermark_payload as string;
    // The job's frames fused with its payload, as a worker writes them.
    const engine = await FaceFusionEngine.create({ workers: 1 });
    const fused = join(dir, 'fused.mp4');
    try {
      const swapper = writeModel(dir, 'swapper', buildInswapperModel(), 'inswapper', 'face_swapper');
      await fuseVideoSegment({
        engine,
        input: video,
        probe: await probeVideo(video),
        output: fused,
        startFrame: 0,
        endFrame: 4,
        request: {
          source: photos().portrait,
          models: { detector: fixtures.ultraface, recognizer: fixtures.embedding, swapper },
        },
        watermarkPayload: payload,
      });
    } finally {
      await engine.close();
    }
    const detect = (bytes: Buffer, filename: string) =>
      http(t)
        .post(`${orgBase(a)}/watermark/detect`)
        .set(a.developer.auth)
        .attach('image', bytes, { filename, contentType: 'video/mp4' });
    const marked = await detect(await readFile(fused), 'fused.mp4');
    expect(marked.status).toBe(200);
    expect(marked.body).toMatchObject({
      watermarked: true,
      job: { jobId: accepted.body.id, modelId: models.swapperId },
      video: { framesChecked: 4, framesMarked: 4 },
    });
    const plain = await detect(await readFile(video), 'faces.mp4');
    expect(plain.body).toMatchObject({ watermarked: false, job: null, video: { framesChecked: 4, framesMarked: 0 } });
    const notVideo = await detect(Buffer.from('PK\x03\x04 not a video'), 'x.mp4');
    expect([notVideo.status, notVideo.body.code]).toEqual([415, 'not_a_video']);
    expect(uploadsLeft()).toEqual([]);
  }, 240_000);
});

describe('upload size limits of video and image targets', () => {
  let t: TestApp;
  let a: Tenant;
  let models: FusionModels;
  let dir: string;
  let source: Buffer; // a small JPEG, under the image limit

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'video-sizes-'));
    // Images up to 100 kB, videos up to 60 kB: the fixture photo (~400 kB) is over the image limit.
    t = await createTestApp({ env: { JOBS_MAX_INPUT_BYTES: '100000', JOBS_MAX_VIDEO_BYTES: '60000' } });
    source = await sharp(photos().portrait).resize(400).jpeg({ quality: 70 }).toBuffer();
    a = await createTenant(t);
    models = await setupFusionModels(t, a);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a video over JOBS_MAX_VIDEO_BYTES and an image over JOBS_MAX_INPUT_BYTES, each naming its limit', async () => {
    const small = await readFile(await makeVideo(dir, 'small.mp4', [...lavfi.testsrc('160x120', 10, 1), ...h264]));
    const big = await readFile(
      await makeVideo(dir, 'big.mp4', [...lavfi.testsrc('640x480', 25, 4), ...h264, '-qp', '0']),
    );
    expect(small.length).toBeLessThan(60_000);
    expect(big.length).toBeGreaterThan(60_000);
    const send = (target: Buffer, filename: string, contentType: string) =>
      http(t)
        .post(`${orgBase(a)}/models/${models.swapperId}/fuse`)
        .set(a.developer.auth)
        .attach('source', source, { filename: 'source.jpg', contentType: 'image/jpeg' })
        .attach('target', target, { filename, contentType });
    const tooBig = await send(big, 'big.mp4', 'video/mp4');
    expect([tooBig.status, tooBig.body.code, tooBig.body.limit]).toEqual([413, 'input_too_large', 60_000]);
    const photo = photos().group;
    expect(photo.length).toBeGreaterThan(100_000);
    const bigImage = await send(photo, 'target.jpg', 'image/jpeg');
    expect([bigImage.status, bigImage.body.code, bigImage.body.limit]).toEqual([413, 'input_too_large', 100_000]);
    expect((await send(small, 'small.mp4', 'video/mp4')).status).toBe(202);
  }, 240_000);
});
