import request from 'supertest';
import { AuditService } from '../../libs/audit/src/index.js';
import { freePort } from '../../libs/database/src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestBrowser } from '../support/browser.js';
import { authHeader, createUser, login, strongPassword } from '../support/identity.js';
import { startIdentityProvider, type IdpAccount, type TestIdentityProvider } from '../support/oidc-provider.js';
import { finishSignIn, signInUntilCallback, type IdpLogin } from '../support/sso.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { FAST_AUTH_ENV } from './support.js';

/**
 * Single sign-on through real OpenID Connect providers (oidc-provider on loopback ports): a
 * browser goes from fusiongate's authorize route through the provider's login page and back, and
 * the front-end exchanges its login code for tokens. The organization's provider is configured by
 * its admin over the API; a second provider is the platform's (`OIDC_*`).
 */
describe('single sign-on (OpenID Connect)', () => {
  let t: TestApp;
  let api: string;
  let frontend: string;
  let studio: TestIdentityProvider;
  let platformIdp: TestIdentityProvider;
  let tenant: Tenant;
  let providerId: string;
  const slug = 'northlight';
  const clientSecret = `secret-${strongPassword()}`;
  const http = () => request(t.app.getHttpServer());
  const orgApi = (path = '') => `/api/v1/orgs/${tenant.orgId}${path}`;

  const person = (overrides: Partial<IdpAccount> & { login: string }): IdpAccount => ({
    sub: `sub-${overrides.login}-${Math.random().toString(36).slice(2, 10)}`,
    password: 'idp-password-1',
    email: `${overrides.login}@northlight.test`,
    emailVerified: true,
    name: overrides.login,
    groups: [],
    ...overrides,
  });
  const creds = (a: IdpAccount, otp = false): IdpLogin => ({ login: a.login, password: a.password, otp });

  /** The whole flow in a fresh browser, ending with the front-end's exchange. */
  const signIn = async (provider: string, a: IdpAccount, otp = false) => {
    const browser = new TestBrowser();
    const callback = await signInUntilCallback(browser, api, provider, creds(a, otp));
    const result = await finishSignIn(browser, callback);
    if (!result.code) return { ...result, tokens: undefined };
    const exchanged = await http().post('/api/v1/auth/oidc/exchange').send({ code: result.code });
    expect(exchanged.status).toBe(200);
    return { ...result, tokens: exchanged.body as { accessToken: string; refreshToken: string } };
  };
  const memberRole = async (userId: string): Promise<string | undefined> => {
    const res = await http().get(orgApi('/members')).set(tenant.admin.auth);
    expect(res.status).toBe(200);
    return (res.body.items as { userId: string; role: { name: string } }[]).find((m) => m.userId === userId)?.role.name;
  };
  const me = async (accessToken: string) => (await http().get('/api/v1/auth/me').set(authHeader(accessToken))).body;

  beforeAll(async () => {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    frontend = `${api}/app/signed-in`;
    const redirectUri = `${api}/api/v1/auth/oidc/callback`;
    [studio, platformIdp] = await Promise.all([
      startIdentityProvider([{ clientId: 'fusiongate', clientSecret, redirectUri }]),
      startIdentityProvider([{ clientId: 'fusiongate-platform', clientSecret: 'platform-secret-1', redirectUri }]),
    ]);
    t = await createTestApp({
      env: {
        ...FAST_AUTH_ENV,
        PUBLIC_URL: api,
        OIDC_FRONTEND_URL: frontend,
        OIDC_ALLOW_HTTP: 'true',
        OIDC_ISSUER: platformIdp.issuer,
        OIDC_CLIENT_ID: 'fusiongate-platform',
        OIDC_CLIENT_SECRET: 'platform-secret-1',
        OIDC_PROVIDER_NAME: 'corporate',
        OIDC_SCOPES: 'openid,email,profile',
      },
    });
    await t.app.listen(port, '127.0.0.1');
    tenant = await createTenant(t);
    const created = await http()
      .post(orgApi('/sso/providers'))
      .set(tenant.admin.auth)
      .send({
        slug,
        name: 'Northlight Keycloak',
        issuer: studio.issuer,
        clientId: 'fusiongate',
        clientSecret,
        scopes: ['openid', 'email', 'profile', 'groups'],
        allowedDomains: ['northlight.test'],
        roleMappings: [
          { value: 'vfx-leads', role: 'admin' },
          { value: 'artists', role: 'developer' },
        ],
        mfaAmrValues: ['mfa', 'otp'],
      });
    expect(created.status).toBe(201);
    providerId = created.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([studio?.close(), platformIdp?.close()]);
  });

  it('creates the account of a first sign-in, gives the mapped role and opens a session', async () => {
    const ada = person({ login: 'ada', name: 'Ada Lovelace', groups: ['artists'] });
    studio.account(ada);
    const result = await signIn(slug, ada);
    expect(result.status).toBe(302);
    expect(result.location!.startsWith(`${frontend}#code=`)).toBe(true);
    const profile = await me(result.tokens!.accessToken);
    expect(profile).toMatchObject({ type: 'user', email: ada.email, displayName: 'Ada Lovelace' });
    expect(await memberRole(profile.id)).toBe('developer');
    // The session works like any other: refresh, and reach the organization.
    const refreshed = await http().post('/api/v1/auth/refresh').send({ refreshToken: result.tokens!.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await http().get(orgApi()).set(authHeader(refreshed.body.accessToken))).status).toBe(200);
  });
});
