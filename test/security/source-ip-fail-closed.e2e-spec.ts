import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Behind a trusted proxy the source address is whatever X-Forwarded-For says. Forms a proxy or a
// socket layer may hand over (port, brackets, zone, IPv4-mapped IPv6) or garbage must not slip
// past a `sourceIp.in` deny rule.
let t: TestApp;
let a: Tenant;
const http = () => request(t.app.getHttpServer());
const models = () => `/api/v1/orgs/${a.orgId}/models`;

beforeAll(async () => {
  t = await createTestApp({ env: { ...FAST_AUTH_ENV, TRUST_PROXY: 'true' } });
  a = await createTenant(t);
  const deny = await http()
    .post(`/api/v1/orgs/${a.orgId}/policies`)
    .set(a.admin.auth)
    .set('x-forwarded-for', '198.51.100.1')
    .send({
      name: 'no reads from the hostile network',
      effect: 'deny',
      actions: ['model:read'],
      principals: { users: [a.developer.id] },
      conditions: { sourceIp: { in: ['203.0.113.0/24', 'fe80::/10'] } },
    });
  expect(deny.status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

describe('sourceIp deny rules fail closed', () => {
  it('still lets the developer read models from an address outside the denied ranges', async () => {
    const res = await http().get(models()).set(a.developer.auth).set('x-forwarded-for', '198.51.100.7');
    expect(res.status).toBe(200);
  });

  it.each([
    ['a bare denied address', '203.0.113.5'],
    ['an IPv4 address with a port', '203.0.113.5:443'],
    ['a bracketed IPv4-mapped IPv6 address with a port', '[::ffff:203.0.113.5]:443'],
    ['an IPv4-mapped IPv6 address', '::ffff:203.0.113.5'],
    ['a link-local address with a zone', 'fe80::1%eth0'],
    ['a placeholder that is no address', 'unknown'],
    ['a shortened IPv4 form', '203.5'],
  ])('refuses %s (%s)', async (_, forwarded) => {
    const res = await http().get(models()).set(a.developer.auth).set('x-forwarded-for', forwarded);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('model:read');
  });

  it('does not let an unreadable address meet an allow rule that only excludes addresses', async () => {
    const allow = await http()
      .post(`/api/v1/orgs/${a.orgId}/policies`)
      .set(a.admin.auth)
      .set('x-forwarded-for', '198.51.100.1')
      .send({
        name: 'guests may create models off the hostile network',
        effect: 'allow',
        actions: ['model:create'],
        principals: { users: [a.guest.id] },
        conditions: { sourceIp: { notIn: ['203.0.113.0/24'] } },
      });
    expect(allow.status).toBe(201);
    const create = (forwarded: string) =>
      http()
        .post(models())
        .set(a.guest.auth)
        .set('x-forwarded-for', forwarded)
        .send({
          name: 'm',
          slug: `m-${Math.random().toString(36).slice(2, 10)}`,
          kind: 'face_swapper',
          family: 'inswapper',
        });
    expect((await create('unknown')).status).toBe(403);
    expect((await create('203.0.113.9:8080')).status).toBe(403);
    expect((await create('198.51.100.7:8080')).status).toBe(201);
  });
});
