import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin } from '../support/identity.js';
import { eventually } from '../support/eventually.js';
import { createTenant, type Tenant } from '../support/tenant.js';

/** Idempotency-Key on every create: retries and double submissions create one resource. */
describe('Idempotency-Key on creates', () => {
  let t: TestApp;
  let tenant: Tenant;
  let org: string;
  let modelId: string;
  let platformAdmin: { authorization: string };
  let counter = 0;

  const api = () => request(t.app.getHttpServer());
  const newKey = () => `key-${Date.now()}-${++counter}`;

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    org = `/api/v1/orgs/${tenant.orgId}`;
    const model = await api().post(`${org}/models`).set(tenant.developer.auth).send({
      name: 'Swapper',
      slug: 'swapper',
      kind: 'face_swapper',
      family: 'inswapper',
      redistributionAllowed: true,
      licence: 'MIT',
    });
    expect(model.status).toBe(201);
    modelId = model.body.id as string;
    const root = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
    platformAdmin = authHeader(root.tokens);
  });
  afterAll(() => t.close());

  it('replays a retried create: same status, Location and body, and nothing more is created', async () => {
    const key = newKey();
    const first = await api()
      .post(`${org}/projects`)
      .set(tenant.admin.auth)
      .set('idempotency-key', key)
      .send({ name: 'Retried', slug: 'retried', description: 'once' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same request, its fields in another order.
    const retry = await api()
      .post(`${org}/projects`)
      .set(tenant.admin.auth)
      .set('idempotency-key', key)
      .send({ description: 'once', slug: 'retried', name: 'Retried' });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.headers['content-type']).toMatch(/^application\/json/);
    expect(retry.body).toEqual(first.body);
    const projects = (await api().get(`${org}/projects`).set(tenant.admin.auth)).body.items as { slug: string }[];
    expect(projects.filter((p) => p.slug === 'retried')).toHaveLength(1);
    // Without the key the create really runs again, and the slug is taken.
    const again = await api()
      .post(`${org}/projects`)
      .set(tenant.admin.auth)
      .send({ name: 'Retried', slug: 'retried', description: 'once' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('slug_taken');
  });

  it('refuses the same key for a different request with 422, creating nothing', async () => {
    const key = newKey();
    const first = await api()
      .post(`${org}/roles`)
      .set(tenant.admin.auth)
      .set('idempotency-key', key)
      .send({ name: 'colourist', permissions: ['model:read'] });
    expect(first.status).toBe(201);
    const other = await api()
      .post(`${org}/roles`)
      .set(tenant.admin.auth)
      .set('idempotency-key', key)
      .send({ name: 'editor', permissions: ['model:read'] });
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    const roles = (await api().get(`${org}/roles`).set(tenant.admin.auth)).body.items as { name: string }[];
    expect(roles.map((r) => r.name)).not.toContain('editor');
  });

  it('scopes a key to its caller and path, and forgets a failed request', async () => {
    const key = newKey();
    const mine = await api()
      .post(`${org}/models`)
      .set(tenant.developer.auth)
      .set('idempotency-key', key)
      .send({ name: 'Mine', slug: 'mine', kind: 'face_swapper', family: 'inswapper' });
    expect(mine.status).toBe(201);
    // Another caller with the same key makes their own.
    const theirs = await api()
      .post(`${org}/models`)
      .set(tenant.admin.auth)
      .set('idempotency-key', key)
      .send({ name: 'Theirs', slug: 'theirs', kind: 'face_swapper', family: 'inswapper' });
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    // The same caller, the same key, another path.
    const project = await api()
      .post(`${org}/projects`)
      .set(tenant.developer.auth)
      .set('idempotency-key', key)
      .send({ name: 'Nope', slug: 'nope' });
    expect(project.status).toBe(403);

    // A refused request is not remembered: the key is free for the corrected one.
    const fresh = newKey();
    const invalid = await api()
      .post(`${org}/policies`)
      .set(tenant.admin.auth)
      .set('idempotency-key', fresh)
      .send({ name: 'broken', effect: 'maybe', actions: ['model:read'], principals: { all: true } });
    expect(invalid.status).toBe(400);
    const fixed = await api()
      .post(`${org}/policies`)
      .set(tenant.admin.auth)
      .set('idempotency-key', fresh)
      .send({ name: 'fixed', effect: 'deny', actions: ['model:export'], principals: { users: [tenant.guest.id] } });
    expect(fixed.status).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();

    for (const bad of ['has spaces', 'x'.repeat(256), 'ünïcode']) {
      const res = await api()
        .post(`${org}/projects`)
        .set(tenant.admin.auth)
        .set('idempotency-key', bad)
        .send({ name: 'Bad key', slug: 'bad-key' });
      expect({ bad, status: res.status, code: res.body.code }).toEqual({
        bad,
        status: 400,
        code: 'idempotency_key_invalid',
      });
    }
  });

  it('creates exactly one resource on every create route when identical requests race with one key', async () => {
    const invitee = await createUser(t);
    const creates: { path: string; auth: { authorization: string }; body: object; list: string; count: number }[] = [
      {
        path: '/api/v1/orgs',
        auth: platformAdmin,
        body: { name: 'Raced', slug: 'raced-org' },
        list: '/api/v1/orgs?limit=200',
        count: 1,
      },
      {
        path: `${org}/projects`,
        auth: tenant.admin.auth,
        body: { name: 'Raced', slug: 'raced' },
        list: `${org}/projects?limit=200`,
        count: 0,
      },
      {
        path: `${org}/roles`,
        auth: tenant.admin.auth,
        body: { name: 'raced', permissions: ['model:read'] },
        list: `${org}/roles?limit=200`,
        count: 0,
      },
      {
        path: `${org}/members`,
        auth: tenant.admin.auth,
        body: { email: invitee.email, role: 'guest' },
        list: `${org}/members?limit=200`,
        count: 0,
      },
      {
        path: `${org}/models`,
        auth: tenant.developer.auth,
        body: { name: 'Raced', slug: 'raced-model', kind: 'face_swapper', family: 'inswapper' },
        list: `${org}/models?limit=200`,
        count: 0,
      },
      {
        path: `${org}/api-keys`,
        auth: tenant.admin.auth,
        body: { name: 'raced', permissions: ['model:read'] },
        list: `${org}/api-keys?limit=200`,
        count: 0,
      },
      {
        path: `${org}/policies`,
        auth: tenant.admin.auth,
        body: { name: 'raced', effect: 'deny', actions: ['model:export'], principals: { users: [tenant.guest.id] } },
        list: `${org}/policies?limit=200`,
        count: 0,
      },
      {
        path: `${org}/models/${modelId}/grants`,
        auth: tenant.admin.auth,
        body: { principalType: 'user', principalId: tenant.tester.id, permissions: ['view'] },
        list: `${org}/models/${modelId}/grants?limit=200`,
        count: 0,
      },
    ];
    for (const create of creates) {
      create.count = ((await api().get(create.list).set(create.auth)).body.items as unknown[]).length;
    }
    for (const create of creates) {
      const key = newKey();
      const send = () => api().post(create.path).set(create.auth).set('idempotency-key', key).send(create.body);
      const answers = await Promise.all(Array.from({ length: 4 }, send));
      const statuses = answers.map((a) => a.status);
      expect({ path: create.path, statuses }).toEqual({
        path: create.path,
        statuses: expect.arrayContaining([201]) as unknown,
      });
      const created = answers.filter((a) => a.status === 201);
      for (const a of answers) {
        if (a.status === 201) {
          expect(a.body).toEqual(created[0]!.body);
          expect(a.headers.location).toBe(created[0]!.headers.location);
        } else {
          expect({ path: create.path, status: a.status, code: a.body.code }).toEqual({
            path: create.path,
            status: 409,
            code: 'idempotency_key_in_progress',
          });
        }
      }
      const listed = (await api().get(create.list).set(create.auth)).body.items as unknown[];
      expect({ path: create.path, count: listed.length }).toEqual({ path: create.path, count: create.count + 1 });
      // Once the first is done, a retry is a replay.
      const retry = await send();
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(created[0]!.body);
    }
  });

  it('replays a new API key’s secret, kept encrypted while it is remembered', async () => {
    const key = newKey();
    const send = () =>
      api()
        .post(`${org}/api-keys`)
        .set(tenant.admin.auth)
        .set('idempotency-key', key)
        .send({ name: 'deploy', permissions: ['model:read'] });
    const first = await send();
    expect(first.status).toBe(201);
    const secret = first.body.secret as string;
    expect(secret).toEqual(expect.any(String));
    const retry = await send();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.secret).toBe(secret);
    expect(retry.headers['cache-control']).toBe('no-store');
    const redis = t.env.redis;
    const keys = await redis.client.keys(`${redis.prefix}*idempotency*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const stored of keys) {
      expect(await redis.client.ttl(stored)).toBeGreaterThan(23 * 3600);
      expect(await redis.client.get(stored)).not.toContain(secret);
    }
  });

  describe('model version uploads', () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = t.app.getHttpServer() as Server;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    const upload = (key: string, weights: Uint8Array) =>
      api()
        .post(`${org}/models/${modelId}/versions`)
        .set(tenant.developer.auth)
        .set('idempotency-key', key)
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from(weights));
    const versionCount = async () =>
      ((await api().get(`${org}/models/${modelId}/versions`).set(tenant.developer.auth)).body.items as unknown[])
        .length;

    it('replays an upload sent again with the same bytes, and refuses other bytes under the same key', async () => {
      const before = await versionCount();
      const weights = buildInswapperModel({ kind: 'source' });
      const key = newKey();
      const first = await upload(key, weights);
      expect(first.status).toBe(201);
      const retry = await upload(key, weights);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers.location).toBe(first.headers.location);
      expect(retry.body).toEqual(first.body);
      // Same length, other bytes: only the streamed digest can tell.
      const altered = Buffer.from(weights);
      altered[altered.length - 1] ^= 0xff;
      const other = await upload(key, altered);
      expect(other.status).toBe(422);
      expect(other.body.code).toBe('idempotency_key_reused');
      expect(await versionCount()).toBe(before + 1);
    });

    it('answers 409 while the first upload with the key is still streaming', async () => {
      const before = await versionCount();
      const weights = Buffer.from(buildInswapperModel({ kind: 'identity' }));
      const key = newKey();
      const slow = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `${org}/models/${modelId}/versions`,
        headers: {
          ...tenant.developer.auth,
          'idempotency-key': key,
          'content-type': 'application/octet-stream',
          'content-length': String(weights.length),
        },
      });
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        slow.on('response', (res: IncomingMessage) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        slow.on('error', reject);
      });
      slow.write(weights.subarray(0, 1024));
      // Wait until the first request holds the key.
      const redis = t.env.redis;
      const held = async () => {
        for (const stored of await redis.client.keys(`${redis.prefix}*idempotency*`)) {
          if ((await redis.client.get(stored))?.includes('"pending"')) return true;
        }
        return false;
      };
      await eventually('the first upload holding the key', async () => ((await held()) ? true : undefined), {
        intervalMs: 25,
      });
      expect(await held()).toBe(true);

      const meanwhile = await upload(key, weights);
      expect(meanwhile.status).toBe(409);
      expect(meanwhile.body.code).toBe('idempotency_key_in_progress');

      slow.end(weights.subarray(1024));
      const first = await answered;
      expect(first.status).toBe(201);
      const after = await upload(key, weights);
      expect(after.status).toBe(201);
      expect(after.headers['idempotent-replayed']).toBe('true');
      expect(after.body).toEqual(JSON.parse(first.body));
      expect(await versionCount()).toBe(before + 1);
    });
  });
});
