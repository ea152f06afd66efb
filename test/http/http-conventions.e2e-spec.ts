import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

/** The HTTP conventions browser apps and generic clients rely on. */
describe('HTTP conventions', () => {
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    t = await createTestApp();
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
});
