import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { MembershipService, OrganizationService } from '#libs/organizations';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUserAndLogin } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// The organization requires MFA of admins. A guest made `admin` of one project, signed in with a
// password only, must not get the project role's powers (export, grant, promote) until they use MFA.
let t: TestApp;
let a: Tenant;
let projectId: string;
let modelId: string;
let mfaAuth: { authorization: string };
const http = () => request(t.app.getHttpServer());
const org = () => `/api/v1/orgs/${a.orgId}`;

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
  a = await createTenant(t);
  const project = await http().post(`${org()}/projects`).set(a.admin.auth).send({ name: 'Film', slug: 'film' });
  expect(project.status).toBe(201);
  projectId = (project.body as { id: string }).id;
  const created = await http()
    .post(`${org()}/models`)
    .set(a.admin.auth)
    .send({ name: 'Lead', slug: 'lead', kind: 'face_swapper', family: 'inswapper', projectId });
  expect(created.status).toBe(201);
  modelId = (created.body as { id: string }).id;
  expect(
    (await http().patch(`${org()}/models/${modelId}`).set(a.admin.auth).send({ redistributionAllowed: true })).status,
  ).toBe(200);
  const up = await http()
    .post(`${org()}/models/${modelId}/versions`)
    .set(a.admin.auth)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(buildInswapperModel()));
  expect(up.status).toBe(201);

  // A second developer who did enrol MFA and signed in with it: the control.
  const withMfa = await createUserAndLogin(t, { mfa: true });
  await t.app.get(MembershipService).add(a.adminCtx, { email: withMfa.email, role: 'guest' });
  mfaAuth = authHeader(withMfa.tokens);
  for (const userId of [a.guest.id, withMfa.id]) {
    const member = await http()
      .put(`${org()}/projects/${projectId}/members/${userId}`)
      .set(a.admin.auth)
      .send({ role: 'admin' });
    expect(member.status).toBe(200);
  }
  const tester = await http()
    .put(`${org()}/projects/${projectId}/members/${a.tester.id}`)
    .set(a.admin.auth)
    .send({ role: 'developer' });
  expect(tester.status).toBe(200);
  await t.app.get(OrganizationService).update(a.adminCtx, { mfaRequiredRoles: ['admin'] });
});
afterAll(async () => {
  await t?.close();
});

describe('mfaRequiredRoles cover project roles', () => {
  it('a password-only project admin cannot export the project model', async () => {
    const res = await http().get(`${org()}/models/${modelId}/versions/1/artifact`).set(a.guest.auth);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('mfa_required');
  });

  it('a password-only project admin cannot grant export on it', async () => {
    const res = await http()
      .post(`${org()}/models/${modelId}/grants`)
      .set(a.guest.auth)
      .send({ principalType: 'user', principalId: a.developer.id, permissions: ['view', 'export'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('mfa_required');
    const grants = await http().get(`${org()}/models/${modelId}/grants`).set(mfaAuth);
    expect((grants.body as { items: unknown[] }).items).toEqual([]);
  });

  it('a password-only project admin cannot promote a version to production', async () => {
    const res = await http()
      .patch(`${org()}/models/${modelId}/versions/1`)
      .set(a.guest.auth)
      .send({ stage: 'production' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('mfa_required');
    const version = await http().get(`${org()}/models/${modelId}/versions/1`).set(a.guest.auth);
    expect(version.status).toBe(200);
    expect(version.body.stage).toBe('draft');
  });

  it('the same project role works for a member signed in with MFA', async () => {
    const exported = await http().get(`${org()}/models/${modelId}/versions/1/artifact`).set(mfaAuth);
    expect(exported.status).toBe(200);
    const promoted = await http()
      .patch(`${org()}/models/${modelId}/versions/1`)
      .set(mfaAuth)
      .send({ stage: 'production' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.stage).toBe('production');
  });

  it('a project role the organization does not list keeps working without MFA', async () => {
    const edit = (auth: { authorization: string }) =>
      http().patch(`${org()}/models/${modelId}`).set(auth).send({ description: 'Lead actor, season 2' });
    // The tester's organization role does not edit models; their project role `developer` does.
    expect((await edit(a.tester.auth)).status).toBe(200);
    const admin = await edit(a.guest.auth);
    expect(admin.status).toBe(403);
    expect(admin.body.code).toBe('mfa_required');
  });
});
