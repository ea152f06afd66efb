import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import {
  binary,
  fuse,
  getJob,
  http,
  jobAuditActions,
  orgBase,
  photos,
  setupFusionModels,
  waitForJob,
  type FusionModels,
  type JobBody,
} from './fusion-support.js';

/**
 * The product's main path through the public API, with real worker processes (the compiled
 * worker), PostgreSQL, Redis, the real UltraFace detector on real photos and generated
 * recognizer/swapper models: submit → progress → watermarked result → watermark look-up.
 */
describe('fusion jobs end to end', () => {
  let t: TestApp;
  let a: Tenant;
  let models: FusionModels;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp();
    a = await createTenant(t);
    models = await setupFusionModels(t, a);
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  describe('before any worker runs', () => {
    it('accepts a job with 202, its Location and queue position, and keeps it queued', async () => {
      const first = await fuse(t, a, 'developer', models.swapperId);
      expect(first.status).toBe(202);
      expect(first.headers.location).toBe(`${orgBase(a)}/jobs/${first.body.id}`);
      expect(first.body).toMatchObject({ status: 'queued', position: expect.any(Number) });
      const second = await fuse(t, a, 'developer', models.swapperId);
      expect(second.body.position).toBe(first.body.position + 1);
      expect((await getJob(t, a, 'developer', first.body.id)).status).toBe('queued');
    });

    it('cancels a queued job at once; it never starts', async () => {
      const res = await fuse(t, a, 'developer', models.swapperId);
      const cancelled = await http(t)
        .delete(`${orgBase(a)}/jobs/${res.body.id}`)
        .set(a.developer.auth);
      expect(cancelled.status).toBe(202);
      expect(cancelled.body.status).toBe('cancelled');
      const again = await http(t)
        .delete(`${orgBase(a)}/jobs/${res.body.id}`)
        .set(a.developer.auth);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('job_finished');
      cancelledJob = res.body.id;
    });

    it('fails a job whose submitter lost the right to run it while it waited (permission_revoked)', async () => {
      const res = await fuse(t, a, 'tester', models.swapperId);
      expect(res.status).toBe(202);
      const demoted = await http(t)
        .patch(`${orgBase(a)}/members/${a.tester.id}`)
        .set(a.admin.auth)
        .send({ role: 'guest' });
      expect(demoted.status).toBe(200);
      revokedJob = res.body.id;
    });

    it('answers an idempotent retry with the first job, and refuses the key for another request', async () => {
      const key = `retry-${Date.now()}`;
      const [one, two] = await Promise.all([
        fuse(t, a, 'developer', models.swapperId, { idempotencyKey: key }),
        fuse(t, a, 'developer', models.swapperId, { idempotencyKey: key }),
      ]);
      expect([one.status, two.status]).toEqual([202, 202]);
      expect(two.body.id).toBe(one.body.id);
      const other = await fuse(t, a, 'developer', models.swapperId, {
        idempotencyKey: key,
        options: { faceSelector: 'largest' },
      });
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      const rows = await t.env.db.query(`SELECT id FROM job WHERE idempotency_key = $1`, [key]);
      expect(rows.rowCount).toBe(1);
    });

    it('re-enqueues queued jobs after Redis lost the queue', async () => {
      const res = await fuse(t, a, 'developer', models.swapperId);
      lostJob = res.body.id;
      const keys = await t.env.redis.client.keys(`${t.env.redis.prefix}:bull:*`);
      expect(keys.length).toBeGreaterThan(0);
      await t.env.redis.client.del(...keys);
    });
  });

  let cancelledJob = '';
  let revokedJob = '';
  let lostJob = '';

  describe('with a worker process', () => {
    beforeAll(async () => {
      worker = await startWorker(t.env, { JOBS_RECONCILE_INTERVAL_MS: '1000', JOBS_RESULT_PURGE_INTERVAL_MS: '500' });
    }, 90_000);

    it('runs every accepted job, including those Redis lost', async () => {
      const lost = await waitForJob(t, a, 'developer', lostJob);
      expect(lost.status).toBe('completed');
      expect(worker!.output()).toContain('Re-enqueued');
    }, 120_000);

    it('never starts a cancelled job', async () => {
      expect((await getJob(t, a, 'developer', cancelledJob)).status).toBe('cancelled');
      expect(await jobAuditActions(t, a, cancelledJob)).toEqual(['job.submitted', 'job.cancelled']);
    });

    it('fails the job of a demoted member with permission_revoked, audited, and runs nothing', async () => {
      const job = await waitForJob(t, a, 'admin', revokedJob);
      expect(job.status).toBe('failed');
      expect(job.error?.code).toBe('permission_revoked');
      expect(await jobAuditActions(t, a, revokedJob)).toEqual(['job.submitted', 'job.failed']);
      const rows = await t.env.db.query<{ outcome: string }>(
        `SELECT outcome FROM audit_event WHERE resource_id = $1 AND action = 'job.failed'`,
        [revokedJob],
      );
      expect(rows.rows[0].outcome).toBe('denied');
    }, 120_000);

    it('streams progress and delivers a watermarked result of the target’s size and format', async () => {
      const p = photos();
      const submitted = await fuse(t, a, 'developer', models.swapperId);
      expect(submitted.status).toBe(202);
      const id = submitted.body.id as string;

      const events = await collectEvents(t, a, id);
      const states = events.filter((e) => e.event === 'state').map((e) => (e.data as JobBody).status);
      expect(states[states.length - 1]).toBe('completed');
      const stages = events.filter((e) => e.event === 'progress').map((e) => (e.data as { stage: string }).stage);
      if (states[0] !== 'completed') expect(stages).toEqual(expect.arrayContaining(['detect', 'swap', 'encode']));

      const job = await getJob(t, a, 'developer', id);
      expect(job.status).toBe('completed');
      expect(job.faces?.filter((f) => f.swapped)).toHaveLength(3);
      expect(job.result).toMatchObject({ watermark: 'embedded', watermarkReason: null });
      const download = await binary(
        http(t)
          .get(`${orgBase(a)}/jobs/${id}/result`)
          .set(a.developer.auth),
      );
      expect(download.status).toBe(200);
      expect(download.headers['content-type']).toBe('image/jpeg');
      expect(download.headers['x-content-sha256']).toBe(job.result!.sha256);
      const output = download.body as Buffer;
      const [before, after] = await Promise.all([
        sharp(p.group).raw().toBuffer({ resolveWithObject: true }),
        sharp(output).raw().toBuffer({ resolveWithObject: true }),
      ]);
      expect([after.info.width, after.info.height, after.info.format]).toEqual([1920, 1280, 'raw']);
      expect((await sharp(output).metadata()).format).toBe('jpeg');
      // Green inside the swapped faces, the photo elsewhere (JPEG re-encoding and the watermark aside).
      const inside = meanDiff(
        before,
        after,
        job.faces!.map((f) => shrink(f.box, 0.3)),
        true,
      );
      const outside = meanDiff(
        before,
        after,
        job.faces!.map((f) => grow(f.box, 0.6)),
        false,
      );
      expect(inside).toBeGreaterThan(25);
      expect(outside).toBeLessThan(4);

      const detect = await http(t)
        .post(`${orgBase(a)}/watermark/detect`)
        .set(a.guest.auth)
        .attach('image', output, { filename: 'leak.jpg', contentType: 'image/jpeg' });
      expect(detect.status).toBe(200);
      expect(detect.body).toMatchObject({
        watermarked: true,
        job: { jobId: id, userId: a.developer.id, modelId: models.swapperId, modelVersion: 1 },
      });
      const plain = await http(t)
        .post(`${orgBase(a)}/watermark/detect`)
        .set(a.guest.auth)
        .attach('image', p.group, { filename: 'photo.jpg', contentType: 'image/jpeg' });
      expect(plain.body).toMatchObject({ watermarked: false, job: null });

      expect(await jobAuditActions(t, a, id)).toEqual([
        'job.submitted',
        'job.started',
        'job.completed',
        'job.result_downloaded',
        'watermark.detected',
      ]);
      // Biometric inputs are gone once the job ended; only digests remain.
      const stored = await t.env.db.query<{ input_digests: string[] }>(`SELECT input_digests FROM job WHERE id = $1`, [
        id,
      ]);
      for (const digest of stored.rows[0].input_digests) {
        expect(await blobExists(t, digest)).toBe(false);
      }
    }, 120_000);

    it('delivers a result below the smallest watermarkable size unmarked, and says so with the reason', async () => {
      const small = await sharp(photos().group).resize(480).jpeg({ quality: 90 }).toBuffer();
      const submitted = await fuse(t, a, 'developer', models.swapperId, { target: small });
      expect(submitted.status).toBe(202);
      const job = await waitForJob(t, a, 'developer', submitted.body.id as string);
      expect(job.status).toBe('completed');
      expect(job.result).toMatchObject({ width: 480, height: 320, watermark: 'none' });
      expect(job.result!.watermarkReason).toMatch(
        /^image_too_small: 480×320 .*long side ≥ 512 px, short side ≥ 288 px/,
      );
      const download = await binary(
        http(t)
          .get(`${orgBase(a)}/jobs/${job.id}/result`)
          .set(a.developer.auth),
      );
      expect(download.status).toBe(200);
      const detect = await http(t)
        .post(`${orgBase(a)}/watermark/detect`)
        .set(a.developer.auth)
        .attach('image', download.body as Buffer, { filename: 'small.jpg', contentType: 'image/jpeg' });
      expect(detect.body).toMatchObject({ watermarked: false, confidence: null, job: null });
      const completed = await t.env.db.query<{ details: { watermark: string; watermarkReason: string } }>(
        `SELECT details FROM audit_event WHERE resource_id = $1 AND action = 'job.completed'`,
        [job.id],
      );
      expect(completed.rows[0].details).toMatchObject({
        watermark: 'none',
        watermarkReason: job.result!.watermarkReason,
      });
    }, 120_000);

    it('lists each caller the jobs they may see, filtered and paginated', async () => {
      const list = async (role: 'admin' | 'developer' | 'tester', query = '') => {
        const res = await http(t)
          .get(`${orgBase(a)}/jobs${query}`)
          .set(a[role].auth);
        expect(res.status).toBe(200);
        return res.body as { items: Array<{ id: string; ownerId: string; status: string }>; nextCursor: string | null };
      };
      const all = await list('admin', '?limit=200');
      const mine = await list('developer', '?limit=200');
      expect(all.items.length).toBeGreaterThan(mine.items.length);
      expect(mine.items.every((j) => j.ownerId === a.developer.id)).toBe(true);
      expect(all.items.map((j) => j.id)).toContain(revokedJob);
      expect(mine.items.map((j) => j.id)).not.toContain(revokedJob);
      const failed = await list('admin', '?status=failed');
      expect(failed.items.map((j) => j.id)).toEqual([revokedJob]);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list('developer', `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((j) => j.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(mine.items.map((j) => j.id));
    });

    it('deletes a result once the organization’s retention has passed', async () => {
      const kept = await http(t).patch(orgBase(a)).set(a.admin.auth).send({ resultRetentionDays: 1 });
      expect(kept.body.resultRetentionDays).toBe(1);
      const submitted = await fuse(t, a, 'developer', models.swapperId, { options: { outputFormat: 'png' } });
      const job = await waitForJob(t, a, 'developer', submitted.body.id);
      expect(job.result).toMatchObject({ format: 'png', purged: false });
      const expiresIn = Date.parse((job.result as unknown as { expiresAt: string }).expiresAt) - Date.now();
      expect(expiresIn).toBeGreaterThan(23 * 3600_000);
      expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);
      expect(await blobExists(t, job.result!.sha256)).toBe(true);
      // A day later, as far as the row is concerned.
      await t.env.db.query(`UPDATE job SET result_expires_at = now() - interval '1 second' WHERE id = $1`, [job.id]);
      const deadline = Date.now() + 30_000;
      while ((await blobExists(t, job.result!.sha256)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await blobExists(t, job.result!.sha256)).toBe(false);
      const gone = await http(t)
        .get(`${orgBase(a)}/jobs/${job.id}/result`)
        .set(a.developer.auth);
      expect([gone.status, gone.body.code]).toEqual([404, 'job_result_expired']);
      expect((await getJob(t, a, 'developer', job.id)).result).toMatchObject({ purged: true });
    }, 120_000);

    it('fails a job whose models do not fit a worker’s memory budget', async () => {
      await worker!.stop();
      const small = await startWorker(t.env, { INFERENCE_MEMORY_BUDGET_MB: '2' });
      try {
        const submitted = await fuse(t, a, 'developer', models.swapperId);
        const job = await waitForJob(t, a, 'developer', submitted.body.id);
        expect(job.status).toBe('failed');
        expect(job.error?.code).toBe('model_memory_budget_exceeded');
      } finally {
        await small.stop();
      }
      worker = await startWorker(t.env, { JOBS_RECONCILE_INTERVAL_MS: '1000' });
    }, 120_000);

    it('lets a guest download a project job’s result but never the model weights', async () => {
      const project = await http(t)
        .post(`${orgBase(a)}/projects`)
        .set(a.admin.auth)
        .send({ name: 'Campaign', slug: `p-${Date.now()}` });
      expect(project.status).toBe(201);
      for (const [user, role] of [
        [a.developer, 'developer'],
        [a.guest, 'guest'],
      ] as const) {
        const added = await http(t)
          .put(`${orgBase(a)}/projects/${project.body.id}/members/${user.id}`)
          .set(a.admin.auth)
          .send({ role });
        expect(added.status).toBe(200);
      }
      const projectModels = await setupFusionModels(t, a, { projectId: project.body.id });
      const submitted = await fuse(t, a, 'developer', projectModels.swapperId);
      expect(submitted.status).toBe(202);
      const job = await waitForJob(t, a, 'guest', submitted.body.id);
      expect(job.status).toBe('completed');
      const result = await binary(
        http(t)
          .get(`${orgBase(a)}/jobs/${job.id}/result`)
          .set(a.guest.auth),
      );
      expect(result.status).toBe(200);
      const weights = await http(t)
        .get(`${orgBase(a)}/models/${projectModels.swapperId}/versions/1/artifact`)
        .set(a.guest.auth);
      expect(weights.status).toBe(403);
      const guestSubmit = await fuse(t, a, 'guest', projectModels.swapperId);
      expect(guestSubmit.status).toBe(403);
      expect(guestSubmit.body.code).toBe('job:create');
    }, 120_000);
  });
});

async function blobExists(t: TestApp, sha256: string): Promise<boolean> {
  return existsSync(join(t.env.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256));
}

type Box = { x1: number; y1: number; x2: number; y2: number };
const shrink = (b: Box, f: number): Box => {
  const dx = ((b.x2 - b.x1) * f) / 2;
  const dy = ((b.y2 - b.y1) * f) / 2;
  return { x1: b.x1 + dx, y1: b.y1 + dy, x2: b.x2 - dx, y2: b.y2 - dy };
};
const grow = (b: Box, f: number): Box => shrink(b, -f);

/** Mean absolute channel difference over pixels inside (or outside) the boxes. */
function meanDiff(
  a: { data: Buffer; info: { width: number; height: number; channels: number } },
  b: { data: Buffer; info: { width: number; height: number; channels: number } },
  boxes: Box[],
  inside: boolean,
): number {
  const { width, height, channels } = a.info;
  let sum = 0;
  let n = 0;
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const hit = boxes.some((r) => x >= r.x1 && x <= r.x2 && y >= r.y1 && y <= r.y2);
      if (hit !== inside) continue;
      const i = (y * width + x) * channels;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
      n += 3;
    }
  }
  return sum / Math.max(1, n);
}

/** Reads the job's event stream to its end. */
async function collectEvents(
  t: TestApp,
  tenant: Tenant,
  jobId: string,
): Promise<Array<{ event: string; data: unknown }>> {
  const address = await t.app.getUrl().catch(async () => {
    await t.app.listen(0, '127.0.0.1');
    return t.app.getUrl();
  });
  const response = await fetch(`${address.replace('[::1]', '127.0.0.1')}${orgBase(tenant)}/jobs/${jobId}/events`, {
    headers: tenant.developer.auth,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) as unknown };
    });
}
