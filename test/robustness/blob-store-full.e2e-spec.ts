import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestApp, createTestEnvironment, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import { fuse, http, orgBase, setupFusionModels, waitForJob, type FusionModels } from '../jobs/fusion-support.js';

/**
 * The local blob store on a filesystem of its own (a 48 MiB tmpfs mounted by the test, which runs
 * as root as CI does), filled to the last byte while users keep working.
 */
describe('blob store full', () => {
  let t: TestApp;
  let tenant: Tenant;
  let models: FusionModels;
  let worker: WorkerProcess;
  let blobs: string;

  beforeAll(async () => {
    ensureBuild();
    const env = await createTestEnvironment();
    blobs = join(env.dataDir, 'blobs');
    mkdirSync(blobs, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', blobs], { encoding: 'utf8' });
    expect({ status: mounted.status, stderr: mounted.stderr }).toEqual({ status: 0, stderr: '' });
    t = await createTestApp({ environment: env });
    tenant = await createTenant(t);
    models = await setupFusionModels(t, tenant);
    worker = await startWorker(env);
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    spawnSync('umount', ['-l', blobs]);
    await t?.env.close();
  }, 60_000);

  it('answers 503 storage_unavailable with nothing half-stored, keeps reads working, and accepts again once there is room', async () => {
    const before = await http(t)
      .get(`${orgBase(tenant)}/jobs`)
      .set(tenant.developer.auth);
    expect(before.status).toBe(200);
    // Fill the filesystem: a file as large as it allows.
    const filler = join(blobs, 'filler');
    await writeFile(filler, Buffer.alloc(48 * 1024 * 1024)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOSPC') throw error;
    });

    const started = performance.now();
    const refused = await fuse(t, tenant, 'developer', models.swapperId);
    const ms = Math.round(performance.now() - started);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'storage_unavailable' });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    const listed = await http(t)
      .get(`${orgBase(tenant)}/jobs`)
      .set(tenant.developer.auth);
    expect(listed.status).toBe(200);
    expect(listed.body.items.length).toBe(before.body.items.length);
    expect(
      (
        await http(t)
          .get(`${orgBase(tenant)}/models`)
          .set(tenant.developer.auth)
      ).status,
    ).toBe(200);

    await rm(filler);
    const accepted = await fuse(t, tenant, 'developer', models.swapperId);
    expect(accepted.status).toBe(202);
    const job = await waitForJob(t, tenant, 'developer', accepted.body.id as string);
    expect(job.status).toBe('completed');
    process.stdout.write(`blob store full: 503 storage_unavailable in ${ms} ms; accepted and completed once freed\n`);
  }, 180_000);
});
