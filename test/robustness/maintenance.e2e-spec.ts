import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild } from '../support/workers.js';

const root = new URL('../../', import.meta.url).pathname;

/**
 * Maintenance (read-only) mode, switched for every replica by one CLI command stored in the
 * database, or per process with FUSIONGATE_READ_ONLY=true: writes answer 503 `read_only` with
 * Retry-After, reads keep working.
 */
describe('maintenance mode', () => {
  let t: TestApp;
  let tenant: Tenant;
  let replica: TestApp | undefined;

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp();
    tenant = await createTenant(t);
  }, 240_000);
  afterAll(async () => {
    await replica?.close();
    await t.close();
  });

  const createProject = (app: TestApp) => {
    const slug = `p-${randomBytes(4).toString('hex')}`;
    return request(app.app.getHttpServer())
      .post(`/api/v1/orgs/${tenant.orgId}/projects`)
      .set(tenant.admin.auth)
      .send({ name: slug, slug });
  };
  const listModels = (app: TestApp) =>
    request(app.app.getHttpServer()).get(`/api/v1/orgs/${tenant.orgId}/models`).set(tenant.developer.auth);
  const check = (app: TestApp) =>
    request(app.app.getHttpServer())
      .post(`/api/v1/orgs/${tenant.orgId}/authz/check`)
      .set(tenant.developer.auth)
      .send({ checks: [{ action: 'read', resource: { type: 'Model' } }] });
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [`${root}dist/src/cli/main.js`, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...t.env.variables() },
      encoding: 'utf8',
    });
  async function eventually(probe: () => Promise<number>, status: number): Promise<number> {
    const started = Date.now();
    while ((await probe()) !== status) {
      if (Date.now() - started > 10_000) throw new Error(`not ${status} within 10 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return Date.now() - started;
  }

  it('FUSIONGATE_READ_ONLY=true: writes answer 503 read_only with Retry-After, reads and read-only POSTs work', async () => {
    // Left open until the file ends: closing a second app in the same process ends the shared data source.
    replica = await createTestApp({ environment: t.env, env: { FUSIONGATE_READ_ONLY: 'true' } });
    const refused = await createProject(replica!);
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({ code: 'read_only', status: 503 });
    expect((await listModels(replica!)).status).toBe(200);
    const answered = await check(replica!);
    expect(answered.status).toBe(200);
    expect(answered.body.results[0].allowed).toBe(true);
    // A sign-in writes a session: refused too, with the same answer.
    const login = await request(replica!.app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ email: tenant.guest.email, password: tenant.guest.password });
    expect(login.status).toBe(503);
    expect(login.body.code).toBe('read_only');
    // The other replica was not switched.
    expect((await createProject(t)).status).toBe(201);
  }, 60_000);

  it('maintenance:on / maintenance:off switch every replica through the database, audited', async () => {
    const on = cli('maintenance:on', '--message', 'database upgrade, back at 14:00 UTC');
    expect({ status: on.status, stderr: on.stderr }).toEqual({ status: 0, stderr: '' });
    expect(on.stdout).toContain('Maintenance mode on');
    const switchedMs = await eventually(async () => (await createProject(t)).status, 503);
    const refused = await createProject(t);
    expect(refused.body).toMatchObject({ code: 'read_only' });
    expect(refused.body.detail).toContain('back at 14:00 UTC');
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    const read = await listModels(t);
    expect({ status: read.status, body: read.status === 200 ? undefined : read.body }).toEqual({ status: 200 });

    const status = cli('maintenance:status', '--json');
    expect(JSON.parse(status.stdout.trim().split('\n').pop()!)).toMatchObject({
      enabled: true,
      message: 'database upgrade, back at 14:00 UTC',
    });

    const off = cli('maintenance:off');
    expect(off.status).toBe(0);
    const backMs = await eventually(async () => (await createProject(t)).status, 201);
    process.stdout.write(
      `maintenance mode: writes refused ${switchedMs} ms after maintenance:on, accepted ${backMs} ms after maintenance:off\n`,
    );

    const events = await t.env.db.query<{ action: string; details: { message?: string } | null }>(
      `SELECT action, details FROM audit_event WHERE organization_id IS NULL AND action LIKE 'platform.maintenance%' ORDER BY pos`,
    );
    expect(events.rows.map((r) => r.action)).toEqual(['platform.maintenance_on', 'platform.maintenance_off']);
    expect(events.rows[0].details?.message).toBe('database upgrade, back at 14:00 UTC');
  }, 120_000);
});
