import { AuditService } from '#libs/audit';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import {
  binary,
  fuse,
  http,
  jobAuditActions,
  orgBase,
  setupFusionModels,
  waitForJob,
  type JobBody,
} from '../jobs/fusion-support.js';

/** A job result already downloaded is answered 304 to `If-None-Match`, after the same checks. */
describe('Job result downloads with If-None-Match', () => {
  let t: TestApp;
  let tenant: Tenant;
  let other: Tenant;
  let worker: WorkerProcess | undefined;
  let job: JobBody;

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp();
    tenant = await createTenant(t);
    other = await createTenant(t);
    const models = await setupFusionModels(t, tenant);
    worker = await startWorker(t.env);
    const submitted = await fuse(t, tenant, 'developer', models.swapperId);
    expect(submitted.status).toBe(202);
    job = await waitForJob(t, tenant, 'developer', submitted.body.id as string);
    expect(job.status).toBe('completed');
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  const download = (auth: { authorization: string }, etag?: string) => {
    const req = http(t)
      .get(`${orgBase(tenant)}/jobs/${job.id}/result`)
      .set(auth);
    return binary(etag ? req.set('if-none-match', etag) : req);
  };

  it('answers 304 with no body while the tag is current, and records only real downloads', async () => {
    const first = await download(tenant.developer.auth);
    expect(first.status).toBe(200);
    const etag = `"${job.result!.sha256}"`;
    expect(first.headers.etag).toBe(etag);
    expect((first.body as Buffer).length).toBe(job.result!.size);

    for (const tag of [etag, `W/${etag}`, `"stale", ${etag}`]) {
      const cached = await download(tenant.developer.auth, tag);
      expect({ tag, status: cached.status, length: (cached.body as Buffer).length }).toEqual({
        tag,
        status: 304,
        length: 0,
      });
      expect(cached.headers.etag).toBe(etag);
    }
    const changed = await download(tenant.developer.auth, `"${'0'.repeat(64)}"`);
    expect(changed.status).toBe(200);
    expect(changed.headers['x-content-sha256']).toBe(job.result!.sha256);

    // Two downloads were made; the three 304s sent nothing and are not in the trail. Download events
    // are buffered: writing the buffer out makes every one recorded so far countable.
    await t.app.get(AuditService).flush();
    const downloads = async () =>
      (await jobAuditActions(t, tenant, job.id)).filter((a) => a === 'job.result_downloaded').length;
    expect(await downloads()).toBe(2);
  });

  it('still checks who asks before answering 304', async () => {
    const etag = `"${job.result!.sha256}"`;
    const outsider = await download(other.admin.auth, etag);
    expect(outsider.status).toBe(404);
    const anonymous = await http(t)
      .get(`${orgBase(tenant)}/jobs/${job.id}/result`)
      .set('if-none-match', etag);
    expect(anonymous.status).toBe(401);
  });
});
