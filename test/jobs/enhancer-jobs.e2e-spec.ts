import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import { buildFaceEnhancerModel, buildTileUpscalerModel } from '../fixtures/onnx/enhancer-models.js';
import {
  binary,
  fuse,
  http,
  orgBase,
  photos,
  registerModel,
  setupFusionModels,
  waitForJob,
  type FusionModels,
} from './fusion-support.js';

/** The generated face enhancer paints every face this colour (model output in [−1, 1]). */
const COLOUR: [number, number, number] = [0.6, -0.8, 0.1];
const level = (v: number) => Math.round((v + 1) * 127.5);

interface JobView {
  id: string;
  status: string;
  modelId: string;
  models: Record<string, { modelId: string; version: number; family: string; sha256: string }>;
  options: Record<string, unknown>;
  result: { width: number; height: number; format: string } | null;
  faces: Array<{ box: { x1: number; y1: number; x2: number; y2: number }; swapped: boolean }> | null;
  error: { code: string } | null;
}

/**
 * FaceFusion's processors through the public API: enhancer models uploaded and checked by the
 * registry, chained after the swap by `options.processors`, run alone from an enhancer's own fuse
 * route, every model version checked for model:infer, recorded on the job and named in the audit.
 */
describe('enhancer processors in fusion jobs', () => {
  let t: TestApp;
  let a: Tenant;
  let models: FusionModels;
  let faceEnhancerId: string;
  let frameEnhancerId: string;
  let worker: WorkerProcess | undefined;

  const jobOf = async (id: string): Promise<JobView> =>
    (
      await http(t)
        .get(`${orgBase(a)}/jobs/${id}`)
        .set(a.admin.auth)
    ).body as JobView;
  const resultOf = async (id: string) => {
    const res = await binary(
      http(t)
        .get(`${orgBase(a)}/jobs/${id}/result`)
        .set(a.admin.auth),
    );
    expect(res.status).toBe(200);
    const { data, info } = await sharp(res.body as Buffer)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { bytes: res.body as Buffer, data, width: info.width, height: info.height };
  };
  const jobCount = async () =>
    Number(
      (await t.env.db.query<{ n: string }>(`SELECT count(*) AS n FROM job WHERE organization_id = $1`, [a.orgId]))
        .rows[0].n,
    );

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp();
    a = await createTenant(t);
    models = await setupFusionModels(t, a);
    faceEnhancerId = await registerModel(
      t,
      a,
      { kind: 'face_enhancer', family: 'gfpgan' },
      buildFaceEnhancerModel({ kind: 'colour', rgb: COLOUR }),
    );
    frameEnhancerId = await registerModel(
      t,
      a,
      { kind: 'frame_enhancer', family: 'real_esrgan' },
      buildTileUpscalerModel({ scale: 2 }),
    );
    worker = await startWorker(t.env);
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('the registry refuses an enhancer version whose I/O does not fit its family, naming the difference', async () => {
    const created = await http(t)
      .post(`${orgBase(a)}/models`)
      .set(a.admin.auth)
      .send({ name: 'codeformer', slug: 'codeformer-bad', kind: 'face_enhancer', family: 'codeformer' });
    expect(created.status).toBe(201);
    const upload = await http(t)
      .post(`${orgBase(a)}/models/${created.body.id}/versions`)
      .set(a.admin.auth)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(buildFaceEnhancerModel({ kind: 'colour', rgb: COLOUR })));
    expect(upload.status).toBe(422);
    expect(upload.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(upload.body).toMatchObject({ code: 'onnx_signature_mismatch' });
    expect(upload.body.detail).toMatch(/codeformer model has 2/);
  });

  it('swaps, then enhances the swapped faces; the job lists both model versions and the audit names them', async () => {
    const submitted = await fuse(t, a, 'developer', models.swapperId, {
      options: { processors: ['face_swapper', { processor: 'face_enhancer', blend: 100 }], outputFormat: 'png' },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body.models).toMatchObject({
      swapper: { modelId: models.swapperId, version: 1, family: 'inswapper' },
      faceEnhancer: { modelId: faceEnhancerId, version: 1, family: 'gfpgan' },
      detector: { modelId: models.detectorId },
      recognizer: { modelId: models.recognizerId },
    });
    expect(submitted.body.options.processors).toEqual([
      { processor: 'face_swapper' },
      { processor: 'face_enhancer', blend: 100 },
    ]);
    const done = await waitForJob(t, a, 'developer', submitted.body.id);
    expect(done.status).toBe('completed');
    const job = await jobOf(submitted.body.id);
    const out = await resultOf(job.id);
    const target = await sharp(photos().group).metadata();
    expect([out.width, out.height]).toEqual([target.width, target.height]);
    // Each swapped face ends in the enhancer's colour, not the swapper's green.
    const swapped = job.faces!.filter((f) => f.swapped);
    expect(swapped.length).toBeGreaterThan(0);
    for (const { box } of swapped) {
      const x = Math.round((box.x1 + box.x2) / 2);
      const y = Math.round((box.y1 + box.y2) / 2);
      const i = (y * out.width + x) * 3;
      const centre = Array.from(out.data.subarray(i, i + 3));
      // Green would be 255 levels away; the watermark moves a pixel by a few.
      centre.forEach((v, c) => expect(Math.abs(v - level(COLOUR[c]))).toBeLessThanOrEqual(8));
    }
    const audit = await t.env.db.query<{ action: string; details: { models: Record<string, unknown> } }>(
      `SELECT action, details FROM audit_event WHERE organization_id = $1 AND resource_id = $2 AND action IN
        ('job.submitted', 'job.completed') ORDER BY pos`,
      [a.orgId, job.id],
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['job.submitted', 'job.completed']);
    for (const row of audit.rows) {
      expect(row.details.models).toMatchObject({
        swapper: { modelId: models.swapperId, version: 1, sha256: job.models.swapper.sha256 },
        faceEnhancer: { modelId: faceEnhancerId, version: 1, sha256: job.models.faceEnhancer.sha256 },
      });
    }
  });

  it('refuses the chain with 403 model:infer when the caller may not run the enhancer, and stores nothing', async () => {
    const role = await http(t)
      .post(`${orgBase(a)}/roles`)
      .set(a.admin.auth)
      .send({ name: 'runner', permissions: ['model:read', 'job:create', 'job:read'] });
    expect(role.status).toBe(201);
    expect(
      (
        await http(t)
          .patch(`${orgBase(a)}/members/${a.guest.id}`)
          .set(a.admin.auth)
          .send({ role: 'runner' })
      ).status,
    ).toBe(200);
    const grant = async (modelId: string) => {
      const res = await http(t)
        .post(`${orgBase(a)}/models/${modelId}/grants`)
        .set(a.admin.auth)
        .send({ principalType: 'user', principalId: a.guest.id, permissions: ['view', 'infer'] });
      expect(res.status).toBe(201);
    };
    for (const id of [models.swapperId, models.detectorId, models.recognizerId]) await grant(id);
    const before = await jobCount();
    const chain = { processors: ['face_swapper', 'face_enhancer'] };
    const [named, byDefault] = await Promise.all([
      fuse(t, a, 'guest', models.swapperId, {
        options: { processors: ['face_swapper', { processor: 'face_enhancer', modelId: faceEnhancerId }] },
      }),
      fuse(t, a, 'guest', models.swapperId, { options: chain }),
    ]);
    expect(named.status).toBe(403);
    expect(named.body).toMatchObject({ code: 'model:infer' });
    expect(byDefault.status).toBe(403);
    expect(byDefault.body).toMatchObject({ code: 'model:infer' });
    // Alone, the enhancer's own route is refused too (still visible: model:read).
    const alone = await fuse(t, a, 'guest', faceEnhancerId, { sources: [] });
    expect(alone.status).toBe(403);
    expect(alone.body.code).toBe('model:infer');
    expect(await jobCount()).toBe(before);
    // The swap alone is still allowed; with a grant on the enhancer, so is the chain.
    expect((await fuse(t, a, 'guest', models.swapperId)).status).toBe(202);
    await grant(faceEnhancerId);
    expect((await fuse(t, a, 'guest', models.swapperId, { options: chain })).status).toBe(202);
  });

  it('runs a face enhancer alone from its own route: no source, no swapper, only the face region changes', async () => {
    const submitted = await fuse(t, a, 'developer', faceEnhancerId, {
      sources: [],
      options: { processors: [{ processor: 'face_enhancer', blend: 100 }], outputFormat: 'png' },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body.modelId).toBe(faceEnhancerId);
    expect(Object.keys(submitted.body.models).sort()).toEqual(['detector', 'faceEnhancer']);
    expect(submitted.body.inputs.map((i: { role: string }) => i.role)).toEqual(['target']);
    const done = await waitForJob(t, a, 'developer', submitted.body.id);
    expect(done.status).toBe('completed');
    const job = await jobOf(submitted.body.id);
    expect(job.faces!.length).toBeGreaterThan(0);
    expect(job.faces!.every((f) => !f.swapped)).toBe(true);
    const out = await resultOf(job.id);
    const { data: input } = await sharp(photos().group).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    // A corner far from every face keeps the photo (within the watermark's few levels).
    let worst = 0;
    for (let y = 0; y < 60; y++)
      for (let x = 0; x < 60; x++)
        for (let c = 0; c < 3; c++) {
          const i = (y * out.width + x) * 3 + c;
          worst = Math.max(worst, Math.abs(out.data[i] - input[i]));
        }
    expect(worst).toBeLessThanOrEqual(6);
    const { box } = job.faces![0];
    const i = (Math.round((box.y1 + box.y2) / 2) * out.width + Math.round((box.x1 + box.x2) / 2)) * 3;
    Array.from(out.data.subarray(i, i + 3)).forEach((v, c) =>
      expect(Math.abs(v - level(COLOUR[c]))).toBeLessThanOrEqual(2),
    );
  });

  it('runs frame enhancers alone and in parallel: the output size follows the scale and the watermark survives', async () => {
    const target = await sharp(photos().portrait).metadata();
    const submitted = await Promise.all(
      [0, 1, 2].map(() => fuse(t, a, 'developer', frameEnhancerId, { sources: [], target: photos().portrait })),
    );
    for (const res of submitted) {
      expect(res.status).toBe(202);
      expect(Object.keys(res.body.models)).toEqual(['frameEnhancer']);
    }
    for (const res of submitted) {
      const done = await waitForJob(t, a, 'developer', res.body.id);
      expect({ status: done.status, error: done.error }).toEqual({ status: 'completed', error: null });
      expect(done.result).toMatchObject({ width: target.width! * 2, height: target.height! * 2 });
      const out = await resultOf(res.body.id);
      expect([out.width, out.height]).toEqual([target.width! * 2, target.height! * 2]);
      const detect = await http(t)
        .post(`${orgBase(a)}/watermark/detect`)
        .set(a.developer.auth)
        .attach('image', out.bytes, { filename: 'up.jpg', contentType: 'image/jpeg' });
      expect(detect.body).toMatchObject({
        watermarked: true,
        job: { jobId: res.body.id, modelId: frameEnhancerId, modelVersion: 1 },
      });
    }
  });

  it('answers every bad processor request with a problem document and keeps nothing', async () => {
    const before = await jobCount();
    const cases: Array<[string, Promise<{ status: number; body: { code: string; detail: string } }>, number, string]> =
      [
        [
          'unknown processor',
          fuse(t, a, 'developer', models.swapperId, { options: { processors: ['lip_syncer'] } }),
          400,
          'validation_failed',
        ],
        [
          'listed twice',
          fuse(t, a, 'developer', models.swapperId, { options: { processors: ['face_swapper', 'face_swapper'] } }),
          400,
          'validation_failed',
        ],
        [
          'blend out of range',
          fuse(t, a, 'developer', models.swapperId, {
            options: { processors: ['face_swapper', { processor: 'face_enhancer', blend: 150 }] },
          }),
          400,
          'validation_failed',
        ],
        [
          'weight on a frame enhancer',
          fuse(t, a, 'developer', frameEnhancerId, {
            sources: [],
            options: { processors: [{ processor: 'frame_enhancer', weight: 0.3 }] },
          }),
          400,
          'validation_failed',
        ],
        ['source with no swap', fuse(t, a, 'developer', faceEnhancerId, {}), 400, 'validation_failed'],
        [
          'swap without source',
          fuse(t, a, 'developer', faceEnhancerId, {
            sources: [],
            options: { processors: ['face_swapper', 'face_enhancer'] },
          }),
          400,
          'validation_failed',
        ],
        [
          'path model not in the chain',
          fuse(t, a, 'developer', models.swapperId, { sources: [], options: { processors: ['face_enhancer'] } }),
          422,
          'processor_model_unused',
        ],
        [
          'another model for the path model’s step',
          fuse(t, a, 'developer', faceEnhancerId, {
            sources: [],
            options: { processors: [{ processor: 'face_enhancer', modelId: models.swapperId }] },
          }),
          400,
          'validation_failed',
        ],
        [
          'a swapper named as the enhancer',
          fuse(t, a, 'developer', models.swapperId, {
            options: { processors: ['face_swapper', { processor: 'face_enhancer', modelId: models.detectorId }] },
          }),
          422,
          'model_kind_mismatch',
        ],
        ['a detector’s route', fuse(t, a, 'developer', models.detectorId, { sources: [] }), 422, 'model_kind_mismatch'],
      ];
    for (const [what, pending, status, code] of cases) {
      const res = await pending;
      expect({ what, status: res.status, code: res.body.code }).toEqual({ what, status, code });
      expect(res.body.detail.length).toBeGreaterThan(5);
    }
    expect(await jobCount()).toBe(before);
  });
});
