import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { MembershipService } from '#libs/organizations';
import { buildGraphHeavyModel } from '../fixtures/onnx/graph-heavy.js';
import { eventually } from '../support/eventually.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Finding 6: every upload used to start its own validation thread, so parallel uploads of
// graph-heavy files multiplied the API's memory until all of them timed out. Now validation runs
// in a fixed pool with a bounded queue (503 validation_busy), and each user and organization has a
// limit on uploads in progress (429 upload_concurrency_limited), both refusals leaving nothing behind.
const VALIDATION_CONCURRENCY = 1;
const VALIDATION_QUEUE = 1;
const PER_USER = 2;
const PER_ORG = 4;
const UPLOADERS = 4;
const UPLOADS_EACH = 4;

let t: TestApp;
let a: Tenant;
let port: number;
const uploaders: Array<{ authorization: string }> = [];

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { code?: string; status?: string; sha256?: string; version?: number };
}

/**
 * Starts an upload whose body is held back by one byte until `finish()`: the server has seen the
 * request (and decided whether to take it) but cannot validate it yet.
 */
function heldUpload(path: string, auth: { authorization: string }, bytes: Uint8Array) {
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    headers: { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
  });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: JSON.parse(Buffer.concat(chunks).toString()),
        }),
      );
    });
    req.on('error', reject);
  });
  req.write(Buffer.from(bytes.subarray(0, bytes.length - 1)));
  return {
    reply,
    answered: false,
    finish: () => req.end(Buffer.from(bytes.subarray(bytes.length - 1))),
    abandon: () => req.destroy(),
  };
}

async function tmpFiles(): Promise<Array<{ name: string; size: number }>> {
  const dir = join(t.config.dataDir, 'blobs', 'tmp');
  if (!existsSync(dir)) return [];
  const names = await readdir(dir);
  return Promise.all(names.map(async (name) => ({ name, size: (await stat(join(dir, name))).size })));
}

const blobExists = (digest: string) =>
  existsSync(join(t.config.dataDir, 'blobs', digest.slice(0, 2), digest.slice(2, 4), digest));

beforeAll(async () => {
  t = await createTestApp({
    env: {
      MODEL_VALIDATION_CONCURRENCY: String(VALIDATION_CONCURRENCY),
      MODEL_VALIDATION_QUEUE: String(VALIDATION_QUEUE),
      MODEL_UPLOAD_CONCURRENCY_PER_USER: String(PER_USER),
      MODEL_UPLOAD_CONCURRENCY_PER_ORG: String(PER_ORG),
      MODEL_VALIDATION_TIMEOUT_MS: '120000',
      MODEL_VALIDATION_MAX_HEAP_MB: '256',
    },
  });
  await t.app.listen(0, '127.0.0.1');
  port = (t.app.getHttpServer().address() as { port: number }).port;
  a = await createTenant(t);
  uploaders.push(a.admin.auth, a.developer.auth);
  while (uploaders.length < UPLOADERS) {
    const user = await createUser(t);
    await t.app.get(MembershipService).add(a.adminCtx, { email: user.email, role: 'developer' });
    uploaders.push(authHeader(await login(t, user.email, user.password)));
  }
});
afterAll(async () => {
  await t?.close();
});

describe('parallel uploads of graph-heavy models', () => {
  it('admits what the limits allow, refuses the rest with 429 or 503 and Retry-After, and leaves nothing behind', async () => {
    const created = await request(t.app.getHttpServer())
      .post(`/api/v1/orgs/${a.orgId}/models`)
      .set(a.developer.auth)
      .send({ name: 'heavy', slug: 'heavy', kind: 'face_swapper', family: 'inswapper' });
    expect(created.status).toBe(201);
    const versionsPath = `/api/v1/orgs/${a.orgId}/models/${created.body.id}/versions`;

    // 16 different graph-heavy files (about 1.5 MB of nodes each), from 4 users at once.
    const files = Array.from({ length: UPLOADERS * UPLOADS_EACH }, (_, i) => buildGraphHeavyModel(1_500_000, i + 1));
    const uploads = files.map((bytes, i) => heldUpload(versionsPath, uploaders[i % UPLOADERS], bytes));
    for (const upload of uploads) void upload.reply.then(() => (upload.answered = true));
    try {
      // The organization's limit admits 4 of them; the 12 others are refused before their body is read.
      const refusedEarly = await eventually(
        'the over-limit uploads being refused',
        async () => {
          const answered = uploads.filter((u) => u.answered);
          return answered.length === UPLOADERS * UPLOADS_EACH - PER_ORG ? answered : undefined;
        },
        { timeoutMs: 60_000 },
      );
      for (const upload of refusedEarly) {
        const reply = await upload.reply;
        expect(reply.status).toBe(429);
        expect(reply.body.code).toBe('upload_concurrency_limited');
        expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        upload.abandon();
      }

      // The 4 admitted bodies, all but their last byte on the server's disk, complete together: one
      // validation thread and one queue place take 2; the 2 others find the pool full.
      const admitted = uploads.filter((u) => !u.answered);
      await eventually(
        'the admitted bodies being received',
        async () => {
          const tmp = await tmpFiles();
          return tmp.length === PER_ORG && tmp.every((f) => files.some((b) => b.length - 1 === f.size))
            ? true
            : undefined;
        },
        { timeoutMs: 60_000 },
      );
      for (const upload of admitted) upload.finish();
      const replies = await Promise.all(admitted.map((u) => u.reply));
      const accepted = replies.filter((r) => r.status === 201);
      const busy = replies.filter((r) => r.status === 503);
      expect(accepted).toHaveLength(VALIDATION_CONCURRENCY + VALIDATION_QUEUE);
      expect(busy).toHaveLength(PER_ORG - accepted.length);
      for (const reply of busy) {
        expect(reply.body.code).toBe('validation_busy');
        expect(reply.headers['content-type']).toContain('application/problem+json');
        expect(Number(reply.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }

      // The accepted ones are validated and stored; nothing of the refused ones remains.
      const digests = new Set(files.map(sha));
      const acceptedDigests = accepted.map((r) => r.body.sha256!);
      for (const reply of accepted) {
        expect(reply.body.status).toBe('ready');
        expect(digests.has(reply.body.sha256!)).toBe(true);
      }
      const list = await request(t.app.getHttpServer()).get(versionsPath).set(a.developer.auth);
      expect(list.body.items.map((v: { sha256: string }) => v.sha256).sort()).toEqual([...acceptedDigests].sort());
      expect(list.body.items.map((v: { version: number }) => v.version).sort()).toEqual([1, 2]);
      for (const digest of digests) expect(blobExists(digest)).toBe(acceptedDigests.includes(digest));
      expect(await tmpFiles()).toEqual([]);
    } finally {
      // Whatever happened, no connection stays open (the app could not close).
      for (const upload of uploads) upload.abandon();
    }

    // Every slot was given back: the same user can upload again at once.
    const again = await request(t.app.getHttpServer())
      .post(versionsPath)
      .set(uploaders[0])
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(files[2]));
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'ready', version: 3, sha256: sha(files[2]) });
  }, 180_000);
});
