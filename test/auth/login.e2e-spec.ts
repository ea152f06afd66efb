import { decodeJwt, decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login } from '../support/identity.js';
import { FAST_AUTH_ENV } from './support.js';

describe('login and access tokens', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ env: FAST_AUTH_ENV });
  });
  afterAll(() => t.close());

  it('signs in with email and password and answers /auth/me', async () => {
    const user = await createUser(t, { email: 'Ada.Lovelace@Example.test', displayName: 'Ada' });
    const res = await http()
      .post('/api/v1/auth/login')
      .send({ email: 'ada.lovelace@example.TEST', password: user.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    const me = await http().get('/api/v1/auth/me').set(authHeader(res.body.accessToken));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      type: 'user',
      id: user.id,
      email: 'Ada.Lovelace@Example.test',
      displayName: 'Ada',
      status: 'active',
      isPlatformAdmin: false,
      mfaEnabled: false,
      mfa: false,
      lastLoginAt: expect.any(String),
    });
  });

  it('issues EdDSA tokens with kid, issuer, audience, lifetimes, typ and amr', async () => {
    const user = await createUser(t);
    const { accessToken } = await login(t, user.email, user.password);
    const header = decodeProtectedHeader(accessToken);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt', kid: expect.any(String) });
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({ sub: user.id, iss: 'fusiongate', aud: 'fusiongate-api', amr: ['pwd'] });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.nbf).toBe(claims.iat);

    const jwks = await http().get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toContainEqual(
      expect.objectContaining({ kid: header.kid, kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' }),
    );
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);
  });

  it('stores the signing key encrypted', async () => {
    const { rows } = await t.env.db.query<{ private_key_enc: string }>('SELECT private_key_enc FROM signing_key');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].private_key_enc).toMatch(/^v1\./);
    expect(rows[0].private_key_enc).not.toContain('"d"');
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const user = await createUser(t);
    const wrong = await http().post('/api/v1/auth/login').send({ email: user.email, password: 'Not-the-right-one-42' });
    const unknown = await http()
      .post('/api/v1/auth/login')
      .send({ email: 'nobody@example.test', password: 'Not-the-right-one-42' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('credentials_invalid');
    expect({ ...unknown.body, requestId: undefined }).toEqual({ ...wrong.body, requestId: undefined });
  });

  it('refuses requests without a token, and routes with no access declaration', async () => {
    const res = await http().get('/api/v1/auth/me');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_missing');
    const malformed = await http().get('/api/v1/auth/me').set('authorization', 'Basic Zm9vOmJhcg==');
    expect(malformed.status).toBe(401);
    expect(malformed.body.code).toBe('token_invalid');
  });

  it('serves more concurrent sign-ins and refreshes than the connection pool has connections', async () => {
    // The test pool has 4 connections; a sign-in must never hold one while waiting for another.
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser(t)));
    const pairs = await Promise.all(users.map((u) => login(t, u.email, u.password)));
    expect(pairs.every((p) => typeof p.accessToken === 'string')).toBe(true);
    const refreshed = await Promise.all(
      pairs.map((p) =>
        request(t.app.getHttpServer()).post('/api/v1/auth/refresh').send({ refreshToken: p.refreshToken }),
      ),
    );
    expect(refreshed.map((r) => r.status)).toEqual(Array(10).fill(200));
  });

  it('accepts passwords of 64+ characters', async () => {
    const long = 'correct horse battery staple '.repeat(4) + 'Zq9!';
    const user = await createUser(t, { password: long });
    await expect(login(t, user.email, long)).resolves.toHaveProperty('accessToken');
  });
});
