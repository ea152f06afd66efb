import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// A policy manager confined to organization-wide models must not reach a project's models by
// writing an allow policy for themselves: "hand out only what you hold" is about reach, not names.
let t: TestApp;
let a: Tenant;
let projectId: string;
let projectModel: string;
let openModel: string;
const http = () => request(t.app.getHttpServer());
const org = () => `/api/v1/orgs/${a.orgId}`;

async function model(projectId: string | null): Promise<string> {
  const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
  const created = await http()
    .post(`${org()}/models`)
    .set(a.admin.auth)
    .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper', projectId });
  expect(created.status).toBe(201);
  const id = (created.body as { id: string }).id;
  const licence = await http().patch(`${org()}/models/${id}`).set(a.admin.auth).send({ redistributionAllowed: true });
  expect(licence.status).toBe(200);
  const up = await http()
    .post(`${org()}/models/${id}/versions`)
    .set(a.admin.auth)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(buildInswapperModel()));
  expect(up.status).toBe(201);
  return id;
}

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
  a = await createTenant(t);
  const project = await http().post(`${org()}/projects`).set(a.admin.auth).send({ name: 'Secret', slug: 'secret' });
  expect(project.status).toBe(201);
  projectId = (project.body as { id: string }).id;
  projectModel = await model(projectId);
  openModel = await model(null);
  const role = await http()
    .post(`${org()}/roles`)
    .set(a.admin.auth)
    .send({ name: 'policy-clerk', permissions: ['model:read', 'model:export', 'policy:manage'] });
  expect(role.status).toBe(201);
  const member = await http().patch(`${org()}/members/${a.guest.id}`).set(a.admin.auth).send({ role: 'policy-clerk' });
  expect(member.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const allowSelf = (conditions?: Record<string, unknown>) =>
  http()
    .post(`${org()}/policies`)
    .set(a.guest.auth)
    .send({
      name: `self ${Math.random()}`,
      effect: 'allow',
      actions: ['model:read', 'model:export'],
      principals: { users: [a.guest.id] },
      ...(conditions ? { conditions } : {}),
    });

describe('an allow policy never reaches past its author', () => {
  it('the clerk cannot see the project model to begin with', async () => {
    expect((await http().get(`${org()}/models/${projectModel}`).set(a.guest.auth)).status).toBe(404);
  });

  it.each([
    ['no scope at all (every model)', undefined],
    ['the project the clerk is not in', () => ({ projectIds: [projectId] })],
    ['the project model by id', () => ({ modelIds: [projectModel] })],
    ['a model id that does not exist', () => ({ modelIds: ['00000000-0000-4000-8000-000000000000'] })],
    ['stages only', () => ({ stages: ['draft', 'staging', 'production'] })],
  ])('refuses an allow policy scoped to %s', async (_, conditions) => {
    const res = await allowSelf(conditions?.());
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('policy_scope_exceeded');
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('leaves the project model unreadable and unexportable after the attempts', async () => {
    expect((await http().get(`${org()}/models/${projectModel}`).set(a.guest.auth)).status).toBe(404);
    const exported = await http().get(`${org()}/models/${projectModel}/versions/1/artifact`).set(a.guest.auth);
    expect(exported.status).toBe(404);
    const list = await http().get(`${org()}/models`).set(a.guest.auth);
    expect((list.body as { items: { id: string }[] }).items.map((m) => m.id)).not.toContain(projectModel);
  });

  it('refuses widening an allowed policy to the project later', async () => {
    const narrow = await allowSelf({ modelIds: [openModel] });
    expect(narrow.status).toBe(201);
    const widen = await http()
      .patch(`${org()}/policies/${(narrow.body as { id: string }).id}`)
      .set(a.guest.auth)
      .send({ conditions: { modelIds: [openModel, projectModel] } });
    expect(widen.status).toBe(403);
    expect(widen.body.code).toBe('policy_scope_exceeded');
    const dropScope = await http()
      .patch(`${org()}/policies/${(narrow.body as { id: string }).id}`)
      .set(a.guest.auth)
      .send({ conditions: {} });
    expect(dropScope.status).toBe(403);
    expect((await http().get(`${org()}/models/${projectModel}`).set(a.guest.auth)).status).toBe(404);
  });

  it('an administrator, who reaches every model, may still write an organization-wide allow policy', async () => {
    const res = await http()
      .post(`${org()}/policies`)
      .set(a.admin.auth)
      .send({ name: 'clerk reads all', effect: 'allow', actions: ['model:read'], principals: { users: [a.guest.id] } });
    expect(res.status).toBe(201);
    expect((await http().get(`${org()}/models/${projectModel}`).set(a.guest.auth)).status).toBe(200);
    // Reading it does not make the clerk able to hand out export on it.
    const exportIt = await allowSelf({ projectIds: [projectId] });
    expect(exportIt.status).toBe(403);
    expect(exportIt.body.code).toBe('policy_scope_exceeded');
  });
});
