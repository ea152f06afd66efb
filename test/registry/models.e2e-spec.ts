import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type BuiltInRoleName as RoleName, type Tenant } from '../support/tenant.js';
import { buildArcFaceModel, buildInswapperModel } from '../fixtures/onnx/face-models.js';
import {
  buildCustomOpModel,
  buildExternalDataModel,
  pickleBytes,
  torchZipBytes,
  truncate,
} from './fixtures/invalid-models.js';
import { eventually } from '../support/eventually.js';
import { joinThroughInvitation } from '../support/people.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const UPLOAD_LIMIT = 3 * 1024 * 1024;
const EXPORT_LIMIT = 3;

let t: TestApp;
let a: Tenant;
let b: Tenant;
const swapper = buildInswapperModel();

const http = () => request(t.app.getHttpServer());
const as = (tenant: Tenant, role: RoleName) => tenant[role].auth;
const base = (tenant: Tenant) => `/api/v1/orgs/${tenant.orgId}/models`;

async function createModel(tenant: Tenant, body: Record<string, unknown> = {}) {
  const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
  const res = await http()
    .post(base(tenant))
    .set(as(tenant, 'developer'))
    .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper', ...body });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

function upload(tenant: Tenant, modelId: string, bytes: Uint8Array, role: RoleName = 'developer') {
  return http()
    .post(`${base(tenant)}/${modelId}/versions`)
    .set(as(tenant, role))
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(bytes));
}

function download(tenant: Tenant, modelId: string, version: number, role: RoleName) {
  return http()
    .get(`${base(tenant)}/${modelId}/versions/${version}/artifact`)
    .set(as(tenant, role))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

beforeAll(async () => {
  t = await createTestApp({
    env: { MODEL_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT), MODEL_EXPORT_RATE_LIMIT: String(EXPORT_LIMIT) },
  });
  a = await createTenant(t);
  b = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
});

