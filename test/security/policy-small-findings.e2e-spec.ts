import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { eventually } from '../support/eventually.js';

let t: TestApp;
let a: Tenant;
let b: Tenant;
const http = () => request(t.app.getHttpServer());
const org = (tenant: Tenant = a) => `/api/v1/orgs/${tenant.orgId}`;

beforeAll(async () => {
  t = await createTestApp({ env: FAST_AUTH_ENV });
  [a, b] = [await createTenant(t), await createTenant(t)];
});
afterAll(async () => {
  await t?.close();
});

describe('authz/explain for someone who is not a member', () => {
  it('answers 404 for a user of another organization, an account in none, and an unknown id', async () => {
    const loner = await createUser(t);
    for (const userId of [b.developer.id, loner.id, '6d2f5a44-1f0e-4c8e-9d3a-2b7e0f6c1a90']) {
      const res = await http()
        .post(`${org()}/authz/explain`)
        .set(a.admin.auth)
        .send({ action: 'read', resource: { type: 'Model' }, userId });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('member_not_found');
    }
    const member = await http()
      .post(`${org()}/authz/explain`)
      .set(a.admin.auth)
      .send({ action: 'read', resource: { type: 'Model' }, userId: a.developer.id });
    expect(member.status).toBe(200);
    expect(member.body.allowed).toBe(true);
  });

  it('answers 404 to a caller who is not a member of the organization', async () => {
    const res = await http()
      .post(`${org()}/authz/explain`)
      .set(b.admin.auth)
      .send({ action: 'read', resource: { type: 'Model' } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('organization_not_found');
  });
});

describe('a zero-length time window', () => {
  it.each([
    ['09:00', '09:00'],
    ['00:00', '00:00'],
    ['24:00', '00:00'],
  ])('is refused with a field error (%s to %s), not read as 24 hours', async (from, to) => {
    const res = await http()
      .post(`${org()}/policies`)
      .set(a.admin.auth)
      .send({
        name: 'office hours',
        effect: 'deny',
        actions: ['model:export'],
        principals: { all: true },
        conditions: { time: { outside: [{ days: [1, 2, 3, 4, 5], from, to, timezone: 'Europe/Paris' }] } },
      });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('policy_invalid');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'conditions.time.outside[0].to' })]);
  });

  it('still accepts a whole day written 00:00 to 24:00', async () => {
    const res = await http()
      .post(`${org()}/policies`)
      .set(a.admin.auth)
      .send({
        name: 'all day',
        effect: 'deny',
        actions: ['model:export'],
        principals: { users: [a.guest.id] },
        conditions: { time: { within: [{ days: [6, 7], from: '00:00', to: '24:00', timezone: 'UTC' }] } },
      });
    expect(res.status).toBe(201);
  });
});

describe('removing a deny policy raises an alert', () => {
  const createDeny = async (name: string) => {
    const res = await http()
      .post(`${org()}/policies`)
      .set(a.admin.auth)
      .send({ name, effect: 'deny', actions: ['model:export'], principals: { all: true } });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  };
  const alertFor = (policyId: string) =>
    eventually('the alert', async () => {
      const res = await http().get(`${org()}/alerts`).set(a.admin.auth);
      return (res.body as { items: { rule: string; subject: string; details: Record<string, unknown> }[] }).items.find(
        (x) => x.rule === 'deny_policy_removed' && x.subject === policyId,
      );
    });

  it('when the deny policy is disabled', async () => {
    const id = await createDeny('no exports');
    const off = await http().patch(`${org()}/policies/${id}`).set(a.admin.auth).send({ enabled: false });
    expect(off.status).toBe(200);
    expect(await alertFor(id)).toMatchObject({ severity: 'high', details: { policyId: id, change: 'disabled' } });
  });

  it('when the deny policy is deleted', async () => {
    const id = await createDeny('no exports either');
    expect((await http().delete(`${org()}/policies/${id}`).set(a.admin.auth)).status).toBe(204);
    expect(await alertFor(id)).toMatchObject({ severity: 'high', details: { policyId: id, change: 'deleted' } });
  });

  it('not when an allow policy is deleted', async () => {
    const allow = await http()
      .post(`${org()}/policies`)
      .set(a.admin.auth)
      .send({ name: 'guests read', effect: 'allow', actions: ['model:read'], principals: { users: [a.guest.id] } });
    expect(allow.status).toBe(201);
    const id = (allow.body as { id: string }).id;
    expect((await http().delete(`${org()}/policies/${id}`).set(a.admin.auth)).status).toBe(204);
    // A later deny removal's alert shows the rules have run past this deletion.
    const marker = await createDeny('marker');
    await http().delete(`${org()}/policies/${marker}`).set(a.admin.auth).expect(204);
    await alertFor(marker);
    const res = await http().get(`${org()}/alerts`).set(a.admin.auth);
    expect((res.body as { items: { subject: string }[] }).items.map((x) => x.subject)).not.toContain(id);
  });
});
