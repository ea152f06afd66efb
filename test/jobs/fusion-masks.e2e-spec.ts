import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { FACE_MASK_REGION_LABELS } from '#libs/inference';
import { buildOccluderModel, buildParserModel, splitLabels } from '../fixtures/onnx/mask-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
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
  type JobBody,
} from './fusion-support.js';

interface Raw {
  width: number;
  data: Buffer;
}

const decode = async (bytes: Buffer): Promise<Raw> => {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, data };
};

/**
 * Over the middle of each swapped face (a third of its box each way): the mean difference from the
 * target per channel, result − target.
 */
function faceShift(result: Raw, target: Raw, job: JobBody): Array<[number, number, number]> {
  return job
    .faces!.filter((f) => f.swapped)
    .map(({ box }) => {
      const w = box.x2 - box.x1;
      const h = box.y2 - box.y1;
      const sum = [0, 0, 0];
      let n = 0;
      for (let y = Math.round(box.y1 + h / 3); y < box.y1 + (2 * h) / 3; y++) {
        for (let x = Math.round(box.x1 + w / 3); x < box.x1 + (2 * w) / 3; x++) {
          const i = (y * target.width + x) * 3;
          for (let c = 0; c < 3; c++) sum[c] += result.data[i + c] - target.data[i + c];
          n++;
        }
      }
      return sum.map((s) => s / n) as [number, number, number];
    });
}

/**
 * faceMask through the public API, with the compiled worker: the organization's production occluder
 * and parser (generated XSeg and BiSeNet models), or named ones; every mask model is checked for
 * model:infer, recorded in the job and named in the audit trail.
 */
