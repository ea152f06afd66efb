import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import {
  fuse,
  getJob,
  http,
  jobAuditActions,
  orgBase,
  photos,
  registerModel,
  setupFusionModels,
  waitForJob,
  type FusionModels,
} from './fusion-support.js';
import { buildArcFaceModel, buildInswapperModel } from '../fixtures/onnx/face-models.js';

const MAX_SOURCES = 4;

/** Limits and failures of fusion jobs: bad input, quotas, concurrency, fairness, cancellation, crashes. */
describe('fusion job limits', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  let models: FusionModels;
  let slow: FusionModels;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp({ env: { JOBS_MAX_SOURCES: String(MAX_SOURCES), INFERENCE_MAX_PIXELS: '40000000' } });
    [a, b] = [await createTenant(t), await createTenant(t)];
    models = await setupFusionModels(t, a);
    slow = await setupFusionModels(t, a, { slowness: 150 });
  }, 240_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await t?.close();
  });

  const jobCount = async () => Number((await t.env.db.query(`SELECT count(*) AS n FROM job`)).rows[0].n);
  const storedBlobs = () => {
    const root = join(t.env.dataDir, 'blobs');
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? (e.name === 'tmp' ? [] : walk(join(dir, e.name))) : [e.name],
      );
    try {
      return walk(root).sort();
    } catch {
      return [];
    }
  };

  describe('bad input', () => {
    it('answers each with a clear problem and leaves no rows or blobs behind', async () => {
      const p = photos();
      // A PNG whose header claims 50 000 × 50 000 pixels (a decompression bomb).
      const bomb = pngHeader(50_000, 50_000);
      const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(64)]);
      const otherRecognizer = await registerModel(
        t,
        b,
        { kind: 'face_recognizer', family: 'arcface' },
        buildArcFaceModel(),
      );
      const rowsBefore = await jobCount();
      const blobsBefore = storedBlobs();
      const cases: Array<[string, ReturnType<typeof fuse>, number, string]> = [
        [
          'not an image',
          fuse(t, a, 'developer', models.swapperId, { target: Buffer.from('hello, world') }),
          415,
          'image_unsupported',
        ],
        [
          'a video as source',
          fuse(t, a, 'developer', models.swapperId, { sources: [mp4] }),
          415,
          'video_not_supported',
        ],
        [
          'an unreadable video as target',
          fuse(t, a, 'developer', models.swapperId, { target: mp4 }),
          422,
          'video_unreadable',
        ],
        [
          '50 000 px image',
          fuse(t, a, 'developer', models.swapperId, { target: bomb, targetType: 'image/png' }),
          413,
          'image_too_large',
        ],
        [
          'too many sources',
          fuse(t, a, 'developer', models.swapperId, { sources: Array.from({ length: 30 }, () => p.portrait) }),
          400,
          'too_many_sources',
        ],
        [
          'unknown option',
          fuse(t, a, 'developer', models.swapperId, { options: { faceSelectr: 'all' } }),
          400,
          'validation_failed',
        ],
        ['options not JSON', fuse(t, a, 'developer', models.swapperId, { options: '{nope' }), 400, 'validation_failed'],
        [
          'age filter (no face classifier model)',
          fuse(t, a, 'developer', models.swapperId, { options: { faceSelectorAgeStart: 20, faceSelectorAgeEnd: 40 } }),
          400,
          'validation_failed',
        ],
        [
          'unknown face selector order',
          fuse(t, a, 'developer', models.swapperId, { options: { faceSelector: 'one', faceSelectorOrder: 'up-down' } }),
          400,
          'validation_failed',
        ],
        [
          'detector angle not a quarter turn',
          fuse(t, a, 'developer', models.swapperId, { options: { detectorAngles: [0, 45] } }),
          400,
          'validation_failed',
        ],
        ['no target', fuse(t, a, 'developer', models.swapperId, { target: undefined }), 400, 'validation_failed'],
        ['wrong model kind', fuse(t, a, 'developer', models.detectorId), 422, 'model_kind_mismatch'],
        [
          'recognizer of another organization',
          fuse(t, a, 'developer', models.swapperId, { options: { recognizer: { modelId: otherRecognizer } } }),
          404,
          'model_not_found',
        ],
        ['model of another organization', fuse(t, b, 'developer', models.swapperId), 404, 'model_not_found'],
        [
          'missing version',
          fuse(t, a, 'developer', models.swapperId, { query: '?version=7' }),
          404,
          'model_version_not_found',
        ],
        [
          'no staging version',
          fuse(t, a, 'developer', models.swapperId, { query: '?stage=staging' }),
          422,
          'model_version_unavailable',
        ],
        ['guest', fuse(t, a, 'guest', models.swapperId), 403, 'job:create'],
      ];
      const answers = await Promise.all(cases.map(([, r]) => r));
      answers.forEach((res, i) => {
        const [name, , status, code] = cases[i];
        expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status, code });
        expect(res.headers['content-type']).toContain('application/problem+json');
      });
      const ageRefusal = answers[cases.findIndex(([name]) => name.startsWith('age filter'))];
      expect(ageRefusal.body.detail).toContain('faceSelectorAgeStart needs a face classifier model');
      expect(await jobCount()).toBe(rowsBefore);
      expect(storedBlobs()).toEqual(blobsBefore);
    }, 120_000);

    it('refuses an archived swapper version and an organization without a model of a kind', async () => {
      const archivedModel = await registerModel(
        t,
        a,
        { kind: 'face_swapper', family: 'inswapper' },
        buildInswapperModel(),
      );
      const archived = await http(t)
        .patch(`${orgBase(a)}/models/${archivedModel}/versions/1`)
        .set(a.admin.auth)
        .send({ stage: 'archived' });
      expect(archived.status).toBe(200);
      const res = await fuse(t, a, 'developer', archivedModel, { query: '?version=1' });
      expect([res.status, res.body.code]).toEqual([422, 'model_version_unavailable']);

      const lone = await registerModel(t, b, { kind: 'face_swapper', family: 'inswapper' }, buildInswapperModel());
      const missing = await fuse(t, b, 'developer', lone);
      expect(missing.status).toBe(422);
      expect(missing.body.code).toBe('model_kind_missing');
      expect(missing.body.detail).toContain('face_detector');
    });
  });

  describe('daily quota', () => {
    it('lets exactly the quota through when submissions race, then answers 429 with Retry-After', async () => {
      const q = await createTenant(t);
      const qModels = await setupFusionModels(t, q);
      const set = await http(t)
        .patch(`${orgBase(q)}`)
        .set(q.admin.auth)
        .send({ dailyInferenceQuota: 3, timezone: 'Pacific/Auckland' });
      expect(set.status).toBe(200);
      const answers = await Promise.all(Array.from({ length: 8 }, () => fuse(t, q, 'developer', qModels.swapperId)));
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
      const refused = answers.find((r) => r.status === 429)!;
      expect(refused.body.code).toBe('quota_exceeded');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(86_400);
      const rows = await t.env.db.query(`SELECT count(*) AS n FROM job WHERE organization_id = $1`, [q.orgId]);
      expect(Number(rows.rows[0].n)).toBe(3);
    }, 120_000);

    it('caps each member separately when the organization sets a per-member quota', async () => {
      const q = await createTenant(t);
      const qModels = await setupFusionModels(t, q);
      await http(t)
        .patch(`${orgBase(q)}`)
        .set(q.admin.auth)
        .send({ memberDailyInferenceQuota: 1 })
        .expect(200);
      expect((await fuse(t, q, 'developer', qModels.swapperId)).status).toBe(202);
      expect((await fuse(t, q, 'developer', qModels.swapperId)).status).toBe(429);
      expect((await fuse(t, q, 'tester', qModels.swapperId)).status).toBe(202);
    }, 120_000);
  });

  describe('with worker processes', () => {
    it('holds a second job while the concurrency limit is reached, and runs it afterwards', async () => {
      await http(t)
        .patch(`${orgBase(a)}`)
        .set(a.admin.auth)
        .send({ concurrentJobLimit: 1 })
        .expect(200);
      const [first, second] = [
        await fuse(t, a, 'developer', slow.swapperId),
        await fuse(t, a, 'developer', slow.swapperId),
      ];
      workers.push(await startWorker(t.env, { JOBS_WORKER_CONCURRENCY: '2', JOBS_DEFER_MS: '200' }));
      const overlap = await watchOverlap(t, a.orgId, [first.body.id, second.body.id]);
      expect(overlap).toBe(false);
      for (const id of [first.body.id, second.body.id]) {
        expect((await getJob(t, a, 'developer', id)).status).toBe('completed');
      }
      await http(t)
        .patch(`${orgBase(a)}`)
        .set(a.admin.auth)
        .send({ concurrentJobLimit: null })
        .expect(200);
    }, 180_000);

    it('cancels a running job at its next stage boundary', async () => {
      const res = await fuse(t, a, 'developer', slow.swapperId);
      await waitForJob(t, a, 'developer', res.body.id, ['running', 'completed']);
      const cancel = await http(t)
        .delete(`${orgBase(a)}/jobs/${res.body.id}`)
        .set(a.developer.auth);
      expect(cancel.status).toBe(202);
      expect(cancel.body.cancelRequested).toBe(true);
      const job = await waitForJob(t, a, 'developer', res.body.id);
      expect(job.status).toBe('cancelled');
      expect(job.result).toBeNull();
      expect(await jobAuditActions(t, a, res.body.id)).toEqual([
        'job.submitted',
        'job.started',
        'job.cancel_requested',
        'job.cancelled',
      ]);
    }, 120_000);

    it('finishes a job exactly once when its worker is killed mid-job', async () => {
      workers.push(
        await startWorker(t.env, { JOBS_LOCK_DURATION_MS: '2000', JOBS_STALLED_INTERVAL_MS: '1000' }),
        await startWorker(t.env, { JOBS_LOCK_DURATION_MS: '2000', JOBS_STALLED_INTERVAL_MS: '1000' }),
      );
      // Only the two workers with short locks take this job: the first one stops.
      await workers[0].stop();
      const res = await fuse(t, a, 'developer', slow.swapperId);
      await waitForJob(t, a, 'developer', res.body.id, ['running']);
      const [started] = (
        await t.env.db.query<{ details: { worker: string } }>(
          `SELECT details FROM audit_event WHERE resource_id = $1 AND action = 'job.started'`,
          [res.body.id],
        )
      ).rows;
      const victim = workers.find((w) => started.details.worker.endsWith(`:${w.pid}`))!;
      expect(victim).toBeDefined();
      victim.kill('SIGKILL');
      await victim.exited;
      const job = await waitForJob(t, a, 'developer', res.body.id, ['completed', 'failed'], 120_000);
      expect(job.status).toBe('completed');
      expect(job.attempt).toBe(2);
      const actions = await jobAuditActions(t, a, res.body.id);
      expect(actions.filter((x) => x === 'job.completed')).toHaveLength(1);
      expect(actions.filter((x) => x === 'job.started')).toHaveLength(2);
    }, 180_000);

    it('starts a second organization’s job within a few starts, however many the first has queued', async () => {
      for (const w of workers) await w.stop();
      const bModels = await setupFusionModels(t, b);
      const backlog = await Promise.all(Array.from({ length: 30 }, () => fuse(t, a, 'developer', models.swapperId)));
      expect(backlog.map((r) => (r.status === 202 ? 202 : `${r.status} ${r.body?.code}`))).toEqual(
        backlog.map(() => 202),
      );
      const late = await fuse(t, b, 'developer', bModels.swapperId);
      expect(late.status).toBe(202);
      workers.push(await startWorker(t.env, { JOBS_WORKER_CONCURRENCY: '1' }));
      await waitForJob(t, b, 'developer', late.body.id, ['completed']);
      const order = await t.env.db.query<{ id: string }>(
        `SELECT id FROM job WHERE started_at IS NOT NULL AND id = ANY($1) ORDER BY started_at`,
        [[...backlog.map((r) => r.body.id as string), late.body.id as string]],
      );
      const rank = order.rows.findIndex((r) => r.id === late.body.id);
      expect(rank).toBeGreaterThanOrEqual(0);
      expect(rank).toBeLessThanOrEqual(3);
    }, 240_000);
  });
});

/** Polls until both jobs finished; true if they were ever running at the same time. */
async function watchOverlap(t: TestApp, orgId: string, ids: string[]): Promise<boolean> {
  const deadline = Date.now() + 150_000;
  let overlap = false;
  for (;;) {
    const rows = await t.env.db.query<{ status: string }>(
      `SELECT status FROM job WHERE organization_id = $1 AND id = ANY($2)`,
      [orgId, ids],
    );
    if (rows.rows.filter((r) => r.status === 'running').length > 1) overlap = true;
    if (rows.rows.every((r) => ['completed', 'failed', 'cancelled'].includes(r.status))) return overlap;
    if (Date.now() > deadline) throw new Error('jobs did not finish');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A PNG of an IHDR chunk declaring width × height and an IEND chunk (no image data). */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr[16] = 8;
  ihdr[17] = 2;
  const iend = Buffer.concat([Buffer.alloc(4), Buffer.from('IEND', 'latin1'), Buffer.from([0xae, 0x42, 0x60, 0x82])]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, iend]);
}
