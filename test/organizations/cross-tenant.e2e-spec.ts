import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes } from '../support/routes.js';
import { createTenant, type Tenant } from '../support/tenant.js';

/**
 * Every tenant-owned route (`/orgs/:orgId/...`), taken from the live route list so new routes are
 * covered without editing this file, answers 404 to a member of another organization — whatever
 * their role, with a token or with an API key of their own organization — and never reveals
 * whether the organization or the resource exists.
 */
describe('cross-organization isolation', () => {
  let t: TestApp;
  let victim: Tenant;
  let intruder: Tenant;
  let intruderKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    victim = await createTenant(t);
    intruder = await createTenant(t);
    const key = await request(t.app.getHttpServer())
      .post(`/api/v1/orgs/${intruder.orgId}/api-keys`)
      .set(intruder.admin.auth)
      .send({ name: 'intruder', permissions: ['model:read', 'user:manage', 'policy:manage', 'apikey:manage'] });
    expect(key.status).toBe(201);
    intruderKey = key.body.secret;
  });
  afterAll(() => t.close());

  const tenantRoutes = () => listRoutes(t.app).filter((r) => r.path.startsWith('/orgs/:orgId'));

  function fill(path: string, orgId: string): string {
    return '/api/v1' + path.replace(':orgId', orgId).replace(/:[A-Za-z]+/g, () => randomUUID());
  }

  it('covers the tenant routes of every area', () => {
    const paths = tenantRoutes().map((r) => r.path);
    for (const area of ['members', 'roles', 'projects', 'api-keys', 'policies', 'authz', 'models']) {
      expect(paths.some((p) => p.startsWith(`/orgs/:orgId/${area}`))).toBe(true);
    }
  });

  it('answers 404 organization_not_found to an admin of another organization on every route', async () => {
    const http = request(t.app.getHttpServer());
    const failures: string[] = [];
    for (const route of tenantRoutes()) {
      const url = fill(route.path, victim.orgId);
      const res = await http[route.method.toLowerCase() as 'get'](url).set(intruder.admin.auth).send({});
      if (res.status !== 404 || res.body.code !== 'organization_not_found')
        failures.push(`${route.method} ${route.path} → ${res.status} ${res.body.code}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers the same to an API key of another organization, and to an unknown organization id', async () => {
    const http = request(t.app.getHttpServer());
    const failures: string[] = [];
    for (const route of tenantRoutes()) {
      for (const [orgId, headers] of [
        [victim.orgId, { 'x-api-key': intruderKey }],
        [randomUUID(), intruder.guest.auth],
      ] as const) {
        const res = await http[route.method.toLowerCase() as 'get'](fill(route.path, orgId)).set(headers).send({});
        if (res.status !== 404) failures.push(`${route.method} ${route.path} → ${res.status} ${res.body.code}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("answers 404 for another organization's resources reached through one's own organization", async () => {
    const http = request(t.app.getHttpServer());
    const project = await http
      .post(`/api/v1/orgs/${victim.orgId}/projects`)
      .set(victim.admin.auth)
      .send({ name: 'Secret', slug: 'secret' });
    const role = await http
      .post(`/api/v1/orgs/${victim.orgId}/roles`)
      .set(victim.admin.auth)
      .send({ name: 'lookdev', permissions: ['model:read'] });
    const policy = await http
      .post(`/api/v1/orgs/${victim.orgId}/policies`)
      .set(victim.admin.auth)
      .send({ name: 'p', effect: 'deny', actions: ['model:export'], principals: { all: true } });
    const key = await http
      .post(`/api/v1/orgs/${victim.orgId}/api-keys`)
      .set(victim.admin.auth)
      .send({ name: 'k', permissions: ['model:read'] });
    const own = `/api/v1/orgs/${intruder.orgId}`;
    const a = intruder.admin.auth;
    const attempts = [
      http.get(`${own}/projects/${project.body.id}`).set(a),
      http.patch(`${own}/projects/${project.body.id}`).set(a).send({ name: 'mine' }),
      http.delete(`${own}/projects/${project.body.id}`).set(a),
      http.put(`${own}/projects/${project.body.id}/members/${intruder.guest.id}`).set(a).send({ role: 'guest' }),
      http
        .patch(`${own}/roles/${role.body.id}`)
        .set(a)
        .send({ permissions: ['model:read', 'model:export'] }),
      http.delete(`${own}/roles/${role.body.id}`).set(a),
      http.get(`${own}/policies/${policy.body.id}`).set(a),
      http.delete(`${own}/policies/${policy.body.id}`).set(a),
      http.delete(`${own}/api-keys/${key.body.id}`).set(a),
      http.patch(`${own}/members/${victim.guest.id}`).set(a).send({ role: 'admin' }),
      http.delete(`${own}/members/${victim.admin.id}`).set(a),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(404);
    // Nothing was changed.
    const roles = await http.get(`/api/v1/orgs/${victim.orgId}/roles`).set(victim.admin.auth);
    expect(roles.body.items.find((r: { id: string }) => r.id === role.body.id).permissions).toEqual(['model:read']);
    const check = await http
      .post(`${own}/authz/check`)
      .set(a)
      .send({ checks: [{ action: 'read', resource: { type: 'Project', id: project.body.id } }] });
    expect(check.body.results[0].allowed).toBe(false);
  });
});