describe('models and versions', () => {
  it('uploads a version, stores its signature, and exports identical bytes with their digest', async () => {
    const model = await createModel(a, { redistributionAllowed: true, licence: 'MIT' });
    const up = await upload(a, model.id, swapper).set('x-content-sha256', sha(swapper));
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({
      version: 1,
      stage: 'draft',
      status: 'ready',
      sha256: sha(swapper),
      sizeBytes: swapper.length,
      opset: 13,
      ioSignature: {
        inputs: expect.arrayContaining([{ name: 'source', type: 'float', dims: [1, 512] }]),
        outputs: [expect.objectContaining({ dims: [1, 3, 128, 128] })],
      },
    });

    const res = await download(a, model.id, 1, 'admin');
    expect(res.status).toBe(200);
    expect(sha(res.body as Buffer)).toBe(sha(swapper));
    expect(res.headers['x-content-sha256']).toBe(sha(swapper));
    expect(res.headers['repr-digest']).toBe(`sha-256=:${Buffer.from(sha(swapper), 'hex').toString('base64')}:`);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${model.slug}-v1.onnx"`);
  });

  it('stores the same bytes once across versions and models', async () => {
    const arc = buildArcFaceModel(0.123);
    const one = await createModel(a, { kind: 'face_recognizer', family: 'arcface' });
    const two = await createModel(a, { kind: 'face_recognizer', family: 'arcface' });
    expect((await upload(a, one.id, arc)).status).toBe(201);
    expect((await upload(a, one.id, arc)).body).toMatchObject({ version: 2, sha256: sha(arc) });
    expect((await upload(a, two.id, arc)).status).toBe(201);
    const digest = sha(arc);
    const files = await readdir(join(t.config.dataDir, 'blobs', digest.slice(0, 2), digest.slice(2, 4)));
    expect(files.filter((f) => f === digest)).toHaveLength(1);
  });

  it('refuses an artifact over the size limit and a digest mismatch', async () => {
    const model = await createModel(a);
    const big = await upload(a, model.id, Buffer.alloc(UPLOAD_LIMIT + 1));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('artifact_too_large');
    const wrong = await upload(a, model.id, swapper).set('x-content-sha256', 'ab'.repeat(32));
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('artifact_digest_mismatch');
    const list = await http()
      .get(`${base(a)}/${model.id}/versions`)
      .set(as(a, 'guest'));
    expect(list.body.items).toEqual([]);
  });

  it.each<[string, () => Uint8Array, string]>([
    ['external data with ../', () => buildExternalDataModel('../../../../etc/passwd'), 'onnx_external_data'],
    ['external data at an absolute path', () => buildExternalDataModel('/etc/passwd'), 'onnx_external_data'],
    ['a pickle', pickleBytes, 'artifact_pickle'],
    ['a PyTorch zip', torchZipBytes, 'artifact_zip'],
    ['a truncated file', () => truncate(swapper, 0.6), 'onnx_truncated'],
    ['a wrong signature', () => buildArcFaceModel(), 'onnx_signature_mismatch'],
    ['a custom operator domain', () => buildCustomOpModel(), 'onnx_custom_operator'],
  ])('refuses %s with a clear code and records the rejected version', async (_what, build, code) => {
    const model = await createModel(a);
    const res = await upload(a, model.id, build());
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code, version: 1 });
    expect(res.body.detail.length).toBeGreaterThan(10);
    const version = await http()
      .get(`${base(a)}/${model.id}/versions/1`)
      .set(as(a, 'guest'));
    expect(version.body).toMatchObject({ status: 'rejected', rejectionCode: code, stage: 'draft' });
    const promote = await http()
      .patch(`${base(a)}/${model.id}/versions/1`)
      .set(as(a, 'developer'))
      .send({ stage: 'production' });
    expect(promote.status).toBe(409);
  });

  it('accepts only the kinds and families the inference engine runs', async () => {
    for (const [kind, family] of [
      ['lip_syncer', 'wav2lip'],
      ['frame_colorizer', 'ddcolor'],
      ['face_enhancer', 'real_esrgan'],
      ['frame_enhancer', 'gfpgan'],
      ['face_swapper', 'simswap'],
      ['face_landmarker', 'face_landmarker'],
    ]) {
      const res = await http()
        .post(base(a))
        .set(as(a, 'developer'))
        .send({ name: 'x', slug: `k-${Math.random().toString(36).slice(2, 10)}`, kind, family });
      expect({ kind, family, status: res.status }).toEqual({ kind, family, status: 400 });
    }
    await createModel(a, { kind: 'face_landmarker', family: '2dfan4' });
    await createModel(a, { kind: 'face_enhancer', family: 'gfpgan' });
    await createModel(a, { kind: 'frame_enhancer', family: 'real_esrgan' });
  });

  it('refuses a body that is not application/octet-stream', async () => {
    const model = await createModel(a);
    const res = await http()
      .post(`${base(a)}/${model.id}/versions`)
      .set(as(a, 'developer'))
      .send({ x: 1 });
    expect(res.status).toBe(415);
  });
});

