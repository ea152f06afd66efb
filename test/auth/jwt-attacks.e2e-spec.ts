import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import request from 'supertest';
import { SigningKeyService } from '#libs/auth';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login, type Tokens } from '../support/identity.js';
import { FAST_AUTH_ENV } from './support.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access-token attacks are refused with 401', () => {
  let t: TestApp;
  let tokens: Tokens;
  let claims: Record<string, unknown>;
  let header: Record<string, unknown>;
  const me = (token: string) => request(t.app.getHttpServer()).get('/api/v1/auth/me').set(authHeader(token));

  beforeAll(async () => {
    t = await createTestApp({ env: FAST_AUTH_ENV });
    const user = await createUser(t);
    tokens = await login(t, user.email, user.password);
    claims = decodeJwt(tokens.accessToken) as Record<string, unknown>;
    header = decodeProtectedHeader(tokens.accessToken) as Record<string, unknown>;
  });
  afterAll(() => t.close());

  it('accepts the genuine token (the baseline the attacks start from)', async () => {
    expect((await me(tokens.accessToken)).status).toBe(200);
  });

  it('alg: none', async () => {
    const forged = `${b64({ alg: 'none', typ: 'at+jwt', kid: header.kid })}.${b64(claims)}.`;
    const res = await me(forged);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('token_invalid');
  });

  it('algorithm switching: HS256 signed with the public key', async () => {
    const jwks = (await request(t.app.getHttpServer()).get('/.well-known/jwks.json')).body.keys as {
      x: string;
      kid: string;
    }[];
    const publicKey = jwks.find((k) => k.kid === header.kid)!;
    const signingInput = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: header.kid })}.${b64(claims)}`;
    for (const secret of [JSON.stringify(publicKey), Buffer.from(publicKey.x, 'base64url')]) {
      const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
      const res = await me(`${signingInput}.${signature}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
    }
  });

  it('a token signed by another key under an unknown or a known kid', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    for (const kid of ['attacker-key', header.kid as string]) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
        .sign(createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })));
      const res = await me(forged);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
    }
  });

  it('tampered payload (platform admin, another subject)', async () => {
    const [h, , s] = tokens.accessToken.split('.');
    for (const patch of [
      { sub: '00000000-0000-0000-0000-000000000000' },
      { amr: ['pwd', 'otp', 'mfa'] },
      { exp: 4102444800 },
    ]) {
      const res = await me(`${h}.${b64({ ...claims, ...patch })}.${s}`);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
    }
  });

  it('expired, wrong audience, wrong issuer, wrong typ (signed with the real key)', async () => {
    const { kid, privateKey } = await t.app.get(SigningKeyService).signingKey();
    const now = Math.floor(Date.now() / 1000);
    const sign = (patch: Record<string, unknown>, typ = 'at+jwt') =>
      new SignJWT({ ...claims, ...patch }).setProtectedHeader({ alg: 'EdDSA', typ, kid }).sign(privateKey);

    const expired = await me(await sign({ iat: now - 2000, nbf: now - 2000, exp: now - 1000 }));
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('token_expired');

    for (const forged of [
      await sign({ aud: 'another-service' }),
      await sign({ iss: 'https://evil.example' }),
      await sign({}, 'JWT'),
      await sign({ nbf: now + 3600 }),
    ]) {
      const res = await me(forged);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
    }
  });

  it('a refresh token used as an access token', async () => {
    const res = await me(tokens.refreshToken);
    expect(res.status).toBe(401);
    expect(['token_invalid']).toContain(res.body.code);
  });

  it('key rotation keeps earlier tokens valid and publishes both keys', async () => {
    const keys = t.app.get(SigningKeyService);
    const newKid = await keys.rotate();
    expect(newKid).not.toBe(header.kid);
    expect((await me(tokens.accessToken)).status).toBe(200);
    const user = await createUser(t);
    const fresh = await login(t, user.email, user.password);
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(newKid);
    const jwks = (await request(t.app.getHttpServer()).get('/.well-known/jwks.json')).body.keys as { kid: string }[];
    expect(jwks.map((k) => k.kid).sort()).toEqual([header.kid, newKid].sort());
  });
});
