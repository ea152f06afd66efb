import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, SignJWT } from 'jose';
import request from 'supertest';
import { SigningKeyService } from '#libs/auth';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Issue 11 finding 13 (identity part): API keys accepted an expiry in the past; a racing double
// refresh signed the winner out; access tokens were accepted with any lifetime; names could hold
// bidirectional and zero-width characters.

let t: TestApp;
let a: Tenant;
const http = () => request(t.app.getHttpServer());
const refresh = (refreshToken: string) => http().post('/api/v1/auth/refresh').send({ refreshToken });
const me = (token: string) => http().get('/api/v1/auth/me').set(authHeader(token));

beforeAll(async () => {
  t = await createTestApp({ env: { ...FAST_AUTH_ENV, AUTH_ACCESS_TOKEN_TTL_SECONDS: '900' } });
  a = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
});

describe('API key expiry', () => {
  it('refuses an expiry in the past with a field error', async () => {
    const res = await http()
      .post(`/api/v1/orgs/${a.orgId}/api-keys`)
      .set(a.admin.auth)
      .send({ name: 'stale', permissions: ['model:read'], expiresAt: '2020-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);

    const future = await http()
      .post(`/api/v1/orgs/${a.orgId}/api-keys`)
      .set(a.admin.auth)
      .send({ name: 'fresh', permissions: ['model:read'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    expect(future.status).toBe(201);
  });
});

describe('racing refreshes', () => {
  it('two parallel refreshes of one token both get the same successor, and the session lives on', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const [first, second] = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).toBe(first.body.refreshToken);
    expect((await me(first.body.accessToken)).status).toBe(200);
    expect((await me(second.body.accessToken)).status).toBe(200);
    const next = await refresh(first.body.refreshToken);
    expect(next.status).toBe(200);
    expect((await me(next.body.accessToken)).status).toBe(200);
  });

  it('a rotated token whose successor was already used is still a reuse: the session is revoked', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const second = (await refresh(tokens.refreshToken)).body;
    const third = (await refresh(second.refreshToken)).body;
    const replay = await refresh(tokens.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('token_invalid');
    expect((await refresh(third.refreshToken)).status).toBe(401);
    expect((await me(third.accessToken)).status).toBe(401);
  });
});

describe('access token lifetime', () => {
  it('refuses a genuinely signed token that lives longer than the configured TTL', async () => {
    const user = await createUser(t);
    const tokens = await login(t, user.email, user.password);
    const claims = decodeJwt(tokens.accessToken);
    const { kid, privateKey } = await t.app.get(SigningKeyService).signingKey();
    const now = Math.floor(Date.now() / 1000);
    const sign = (patch: Record<string, unknown>) =>
      new SignJWT({ ...claims, ...patch }).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid }).sign(privateKey);

    expect((await me(await sign({ iat: now, nbf: now, exp: now + 600 }))).status).toBe(200);
    for (const patch of [
      { iat: now, nbf: now, exp: now + 10 * 86_400 },
      { iat: now - 3000, nbf: now - 3000, exp: now + 600 },
      { iat: now + 86_400, nbf: now, exp: now + 600 },
    ]) {
      const res = await me(await sign(patch));
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
    }
  });
});

describe('names with invisible or bidirectional characters', () => {
  const hidden = ['evil\u202Egnp.exe', 'zero\u200Bwidth', 'joiner\u200Dname', 'isolate\u2066x\u2069', 'bom\uFEFF'];

  it('are refused with a field error for organizations, projects, models and API keys', async () => {
    const org = `/api/v1/orgs/${a.orgId}`;
    for (const name of hidden) {
      const answers = await Promise.all([
        http().patch(org).set(a.admin.auth).send({ name }),
        http()
          .post(`${org}/projects`)
          .set(a.admin.auth)
          .send({ name, slug: `p-${Date.now()}` }),
        http()
          .post(`${org}/models`)
          .set(a.admin.auth)
          .send({ name, slug: `m-${Date.now()}`, kind: 'face_swapper', family: 'inswapper' }),
        http()
          .post(`${org}/api-keys`)
          .set(a.admin.auth)
          .send({ name, permissions: ['model:read'] }),
      ]);
      for (const res of answers) {
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('validation_failed');
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
      }
    }
  });

  it('accents, other scripts and emoji stay welcome', async () => {
    const res = await http()
      .post(`/api/v1/orgs/${a.orgId}/projects`)
      .set(a.admin.auth)
      .send({ name: 'Équipe 東京 🎬', slug: 'equipe-tokyo' });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Équipe 東京 🎬');
  });
});