describe('stages', () => {
  it('keeps one production version: promoting archives the previous one', async () => {
    const model = await createModel(a);
    await upload(a, model.id, swapper);
    await upload(a, model.id, buildInswapperModel({ kind: 'identity' }));
    const stage = (v: number, s: string, role: RoleName = 'developer') =>
      http()
        .patch(`${base(a)}/${model.id}/versions/${v}`)
        .set(as(a, role))
        .send({ stage: s });

    expect((await stage(1, 'production')).body.stage).toBe('production');
    expect((await stage(2, 'staging')).body.stage).toBe('staging');
    expect((await stage(2, 'production')).body.stage).toBe('production');
    const list = await http()
      .get(`${base(a)}/${model.id}/versions`)
      .set(as(a, 'guest'));
    expect(list.body.items.map((v: { version: number; stage: string }) => [v.version, v.stage])).toEqual([
      [2, 'production'],
      [1, 'archived'],
    ]);
    expect((await stage(2, 'draft')).status).toBe(409);
    const tester = await stage(1, 'staging', 'tester');
    expect(tester.status).toBe(403);
    expect(tester.body.code).toBe('model:edit');
  });

  it('deletes a model with a production version only when confirmed', async () => {
    const model = await createModel(a);
    await upload(a, model.id, swapper);
    await http()
      .patch(`${base(a)}/${model.id}/versions/1`)
      .set(as(a, 'developer'))
      .send({ stage: 'production' });
    const refused = await http()
      .delete(`${base(a)}/${model.id}`)
      .set(as(a, 'admin'));
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('model_delete_confirmation_required');
    const developer = await http()
      .delete(`${base(a)}/${model.id}?confirm=${model.slug}`)
      .set(as(a, 'developer'));
    expect(developer.status).toBe(403);
    expect(
      (
        await http()
          .delete(`${base(a)}/${model.id}?confirm=${model.slug}`)
          .set(as(a, 'admin'))
      ).status,
    ).toBe(204);
    expect(
      (
        await http()
          .get(`${base(a)}/${model.id}`)
          .set(as(a, 'admin'))
      ).status,
    ).toBe(404);
  });
});

describe('export control', () => {
  it('blocks export when the licence forbids it, unless an administrator overrides', async () => {
    const model = await createModel(a, { licence: 'non-commercial research only' });
    await upload(a, model.id, swapper);
    const blocked = await download(a, model.id, 1, 'admin');
    expect(blocked.status).toBe(403);
    expect(JSON.parse(blocked.body.toString()).code).toBe('model_licence_forbids_export');

    const byDeveloper = await http()
      .patch(`${base(a)}/${model.id}`)
      .set(as(a, 'developer'))
      .send({ exportOverride: true });
    expect(byDeveloper.status).toBe(403);
    const byAdmin = await http()
      .patch(`${base(a)}/${model.id}`)
      .set(as(a, 'admin'))
      .send({ exportOverride: true });
    expect(byAdmin.body.exportOverride).toBe(true);
    expect((await download(a, model.id, 1, 'admin')).status).toBe(200);
  });

  it('refuses export to a guest, until a grant allows it', async () => {
    const model = await createModel(a, { redistributionAllowed: true });
    await upload(a, model.id, swapper);
    const guest = await download(a, model.id, 1, 'guest');
    expect(guest.status).toBe(403);
    expect(JSON.parse(guest.body.toString()).code).toBe('model:export');

    const grant = await http()
      .post(`${base(a)}/${model.id}/grants`)
      .set(as(a, 'admin'))
      .send({ principalType: 'user', principalId: a.guest.id, permissions: ['view', 'export'] });
    expect(grant.status).toBe(201);
    const grants = await http()
      .get(`${base(a)}/${model.id}/grants`)
      .set(as(a, 'admin'));
    expect(grants.body.items).toEqual([
      expect.objectContaining({ id: grant.body.id, permissions: ['view', 'export'] }),
    ]);
    expect(
      (
        await http()
          .get(`${base(a)}/${model.id}/grants`)
          .set(as(a, 'developer'))
      ).status,
    ).toBe(403);

    // A grant bumps the organization's policy version on commit: the next request already sees it.
    expect((await download(a, model.id, 1, 'guest')).status).toBe(200);
    const revoke = await http()
      .delete(`${base(a)}/${model.id}/grants/${grant.body.id}`)
      .set(as(a, 'admin'));
    expect(revoke.status).toBe(204);
  });

  it('rate-limits exports per user with 429, audits the refusal and raises the bulk-export alert', async () => {
    const model = await createModel(a, { redistributionAllowed: true });
    await upload(a, model.id, swapper);
    // The tester account has exported nothing yet in this file.
    await http()
      .post(`${base(a)}/${model.id}/grants`)
      .set(as(a, 'admin'))
      .send({ principalType: 'user', principalId: a.tester.id, permissions: ['export'] })
      .expect(201);
    for (let i = 0; i < EXPORT_LIMIT; i++) expect((await download(a, model.id, 1, 'tester')).status).toBe(200);
    const over = await download(a, model.id, 1, 'tester');
    expect(over.status).toBe(429);
    expect(JSON.parse(over.body.toString()).code).toBe('model_export_rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const rows = await t.env.db.query(
      `SELECT outcome, details FROM audit_event WHERE action = 'model.export' AND resource_id = $1 ORDER BY pos`,
      [model.id],
    );
    expect(rows.rows.map((r) => r.outcome)).toEqual(['allowed', 'allowed', 'allowed', 'denied']);
    expect(rows.rows[3].details.reason).toBe('rate_limited');

    const alert = await eventually('a bulk-export alert', async () => {
      const res = await http().get(`/api/v1/orgs/${a.orgId}/alerts`).set(as(a, 'admin'));
      expect(res.status).toBe(200);
      return (res.body.items as { rule: string; subject: string }[]).find(
        (item) => item.rule === 'bulk_export' && item.subject === a.tester.id,
      );
    });
    expect(alert).toMatchObject({ severity: 'high', actorId: a.tester.id, details: { reason: 'rate_limited' } });
  });
});

