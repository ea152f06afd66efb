import { createHash } from 'node:crypto';
import request from 'supertest';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

const EXPORT_LIMIT = 2;

/** The HTTP conventions browser apps and generic clients rely on. */
describe('HTTP conventions', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await createTestApp({ env: { MODEL_EXPORT_RATE_LIMIT: String(EXPORT_LIMIT) } });
    tenant = await createTenant(t);
  });
  afterAll(() => t.close());

  const api = () => request(t.app.getHttpServer());

  describe('answers carrying secrets are never stored by a cache', () => {
    it('login, refresh, two-factor setup and a new API key answer Cache-Control: no-store', async () => {
      const user = await createUser(t);
      const signedIn = await api().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers['cache-control']).toBe('no-store');
      expect(signedIn.headers.pragma).toBe('no-cache');

      const refreshed = await api().post('/api/v1/auth/refresh').send({ refreshToken: signedIn.body.refreshToken });
      expect(refreshed.status).toBe(200);
      expect(refreshed.headers['cache-control']).toBe('no-store');

      const setup = await api().post('/api/v1/auth/mfa/setup').set(authHeader(refreshed.body.accessToken));
      expect(setup.status).toBe(200);
      expect(setup.body.secret).toEqual(expect.any(String));
      expect(setup.headers['cache-control']).toBe('no-store');

      const key = await api()
        .post(`/api/v1/orgs/${tenant.orgId}/api-keys`)
        .set(tenant.admin.auth)
        .send({ name: 'ci', permissions: ['model:read'] });
      expect(key.status).toBe(201);
      expect(key.body.secret).toEqual(expect.any(String));
      expect(key.headers['cache-control']).toBe('no-store');
    });
  });

  describe('401 answers carry a WWW-Authenticate challenge', () => {
    it('asks for a bearer token when none was sent', async () => {
      const res = await api().get('/api/v1/auth/me');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="fusiongate"');
    });

    it('says invalid_token when the bearer token sent was refused', async () => {
      const res = await api().get('/api/v1/auth/me').set(authHeader('not-a-token'));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
      expect(res.headers['www-authenticate']).toBe(
        'Bearer realm="fusiongate", error="invalid_token", error_description="token_invalid"',
      );
    });

    it('does not call a good token invalid when a password was wrong', async () => {
      const user = await createUser(t);
      const tokens = await login(t, user.email, user.password);
      const res = await api()
        .post('/api/v1/auth/step-up')
        .set(authHeader(tokens))
        .send({ password: 'Wrong-password-123' });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('credentials_invalid');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="fusiongate"');
      const failedLogin = await api().post('/api/v1/auth/login').send({ email: user.email, password: 'Wrong-123-abc' });
      expect(failedLogin.status).toBe(401);
      expect(failedLogin.headers['www-authenticate']).toBe('Bearer realm="fusiongate"');
    });
  });

  describe('a known path asked with the wrong method', () => {
    it('answers 405 with Allow, as problem+json', async () => {
      const res = await api().get('/api/v1/auth/login');
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 405, code: 'method_not_allowed' });

      const orgs = await api().delete('/api/v1/orgs').set(tenant.admin.auth);
      expect(orgs.status).toBe(405);
      expect(orgs.headers.allow).toBe('GET, HEAD, POST');

      const project = await api().post(`/api/v1/orgs/${tenant.orgId}/projects/${tenant.orgId}`).set(tenant.admin.auth);
      expect(project.status).toBe(405);
      expect(project.headers.allow).toBe('GET, HEAD, PATCH, DELETE');
    });

    it('still answers 404 for a path no method knows', async () => {
      const res = await api().delete('/api/v1/no-such-thing');
      expect(res.status).toBe(404);
      expect(res.headers.allow).toBeUndefined();
      expect(res.body.code).toBe('route_not_found');
    });
  });

  it('accepts a DELETE labelled application/json with no body', async () => {
    const created = await api()
      .post(`/api/v1/orgs/${tenant.orgId}/projects`)
      .set(tenant.admin.auth)
      .send({ name: 'Short-lived', slug: 'short-lived' });
    expect(created.status).toBe(201);
    const removed = await api()
      .delete(`/api/v1/orgs/${tenant.orgId}/projects/${created.body.id}`)
      .set(tenant.admin.auth)
      .set('content-type', 'application/json');
    expect(removed.status).toBe(204);
    const gone = await api().get(`/api/v1/orgs/${tenant.orgId}/projects/${created.body.id}`).set(tenant.admin.auth);
    expect(gone.status).toBe(404);
    // A POST labelled JSON with no body is still refused clearly.
    const empty = await api()
      .post(`/api/v1/orgs/${tenant.orgId}/projects`)
      .set(tenant.admin.auth)
      .set('content-type', 'application/json');
    expect(empty.status).toBe(400);
    expect(empty.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a create with 201 and the Location of what it created', async () => {
    const admin = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
    const org = await api()
      .post('/api/v1/orgs')
      .set(authHeader(admin.tokens))
      .send({ name: 'Located', slug: 'located-org' });
    expect(org.status).toBe(201);
    expect(org.headers.location).toBe(`/api/v1/orgs/${org.body.id}`);
    const fetched = await api()
      .get(org.headers.location as string)
      .set(authHeader(admin.tokens));
    expect(fetched.body).toMatchObject({ id: org.body.id, slug: 'located-org' });
  });

  describe('conditional requests', () => {
    async function newProject(slug: string): Promise<string> {
      const created = await api()
        .post(`/api/v1/orgs/${tenant.orgId}/projects`)
        .set(tenant.admin.auth)
        .send({ name: slug, slug });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`/api/v1/orgs/${tenant.orgId}/projects/${created.body.id}`);
      return created.headers.location as string;
    }

    it('tags a single resource and answers 304 while the tag is current', async () => {
      const path = await newProject('etagged');
      const first = await api().get(path).set(tenant.admin.auth);
      expect(first.status).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');

      const again = await api().get(path).set(tenant.admin.auth).set('if-none-match', etag);
      expect(again.status).toBe(304);
      expect(again.text ?? '').toBe('');
      expect(again.headers.etag).toBe(etag);
      expect((await api().get(path).set(tenant.admin.auth).set('if-none-match', `W/${etag}`)).status).toBe(304);

      const renamed = await api().patch(path).set(tenant.admin.auth).send({ name: 'Renamed' });
      expect(renamed.status).toBe(200);
      expect(renamed.headers.etag).toMatch(/^"[\w-]+"$/);
      expect(renamed.headers.etag).not.toBe(etag);
      const after = await api().get(path).set(tenant.admin.auth).set('if-none-match', etag);
      expect(after.status).toBe(200);
      expect(after.body.name).toBe('Renamed');
      expect(after.headers.etag).toBe(renamed.headers.etag);

      const org = await api().get(`/api/v1/orgs/${tenant.orgId}`).set(tenant.admin.auth);
      expect(org.headers.etag).toMatch(/^"[\w-]+"$/);
      const orgAgain = await api()
        .get(`/api/v1/orgs/${tenant.orgId}`)
        .set(tenant.admin.auth)
        .set('if-none-match', org.headers.etag as string);
      expect(orgAgain.status).toBe(304);
    });

    it('refuses a stale If-Match on PATCH and DELETE with 412 and changes nothing', async () => {
      const path = await newProject('guarded');
      const read = await api().get(path).set(tenant.admin.auth);
      const etag = read.headers.etag as string;
      const first = await api().patch(path).set(tenant.admin.auth).set('if-match', etag).send({ name: 'First' });
      expect(first.status).toBe(200);

      const stale = await api().patch(path).set(tenant.admin.auth).set('if-match', etag).send({ name: 'Lost update' });
      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(stale.body).toMatchObject({ status: 412, code: 'precondition_failed', currentEtag: first.headers.etag });
      const weak = await api()
        .patch(path)
        .set(tenant.admin.auth)
        .set('if-match', `W/${first.headers.etag as string}`)
        .send({ name: 'Weak' });
      expect(weak.status).toBe(412);
      const staleDelete = await api().delete(path).set(tenant.admin.auth).set('if-match', etag);
      expect(staleDelete.status).toBe(412);
      expect((await api().get(path).set(tenant.admin.auth)).body.name).toBe('First');

      const removed = await api()
        .delete(path)
        .set(tenant.admin.auth)
        .set('if-match', first.headers.etag as string);
      expect(removed.status).toBe(204);
      expect((await api().get(path).set(tenant.admin.auth)).status).toBe(404);
    });

    it('lets exactly one of several parallel writers holding the same ETag win', async () => {
      const path = await newProject('contended');
      const etag = (await api().get(path).set(tenant.admin.auth)).headers.etag as string;
      const answers = await Promise.all(
        ['A', 'B', 'C', 'D'].map((name) =>
          api()
            .patch(path)
            .set(tenant.admin.auth)
            .set('if-match', etag)
            .send({ name: `Writer ${name}` }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 412, 412, 412]);
      const winner = answers.find((a) => a.status === 200)!;
      expect((await api().get(path).set(tenant.admin.auth)).body.name).toBe(winner.body.name);
    });

    it('answers an artifact re-download with 304 that does not count against the export limit', async () => {
      const weights = buildInswapperModel();
      const sha256 = createHash('sha256').update(weights).digest('hex');
      const model = await api().post(`/api/v1/orgs/${tenant.orgId}/models`).set(tenant.developer.auth).send({
        name: 'Swapper',
        slug: 'swapper',
        kind: 'face_swapper',
        family: 'inswapper',
        redistributionAllowed: true,
        licence: 'MIT',
      });
      expect(model.status).toBe(201);
      const up = await api()
        .post(`/api/v1/orgs/${tenant.orgId}/models/${model.body.id}/versions`)
        .set(tenant.developer.auth)
        .set('content-type', 'application/octet-stream')
        .send(Buffer.from(weights));
      expect(up.status).toBe(201);
      expect(model.headers.location).toBe(`/api/v1/orgs/${tenant.orgId}/models/${model.body.id}`);
      expect(up.headers.location).toBe(`/api/v1/orgs/${tenant.orgId}/models/${model.body.id}/versions/1`);
      expect(
        (
          await api()
            .get(up.headers.location as string)
            .set(tenant.developer.auth)
        ).body.sha256,
      ).toBe(sha256);
      const artifact = `/api/v1/orgs/${tenant.orgId}/models/${model.body.id}/versions/1/artifact`;
      const download = (etag?: string) => {
        const req = api().get(artifact).set(tenant.admin.auth);
        return etag ? req.set('if-none-match', etag) : req;
      };

      const first = await download();
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBe(`"${sha256}"`);
      expect(first.headers['ratelimit-policy']).toBe(`"model-export";q=${EXPORT_LIMIT};w=3600`);
      expect(first.headers.ratelimit).toMatch(new RegExp(`^"model-export";r=${EXPORT_LIMIT - 1};t=\\d+$`));
      for (let i = 0; i < EXPORT_LIMIT + 2; i++) {
        const cached = await download(`"${sha256}"`);
        expect(cached.status).toBe(304);
        expect(cached.headers.etag).toBe(`"${sha256}"`);
      }
      // The 304s took nothing: the second (and last) export of the window still streams.
      const second = await download();
      expect(second.status).toBe(200);
      expect(second.headers.ratelimit).toMatch(/^"model-export";r=0;t=\d+$/);
      const over = await download(`"${'0'.repeat(64)}"`);
      expect(over.status).toBe(429);
      expect(over.headers['ratelimit-policy']).toBe(`"model-export";q=${EXPORT_LIMIT};w=3600`);
      expect(over.headers.ratelimit).toMatch(/^"model-export";r=0;t=\d+$/);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
});
