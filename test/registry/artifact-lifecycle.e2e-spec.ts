import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ArtifactStore } from '#libs/model-registry';
import { BLOB_STORE, type BlobStore } from '#libs/storage';
import { buildInswapperModel, defaultEmap } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let t: TestApp;
let a: Tenant;
let blobs: BlobStore;
const http = () => request(t.app.getHttpServer());
const base = () => `/api/v1/orgs/${a.orgId}/models`;

/** A valid swapper whose bytes no other test shares. */
function uniqueSwapper(): Uint8Array {
  const emap = defaultEmap();
  emap[0] = Math.random();
  return buildInswapperModel({ kind: 'source' }, emap);
}

async function createModel(): Promise<string> {
  const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
  const res = await http()
    .post(base())
    .set(a.developer.auth)
    .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper' });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const upload = (modelId: string, bytes: Uint8Array) =>
  http()
    .post(`${base()}/${modelId}/versions`)
    .set(a.developer.auth)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(bytes));

const deleteVersion = (modelId: string, version: number) =>
  http().delete(`${base()}/${modelId}/versions/${version}`).set(a.admin.auth);

const artifactRow = async (digest: string) =>
  (await t.env.db.query(`SELECT stored_at, leased_until FROM model_artifact WHERE sha256 = $1`, [digest])).rows[0] as
    { stored_at: Date | null; leased_until: Date | null } | undefined;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      MODEL_UPLOAD_CONCURRENCY_PER_USER: '32',
      MODEL_UPLOAD_CONCURRENCY_PER_ORG: '32',
      MODEL_VALIDATION_QUEUE: '32',
    },
  });
  a = await createTenant(t);
  blobs = t.app.get<BlobStore>(BLOB_STORE);
});
afterAll(async () => {
  await t?.close();
});

describe('model artifacts and the blob store', () => {
  it('never loses the weights of a version when a delete of the same bytes races its upload', async () => {
    // Each round: the only version holding some bytes is deleted while the same bytes are uploaded
    // again as a new version, all rounds at once.
    const rounds = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const bytes = uniqueSwapper();
        const modelId = await createModel();
        expect((await upload(modelId, bytes)).status).toBe(201);
        const [deleted, uploaded] = await Promise.all([deleteVersion(modelId, 1), upload(modelId, bytes)]);
        expect(deleted.status).toBe(204);
        expect(uploaded.status).toBe(201);
        return { digest: sha(bytes), modelId, version: uploaded.body.version as number };
      }),
    );
    for (const round of rounds) {
      expect(await blobs.exists(round.digest)).toBe(true);
      expect(await artifactRow(round.digest)).toMatchObject({ stored_at: expect.any(Date) });
      const version = await http().get(`${base()}/${round.modelId}/versions/${round.version}`).set(a.developer.auth);
      expect(version.body).toMatchObject({ status: 'ready', sha256: round.digest });
    }
  });

  it('keeps bytes two models share until the last version holding them is deleted', async () => {
    const bytes = uniqueSwapper();
    const [first, second] = [await createModel(), await createModel()];
    expect((await upload(first, bytes)).status).toBe(201);
    expect((await upload(second, bytes)).status).toBe(201);
    // Past the uploads' leases: only the references keep the blob now.
    await t.env.db.query(`UPDATE model_artifact SET leased_until = now() - interval '1 second' WHERE sha256 = $1`, [
      sha(bytes),
    ]);
    expect((await deleteVersion(first, 1)).status).toBe(204);
    expect(await blobs.exists(sha(bytes))).toBe(true);
    expect((await deleteVersion(second, 1)).status).toBe(204);
    expect(await blobs.exists(sha(bytes))).toBe(false);
    expect(await artifactRow(sha(bytes))).toBeUndefined();
  });

  it('collects the bytes of an upload whose version could not be committed, once its lease ends', async () => {
    const bytes = uniqueSwapper();
    const digest = sha(bytes);
    const modelId = await createModel();
    await t.env.db.query(`
      CREATE FUNCTION refuse_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the version cannot be recorded'; END $$`);
    await t.env.db.query(
      `CREATE TRIGGER refuse_version BEFORE INSERT ON model_version FOR EACH ROW
         WHEN (NEW.sha256 = '${digest}') EXECUTE FUNCTION refuse_version()`,
    );
    try {
      const failed = await upload(modelId, bytes);
      expect(failed.status).toBe(500);
    } finally {
      await t.env.db.query(`DROP TRIGGER refuse_version ON model_version`);
      await t.env.db.query(`DROP FUNCTION refuse_version()`);
    }
    // The bytes were stored before the transaction failed; the lease protects them for a retry.
    expect(await blobs.exists(digest)).toBe(true);
    const store = t.app.get(ArtifactStore);
    expect(await store.sweep()).not.toContain(digest);
    expect(await blobs.exists(digest)).toBe(true);

    await t.env.db.query(`UPDATE model_artifact SET leased_until = now() - interval '1 second' WHERE sha256 = $1`, [
      digest,
    ]);
    expect(await store.sweep()).toContain(digest);
    expect(await blobs.exists(digest)).toBe(false);
    expect(await artifactRow(digest)).toBeUndefined();
    // The same bytes can be uploaded again afterwards.
    expect((await upload(modelId, bytes)).status).toBe(201);
    expect(await blobs.exists(digest)).toBe(true);
  });
});