describe('tenancy', () => {
  it('answers 404 everywhere to another organization', async () => {
    const model = await createModel(a, { redistributionAllowed: true });
    await upload(a, model.id, swapper);
    const other = as(b, 'admin');
    const url = `${base(a)}/${model.id}`;
    const inB = `${base(b)}/${model.id}`;
    for (const res of [
      await http().get(url).set(other),
      await http().get(inB).set(other),
      await http().patch(inB).set(other).send({ name: 'x' }),
      await http().delete(`${inB}?confirm=${model.slug}`).set(other),
      await http().get(`${inB}/versions`).set(other),
      await http().get(`${inB}/versions/1`).set(other),
      await http().patch(`${inB}/versions/1`).set(other).send({ stage: 'production' }),
      await http().get(`${inB}/versions/1/artifact`).set(other),
      await http().get(`${inB}/grants`).set(other),
      await upload(b, model.id, swapper, 'admin'),
    ]) {
      expect(res.status).toBe(404);
    }
    const list = await http().get(base(b)).set(other);
    expect(list.body.items.map((m: { id: string }) => m.id)).not.toContain(model.id);
    const own = await http().get(base(a)).set(as(a, 'guest'));
    expect(own.body.items.map((m: { id: string }) => m.id)).toContain(model.id);
  });

  it('pages through the list newest first, each item as the model itself reads, none twice or missed', async () => {
    // An artist who makes models and a reviewer who only reads, both invited and registered over HTTP.
    const developer = await joinThroughInvitation(t, as(a, 'admin'), a.orgId, { role: 'developer' });
    const guest = await joinThroughInvitation(t, as(a, 'admin'), a.orgId, { role: 'guest' });
    const label = `pages-${randomBytes(4).toString('hex')}`;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const slug = `pages-${i}-${randomBytes(4).toString('hex')}`;
      const res = await http()
        .post(base(a))
        .set(developer.auth)
        .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper', labels: [label] });
      expect(res.status).toBe(201);
      created.push(res.body.id);
    }
    await http()
      .patch(`${base(a)}/${created[1]}`)
      .set(developer.auth)
      .send({ description: 'edited after creation' })
      .expect(200);
    const seen: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const res = await http()
        .get(`${base(a)}?label=${label}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(guest.auth);
      expect(res.status).toBe(200);
      const page = res.body as { items: Record<string, unknown>[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((m) => m.id)).toEqual([...created].reverse());
    for (const item of seen) {
      const one = await http()
        .get(`${base(a)}/${item.id as string}`)
        .set(guest.auth);
      expect(item).toEqual(one.body);
      expect(item.createdAt).toBe(new Date(item.createdAt as string).toISOString());
    }
    const edited = seen.find((m) => m.id === created[1])!;
    expect(Date.parse(edited.updatedAt as string)).toBeGreaterThan(Date.parse(edited.createdAt as string));
  });
});
