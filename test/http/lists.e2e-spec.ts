import request from 'supertest';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

type Item = Record<string, unknown>;

/** Every list answers the same cursor envelope, in a stable order, whatever the page size. */
describe('Lists: one cursor envelope', () => {
  let t: TestApp;
  let tenant: Tenant;
  let org: string;
  let projectId: string;
  let modelId: string;
  let platformAdmin: { authorization: string };

  const api = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    org = `/api/v1/orgs/${tenant.orgId}`;
    const admin = tenant.admin.auth;
    const ok = (res: request.Response, status = 201) => {
      expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
      return res;
    };

    // Two projects share a name: the id decides between them, and no page boundary loses one.
    for (const [name, slug] of [
      ['Zulu', 'zulu'],
      ['Alpha', 'alpha'],
      ['Same', 'same-1'],
      ['Mike', 'mike'],
      ['Same', 'same-2'],
    ]) {
      const res = ok(await api().post(`${org}/projects`).set(admin).send({ name, slug }));
      if (slug === 'mike') projectId = res.body.id as string;
    }
    for (const name of ['reviewer', 'auditor', 'contractor']) {
      ok(
        await api()
          .post(`${org}/roles`)
          .set(admin)
          .send({ name, permissions: ['model:read'] }),
      );
    }
    for (const name of ['first', 'second', 'third']) {
      ok(
        await api()
          .post(`${org}/policies`)
          .set(admin)
          .send({ name, effect: 'allow', actions: ['model:read'], principals: { users: [tenant.guest.id] } }),
      );
    }
    for (const name of ['ci-1', 'ci-2', 'ci-3']) {
      ok(
        await api()
          .post(`${org}/api-keys`)
          .set(admin)
          .send({ name, permissions: ['model:read'] }),
      );
    }
    for (let i = 0; i < 2; i++) {
      const user = await createUser(t);
      ok(await api().post(`${org}/members`).set(admin).send({ email: user.email, role: 'guest' }));
    }
    for (const member of [tenant.developer, tenant.tester, tenant.guest]) {
      ok(await api().put(`${org}/projects/${projectId}/members/${member.id}`).set(admin).send({ role: 'tester' }), 200);
    }
    const model = ok(
      await api().post(`${org}/models`).set(tenant.developer.auth).send({
        name: 'Swapper',
        slug: 'swapper',
        kind: 'face_swapper',
        family: 'inswapper',
        redistributionAllowed: true,
        licence: 'MIT',
      }),
    );
    modelId = model.body.id as string;
    for (const behaviour of [{ kind: 'source' }, { kind: 'identity' }, { kind: 'source' }] as const) {
      const weights = buildInswapperModel(behaviour, undefined, { slowness: 0 });
      ok(
        await api()
          .post(`${org}/models/${modelId}/versions`)
          .set(tenant.developer.auth)
          .set('content-type', 'application/octet-stream')
          .send(Buffer.from(weights)),
      );
    }
    for (const member of [tenant.developer, tenant.tester, tenant.guest]) {
      ok(
        await api()
          .post(`${org}/models/${modelId}/grants`)
          .set(admin)
          .send({ principalType: 'user', principalId: member.id, permissions: ['view'] }),
      );
    }
    const root = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
    platformAdmin = authHeader(root.tokens);
    for (const [name, slug] of [
      ['Northlight', 'northlight'],
      ['Atelier', 'atelier'],
      ['Moonrise', 'moonrise'],
    ]) {
      ok(await api().post('/api/v1/orgs').set(platformAdmin).send({ name, slug }));
    }
  });
  afterAll(() => t.close());

  /** Reads a whole list in one page, then page by page, and checks both agree. */
  async function walk(path: string, auth: { authorization: string }, key: (item: Item) => unknown, limit: number) {
    const whole = await api().get(path).query({ limit: 200 }).set(auth);
    expect(whole.status).toBe(200);
    expect(whole.body).toEqual({ items: expect.any(Array), nextCursor: null });
    const all = (whole.body.items as Item[]).map(key);

    const seen: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await api()
        .get(path)
        .query(cursor ? { limit, cursor } : { limit })
        .set(auth);
      expect(res.status).toBe(200);
      const items = res.body.items as Item[];
      cursor = res.body.nextCursor as string | null;
      // Every page but the last is full; the last says so with a null cursor.
      if (cursor) expect(items).toHaveLength(limit);
      else expect(items.length).toBeLessThanOrEqual(limit);
      seen.push(...items.map(key));
      pages++;
      expect(pages).toBeLessThan(50);
    } while (cursor);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
    return whole.body.items as Item[];
  }

  const byId = (i: Item) => i.id;

  it('pages projects by name, ties broken by id', async () => {
    const items = await walk(`${org}/projects`, tenant.admin.auth, byId, 3);
    expect(items.map((p) => p.name)).toEqual(['Alpha', 'Mike', 'Same', 'Same', 'Zulu']);
    const same = items.filter((p) => p.name === 'Same').map((p) => p.id as string);
    expect(same).toEqual([...same].sort());
  });

  it('pages roles with the built-in ones first', async () => {
    const items = await walk(`${org}/roles`, tenant.admin.auth, byId, 3);
    expect(items.map((r) => r.name)).toEqual([
      'admin',
      'developer',
      'guest',
      'tester',
      'auditor',
      'contractor',
      'reviewer',
    ]);
  });

  it('pages members and project members by email', async () => {
    const members = await walk(`${org}/members`, tenant.admin.auth, (m) => m.userId, 2);
    expect(members).toHaveLength(6);
    const emails = members.map((m) => m.email as string);
    expect(emails).toEqual([...emails].sort());
    const inProject = await walk(`${org}/projects/${projectId}/members`, tenant.admin.auth, (m) => m.userId, 2);
    expect(inProject.map((m) => m.userId).sort()).toEqual(
      [tenant.developer.id, tenant.tester.id, tenant.guest.id].sort(),
    );
  });

  it('pages policies and grants oldest first, API keys newest first', async () => {
    const policies = await walk(`${org}/policies`, tenant.admin.auth, byId, 2);
    expect(policies.map((p) => p.name)).toEqual(['first', 'second', 'third']);
    const keys = await walk(`${org}/api-keys`, tenant.admin.auth, byId, 2);
    expect(keys.map((k) => k.name)).toEqual(['ci-3', 'ci-2', 'ci-1']);
    const grants = await walk(`${org}/models/${modelId}/grants`, tenant.admin.auth, byId, 1);
    expect(grants.map((g) => g.principalId)).toEqual([tenant.developer.id, tenant.tester.id, tenant.guest.id]);
  });

  it('pages model versions newest first', async () => {
    const versions = await walk(`${org}/models/${modelId}/versions`, tenant.developer.auth, (v) => v.version, 2);
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('pages my organizations by name', async () => {
    const orgs = await walk('/api/v1/orgs', platformAdmin, byId, 2);
    expect(orgs.map((o) => o.name)).toEqual(['Atelier', 'Moonrise', 'Northlight']);
    // Someone else's list is their own.
    const mine = await api().get('/api/v1/orgs').set(tenant.guest.auth);
    expect(mine.body).toEqual({ items: [expect.objectContaining({ id: tenant.orgId })], nextCursor: null });
    // An empty list is the same envelope.
    expect((await api().get(`${org}/sso/providers`).set(tenant.admin.auth)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('refuses a bad limit or cursor with a problem, on every list', async () => {
    const lists = [
      '/api/v1/orgs',
      `${org}/projects`,
      `${org}/projects/${projectId}/members`,
      `${org}/roles`,
      `${org}/members`,
      `${org}/policies`,
      `${org}/api-keys`,
      `${org}/models/${modelId}/versions`,
      `${org}/models/${modelId}/grants`,
      `${org}/sso/providers`,
    ];
    const roleCursor = (await api().get(`${org}/roles`).query({ limit: 1 }).set(tenant.admin.auth)).body
      .nextCursor as string;
    expect(roleCursor).toEqual(expect.any(String));
    for (const path of lists) {
      for (const limit of ['0', '201', 'ten', '-1', '2.5']) {
        const res = await api().get(path).query({ limit }).set(tenant.admin.auth);
        expect({ path, limit, status: res.status, type: res.headers['content-type'] }).toEqual({
          path,
          limit,
          status: 400,
          type: expect.stringMatching(/^application\/problem\+json/),
        });
        expect(res.body.code).toBe('validation_failed');
      }
      // Garbage, and a cursor of another list whose keys do not fit this one.
      const cursors = ['not-a-cursor', Buffer.from('{"k0":-1.5,"k1":"y"}').toString('base64url')];
      if (!path.endsWith('/roles')) cursors.push(roleCursor);
      else {
        // A genuine cursor with one value edited names no position this list handed out.
        const genuine = JSON.parse(Buffer.from(roleCursor, 'base64url').toString('utf8')) as Record<string, unknown>;
        cursors.push(Buffer.from(JSON.stringify({ ...genuine, k1: 'aaa' })).toString('base64url'));
      }
      for (const cursor of cursors) {
        const res = await api().get(path).query({ cursor }).set(tenant.admin.auth);
        expect({ path, cursor, status: res.status, code: res.body.code }).toEqual({
          path,
          cursor,
          status: 400,
          code: 'cursor_invalid',
        });
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
  });
});
