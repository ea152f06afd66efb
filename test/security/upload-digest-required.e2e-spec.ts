import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { buildArcFaceModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Finding 13 (uploads): an upload without X-Content-SHA256 was always accepted, so a corrupted or
// swapped transfer could not be told apart. An organization (requireUploadDigest) or the whole
// platform (MODEL_UPLOAD_REQUIRE_SHA256) can now require it: 428 content_digest_required.
const arc = buildArcFaceModel();
const digest = createHash('sha256').update(arc).digest('hex');

async function createModel(t: TestApp, tenant: Tenant): Promise<string> {
  const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
  const res = await request(t.app.getHttpServer())
    .post(`/api/v1/orgs/${tenant.orgId}/models`)
    .set(tenant.developer.auth)
    .send({ name: slug, slug, kind: 'face_recognizer', family: 'arcface' });
  expect(res.status).toBe(201);
  return `/api/v1/orgs/${tenant.orgId}/models/${res.body.id}/versions`;
}

const upload = (t: TestApp, tenant: Tenant, path: string) =>
  request(t.app.getHttpServer())
    .post(path)
    .set(tenant.developer.auth)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(arc));

describe('an organization that requires upload digests', () => {
  let t: TestApp;
  let a: Tenant;
  let b: Tenant;
  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = [await createTenant(t), await createTenant(t)];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses uploads without X-Content-SHA256 once its admin turns it on, and only there', async () => {
    const versions = await createModel(t, a);
    expect((await upload(t, a, versions)).status).toBe(201);

    const byDeveloper = await request(t.app.getHttpServer())
      .patch(`/api/v1/orgs/${a.orgId}`)
      .set(a.developer.auth)
      .send({ requireUploadDigest: true });
    expect(byDeveloper.status).toBe(403);
    const patched = await request(t.app.getHttpServer())
      .patch(`/api/v1/orgs/${a.orgId}`)
      .set(a.admin.auth)
      .send({ requireUploadDigest: true });
    expect(patched.status).toBe(200);
    expect(patched.body.requireUploadDigest).toBe(true);

    const refused = await upload(t, a, versions);
    expect(refused.status).toBe(428);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.code).toBe('content_digest_required');
    const withDigest = await upload(t, a, versions).set('x-content-sha256', digest);
    expect(withDigest.status).toBe(201);
    expect(withDigest.body.version).toBe(2);
    const list = await request(t.app.getHttpServer()).get(versions).set(a.developer.auth);
    expect(list.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    // Another organization keeps its own setting.
    expect((await upload(t, b, await createModel(t, b))).status).toBe(201);
  });
});

describe('a platform that requires upload digests (MODEL_UPLOAD_REQUIRE_SHA256)', () => {
  let t: TestApp;
  let a: Tenant;
  beforeAll(async () => {
    t = await createTestApp({ env: { MODEL_UPLOAD_REQUIRE_SHA256: 'true' } });
    a = await createTenant(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses uploads without X-Content-SHA256 in every organization', async () => {
    const versions = await createModel(t, a);
    const refused = await upload(t, a, versions);
    expect(refused.status).toBe(428);
    expect(refused.body.code).toBe('content_digest_required');
    const accepted = await upload(t, a, versions).set('x-content-sha256', digest);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ version: 1, sha256: digest });
  });
});
