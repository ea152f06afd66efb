import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Issue 11 finding 8: a removed member's API keys came back to life when the person was added
// again. Ending a membership now revokes the keys the member created in that organization, in the
// same transaction, with an audit event per key.

let t: TestApp;
let a: Tenant;
const http = () => request(t.app.getHttpServer());

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
  a = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
});

describe("a removed member's API keys stay dead", () => {
  it('create a key, remove the member, add them again: the key answers 401', async () => {
    const member = await createUser(t);
    const members = `/api/v1/orgs/${a.orgId}/members`;
    expect((await http().post(members).set(a.admin.auth).send({ email: member.email, role: 'admin' })).status).toBe(
      201,
    );
    const tokens = await login(t, member.email, member.password);
    const created = await http()
      .post(`/api/v1/orgs/${a.orgId}/api-keys`)
      .set(authHeader(tokens))
      .send({ name: 'render farm', permissions: ['model:read'] });
    expect(created.status).toBe(201);
    const key = created.body.secret as string;
    const me = () => http().get('/api/v1/auth/me').set('x-api-key', key);
    expect((await me()).status).toBe(200);

    expect((await http().delete(`${members}/${member.id}`).set(a.admin.auth)).status).toBe(204);
    expect((await http().post(members).set(a.admin.auth).send({ email: member.email, role: 'admin' })).status).toBe(
      201,
    );

    const after = await me();
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('token_invalid');
    const listed = await http().get(`/api/v1/orgs/${a.orgId}/api-keys`).set(a.admin.auth);
    const row = (listed.body.items as { id: string; revokedAt: string | null }[]).find((k) => k.id === created.body.id);
    expect(row?.revokedAt).toEqual(expect.any(String));

    const audit = await http()
      .get(`/api/v1/orgs/${a.orgId}/audit`)
      .query({ action: 'apikey.revoked' })
      .set(a.admin.auth);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'apikey.revoked',
          details: expect.objectContaining({ reason: 'membership_ended' }),
        }),
      ]),
    );
  });

  it('keys created by other members are untouched', async () => {
    const kept = await http()
      .post(`/api/v1/orgs/${a.orgId}/api-keys`)
      .set(a.admin.auth)
      .send({ name: 'kept', permissions: ['model:read'] });
    expect(kept.status).toBe(201);
    expect((await http().delete(`/api/v1/orgs/${a.orgId}/members/${a.guest.id}`).set(a.admin.auth)).status).toBe(204);
    expect(
      (
        await http()
          .get('/api/v1/auth/me')
          .set('x-api-key', kept.body.secret as string)
      ).status,
    ).toBe(200);
  });
});