describe('face masks in fusion jobs', () => {
  let t: TestApp;
  let a: Tenant;
  let models: FusionModels;
  let occluderId: string;
  let parserId: string;
  let worker: WorkerProcess | undefined;
  let target: Raw;

  const run = async (options: Record<string, unknown>) => {
    const res = await fuse(t, a, 'developer', models.swapperId, { options: { outputFormat: 'png', ...options } });
    expect(res.status).toBe(202);
    const job = await waitForJob(t, a, 'developer', res.body.id);
    expect(job).toMatchObject({ status: 'completed' });
    const result = await binary(http(t).get(job.links.result).set(a.developer.auth));
    return { job, shift: faceShift(await decode(result.body as Buffer), target, job) };
  };

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp();
    a = await createTenant(t);
    models = await setupFusionModels(t, a);
    // The production occluder sees the whole face as occluded; the parser sees skin everywhere.
    occluderId = await registerModel(
      t,
      a,
      { kind: 'face_occluder', family: 'xseg' },
      buildOccluderModel([{ x1: 0, y1: 0, x2: 256, y2: 256 }]),
    );
    parserId = await registerModel(
      t,
      a,
      { kind: 'face_parser', family: 'bisenet' },
      buildParserModel(splitLabels(FACE_MASK_REGION_LABELS.skin, FACE_MASK_REGION_LABELS.skin)),
    );
    target = await decode(photos().group);
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  let revokedJob = '';

  describe('before a worker runs', () => {
    it('refuses faceMask options that do not fit, naming the field, and stores nothing', async () => {
      const before = await t.env.db.query(`SELECT count(*)::int AS n FROM job WHERE organization_id = $1`, [a.orgId]);
      const cases: Array<[unknown, string]> = [
        [{ types: ['box', 'hair'] }, 'options.faceMask.types.1'],
        [{ types: [] }, 'options.faceMask.types'],
        [{ types: ['box', 'box'] }, 'options.faceMask.types'],
        [{ blur: 1.5 }, 'options.faceMask.blur'],
        [{ padding: [0, 0, 0] }, 'options.faceMask.padding'],
        [{ padding: [0, 0, 0, 101] }, 'options.faceMask.padding'],
        [{ types: ['box'], occluder: { modelId: occluderId } }, 'options.faceMask.occluder'],
        [{ types: ['box'], regions: ['skin'] }, 'options.faceMask.types'],
        [{ types: ['region'], regions: ['ears'] }, 'options.faceMask.regions.0'],
        [{ types: ['box'], feather: 3 }, 'options.faceMask.feather'],
      ];
      const answers = await Promise.all(
        cases.map(([faceMask]) => fuse(t, a, 'developer', models.swapperId, { options: { faceMask } })),
      );
      answers.forEach((res, i) => {
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(cases[i][1]);
      });
      const wrongKind = await fuse(t, a, 'developer', models.swapperId, {
        options: { faceMask: { types: ['occlusion'], occluder: { modelId: parserId } } },
      });
      expect(wrongKind.status).toBe(422);
      expect(wrongKind.body).toMatchObject({ code: 'model_kind_mismatch', expected: 'face_occluder' });
      const after = await t.env.db.query(`SELECT count(*)::int AS n FROM job WHERE organization_id = $1`, [a.orgId]);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('names the missing kind when the organization has no production parser', async () => {
      const b = await createTenant(t);
      const own = await setupFusionModels(t, b);
      const res = await fuse(t, b, 'developer', own.swapperId, {
        options: { faceMask: { types: ['box', 'region'], regions: ['skin'] } },
      });
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'model_kind_missing', kind: 'face_parser' });
      // Another organization's parser is not a fallback.
      const foreign = await fuse(t, b, 'developer', own.swapperId, {
        options: { faceMask: { types: ['region'], parser: { modelId: parserId } } },
      });
      expect(foreign.status).toBe(404);
      const jobs = await t.env.db.query(`SELECT id FROM job WHERE organization_id = $1`, [b.orgId]);
      expect(jobs.rowCount).toBe(0);
    });

    it('refuses a mask whose occluder the caller may not run (model:infer), though the swap alone is allowed', async () => {
      // The guest role may submit jobs, and run the swapper, detector and recognizer — not the occluder.
      const roles = await http(t)
        .get(`${orgBase(a)}/roles`)
        .set(a.admin.auth);
      const guest = (roles.body.items as Array<{ id: string; name: string; permissions: string[] }>).find(
        (r) => r.name === 'guest',
      )!;
      const patched = await http(t)
        .patch(`${orgBase(a)}/roles/${guest.id}`)
        .set(a.admin.auth)
        .send({ permissions: [...guest.permissions, 'job:create'] });
      expect(patched.status).toBe(200);
      for (const modelId of [models.swapperId, models.detectorId, models.recognizerId]) {
        const granted = await http(t)
          .post(`${orgBase(a)}/models/${modelId}/grants`)
          .set(a.admin.auth)
          .send({ principalType: 'role', principalId: guest.id, permissions: ['infer'] });
        expect(granted.status).toBe(201);
      }
      const [swapOnly, byDefault, named] = await Promise.all([
        fuse(t, a, 'guest', models.swapperId),
        fuse(t, a, 'guest', models.swapperId, { options: { faceMask: { types: ['box', 'occlusion'] } } }),
        fuse(t, a, 'guest', models.swapperId, {
          options: { faceMask: { types: ['occlusion'], occluder: { modelId: occluderId, version: 1 } } },
        }),
      ]);
      expect(swapOnly.status).toBe(202);
      for (const refused of [byDefault, named]) {
        expect(refused.status).toBe(403);
        expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(refused.body.code).toBe('model:infer');
      }
      const jobs = await t.env.db.query(`SELECT id FROM job WHERE organization_id = $1 AND owner_id = $2`, [
        a.orgId,
        a.guest.id,
      ]);
      expect(jobs.rows.map((r) => r.id)).toEqual([swapOnly.body.id]);

      // Granted, the guest's masked job is accepted; the grant withdrawn while it waits, it never runs.
      const grant = await http(t)
        .post(`${orgBase(a)}/models/${occluderId}/grants`)
        .set(a.admin.auth)
        .send({ principalType: 'role', principalId: guest.id, permissions: ['infer'] });
      expect(grant.status).toBe(201);
      const accepted = await fuse(t, a, 'guest', models.swapperId, {
        options: { faceMask: { types: ['box', 'occlusion'] } },
      });
      expect(accepted.status).toBe(202);
      expect(accepted.body.models.occluder).toMatchObject({ modelId: occluderId, version: 1 });
      const withdrawn = await http(t)
        .delete(`${orgBase(a)}/models/${occluderId}/grants/${grant.body.id}`)
        .set(a.admin.auth);
      expect(withdrawn.status).toBe(204);
      revokedJob = accepted.body.id;
    });
  });

  describe('with a worker process', () => {
    beforeAll(async () => {
      worker = await startWorker(t.env);
    }, 90_000);

    it('pastes through the organization’s production occluder, records it and names it in the audit', async () => {
      const plain = await run({ faceMask: { types: ['box'] } });
      expect(plain.shift.length).toBeGreaterThan(0);
      // The generated swapper paints faces green.
      for (const [r, g] of plain.shift) expect(g - r).toBeGreaterThan(60);

      const occluded = await run({ faceMask: { types: ['box', 'occlusion'], blur: 0.3, padding: [0, 0, 0, 0] } });
      expect(occluded.shift.length).toBe(plain.shift.length);
      // Everything is occluded: the faces keep the target's pixels (watermark aside).
      for (const shift of occluded.shift) for (const d of shift) expect(Math.abs(d)).toBeLessThan(3);
      expect(occluded.job).toMatchObject({
        options: { faceMask: { types: ['box', 'occlusion'], blur: 0.3, padding: [0, 0, 0, 0] } },
        models: { occluder: { modelId: occluderId, version: 1, stage: 'production', family: 'xseg' } },
      });
      expect(occluded.job).not.toHaveProperty('models.parser');
      const audit = await t.env.db.query<{ action: string; details: { models: Record<string, { modelId: string }> } }>(
        `SELECT action, details FROM audit_event WHERE organization_id = $1 AND resource_id = $2 ORDER BY pos`,
        [a.orgId, occluded.job.id],
      );
      const submitted = audit.rows.find((r) => r.action === 'job.submitted')!;
      const completed = audit.rows.find((r) => r.action === 'job.completed')!;
      for (const row of [submitted, completed]) {
        expect(row.details.models.occluder).toMatchObject({ modelId: occluderId, version: 1 });
      }
    }, 180_000);

    it('keeps only the chosen regions of a named parser version', async () => {
      const parser = { modelId: parserId, version: 1 };
      const nose = await run({ faceMask: { types: ['box', 'region'], regions: ['nose'], parser } });
      for (const shift of nose.shift) for (const d of shift) expect(Math.abs(d)).toBeLessThan(3);
      const skin = await run({ faceMask: { types: ['box', 'region'], regions: ['skin', 'nose'], parser } });
      for (const [r, g] of skin.shift) expect(g - r).toBeGreaterThan(60);
      expect(skin.job).toMatchObject({
        options: { faceMask: { types: ['box', 'region'], regions: ['skin', 'nose'] } },
        models: { parser: { modelId: parserId, version: 1, family: 'bisenet' } },
      });
    }, 180_000);

    it('fails a masked job whose submitter lost model:infer on the occluder while it waited', async () => {
      const job = await waitForJob(t, a, 'admin', revokedJob);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('permission_revoked');
    }, 120_000);
  });
});
