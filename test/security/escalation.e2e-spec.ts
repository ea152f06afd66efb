import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

let t: TestApp;
let a: Tenant;
const http = () => request(t.app.getHttpServer());
const orgPath = (tenant: Tenant) => `/api/v1/orgs/${tenant.orgId}`;

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
  a = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
});

async function createProject(tenant: Tenant): Promise<string> {
  const slug = `p-${Math.random().toString(36).slice(2, 10)}`;
  const res = await http()
    .post(`${orgPath(tenant)}/projects`)
    .set(tenant.admin.auth)
    .send({ name: slug, slug });
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

async function adminKey(body: Record<string, unknown>): Promise<string> {
  const res = await http()
    .post(`${orgPath(a)}/api-keys`)
    .set(a.admin.auth)
    .send({ name: 'parent', ...body });
  expect(res.status).toBe(201);
  return (res.body as { secret: string }).secret;
}

describe('API keys cannot mint keys', () => {
  /** The keys of the organization, as its admin sees them. */
  const keyNames = async (): Promise<string[]> =>
    (
      (
        await http()
          .get(`${orgPath(a)}/api-keys`)
          .set(a.admin.auth)
      ).body.items as { name: string }[]
    ).map((k) => k.name);

  it('a key with apikey:manage is refused key creation, however narrow the child: a key cannot step up', async () => {
    const projectId = await createProject(a);
    const scoped = await adminKey({ permissions: ['apikey:manage', 'model:read', 'model:export'], projectId });
    const wide = await adminKey({ permissions: ['apikey:manage', 'model:read', 'project:manage'] });
    const expiring = await adminKey({
      permissions: ['apikey:manage', 'model:read'],
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    const attempts: [string, Record<string, unknown>][] = [
      // Broader than the parent (no project scope), narrower, and within an expiring parent's life.
      [scoped, { name: 'child', permissions: ['model:read', 'model:export'] }],
      [wide, { name: 'child', permissions: ['model:read'], projectId }],
      [
        expiring,
        { name: 'child', permissions: ['model:read'], expiresAt: new Date(Date.now() + 1800_000).toISOString() },
      ],
    ];
    for (const [parent, body] of attempts) {
      const child = await http()
        .post(`${orgPath(a)}/api-keys`)
        .set('x-api-key', parent)
        .send(body);
      expect(child.status).toBe(403);
      expect(child.body.code).toBe('step_up_unavailable');
    }
    expect(await keyNames()).not.toContain('child');
  });
});

describe('licence export block', () => {
  it('a model editor who may export cannot lift the licence block by editing redistributionAllowed', async () => {
    const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
    const created = await http()
      .post(`${orgPath(a)}/models`)
      .set(a.developer.auth)
      .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper', licence: 'research-only' });
    expect(created.status).toBe(201);
    const modelId = (created.body as { id: string }).id;
    const up = await http()
      .post(`${orgPath(a)}/models/${modelId}/versions`)
      .set(a.developer.auth)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(buildInswapperModel()));
    expect(up.status).toBe(201);
    // The developer is trusted to export this one model, not to relicense it.
    const grant = await http()
      .post(`${orgPath(a)}/models/${modelId}/grants`)
      .set(a.admin.auth)
      .send({ principalType: 'user', principalId: a.developer.id, permissions: ['view', 'export'] });
    expect(grant.status).toBe(201);
    const blocked = await http()
      .get(`${orgPath(a)}/models/${modelId}/versions/1/artifact`)
      .set(a.developer.auth);
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('model_licence_forbids_export');

    const relicense = await http()
      .patch(`${orgPath(a)}/models/${modelId}`)
      .set(a.developer.auth)
      .send({ redistributionAllowed: true });
    expect(relicense.status).toBe(403);
    expect(relicense.body.code).toBe('org:manage');
    const still = await http()
      .get(`${orgPath(a)}/models/${modelId}/versions/1/artifact`)
      .set(a.developer.auth);
    expect(still.status).toBe(403);

    // Tightening the licence stays open to editors; an administrator may still lift it.
    const admin = await http()
      .patch(`${orgPath(a)}/models/${modelId}`)
      .set(a.admin.auth)
      .send({ redistributionAllowed: true });
    expect(admin.status).toBe(200);
    const tighten = await http()
      .patch(`${orgPath(a)}/models/${modelId}`)
      .set(a.developer.auth)
      .send({ redistributionAllowed: false });
    expect(tighten.status).toBe(200);
  });
});

describe('policy managers cannot allow themselves what they do not hold', () => {
  it('refuses an allow policy, or an edit of one, naming a permission the caller lacks', async () => {
    const c = await createTenant(t);
    const role = await http()
      .post(`${orgPath(c)}/roles`)
      .set(c.admin.auth)
      .send({ name: 'secops', permissions: ['policy:manage', 'model:read'] });
    expect(role.status).toBe(201);
    const member = await http()
      .patch(`${orgPath(c)}/members/${c.guest.id}`)
      .set(c.admin.auth)
      .send({ role: 'secops' });
    expect(member.status).toBe(200);

    const escalate = await http()
      .post(`${orgPath(c)}/policies`)
      .set(c.guest.auth)
      .send({ name: 'mine', effect: 'allow', actions: ['org:manage'], principals: { users: [c.guest.id] } });
    expect(escalate.status).toBe(403);
    expect(escalate.body.code).toBe('org:manage');
    const wildcard = await http()
      .post(`${orgPath(c)}/policies`)
      .set(c.guest.auth)
      .send({ name: 'all', effect: 'allow', actions: ['*'], principals: { all: true } });
    expect(wildcard.status).toBe(403);
    const rename = await http().patch(orgPath(c)).set(c.guest.auth).send({ name: 'taken over' });
    expect(rename.status).toBe(403);

    // Within what they hold (and reach), and deny rules, they manage freely.
    const model = await http()
      .post(`${orgPath(c)}/models`)
      .set(c.admin.auth)
      .send({ name: 'open', slug: 'open', kind: 'face_swapper', family: 'inswapper' });
    expect(model.status).toBe(201);
    const narrow = await http()
      .post(`${orgPath(c)}/policies`)
      .set(c.guest.auth)
      .send({
        name: 'read',
        effect: 'allow',
        actions: ['model:read'],
        principals: { users: [c.guest.id] },
        conditions: { modelIds: [(model.body as { id: string }).id] },
      });
    expect(narrow.status).toBe(201);
    const widen = await http()
      .patch(`${orgPath(c)}/policies/${(narrow.body as { id: string }).id}`)
      .set(c.guest.auth)
      .send({ actions: ['model:export'] });
    expect(widen.status).toBe(403);
    expect(widen.body.code).toBe('model:export');
    const deny = await http()
      .post(`${orgPath(c)}/policies`)
      .set(c.guest.auth)
      .send({ name: 'no export', effect: 'deny', actions: ['model:export'], principals: { all: true } });
    expect(deny.status).toBe(201);
  });
});
