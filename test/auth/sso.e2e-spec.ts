import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AuditService } from '#libs/audit';
import { freePort } from '#libs/database';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestBrowser } from '../support/browser.js';
import { authHeader, createUser, createUserAndLogin, login, strongPassword } from '../support/identity.js';
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
        // Every browser of this suite comes from 127.0.0.1; the limit has its own test below.
        OIDC_AUTHORIZE_PER_MINUTE: '1000',
        OIDC_ISSUER: platformIdp.issuer,
        OIDC_CLIENT_ID: 'fusiongate-platform',
        OIDC_CLIENT_SECRET: 'platform-secret-1',
        OIDC_PROVIDER_NAME: 'corporate',
        OIDC_SCOPES: 'openid,email,profile,groups',
        OIDC_ROLE_MAPPINGS: JSON.stringify([
          { organization: 'corp-studio', value: 'corp-leads', role: 'tester' },
          { organization: 'corp-studio', value: 'corp-artists', role: 'developer' },
        ]),
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
          { value: 'qa', role: 'tester' },
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
  it('applies the role mapping at every sign-in, and ends the membership when no group maps', async () => {
    const bo = person({ login: 'bo', groups: ['artists'] });
    studio.account(bo);
    const first = await signIn(slug, bo);
    const userId = (await me(first.tokens!.accessToken)).id as string;
    expect(await memberRole(userId)).toBe('developer');
    studio.account({ ...bo, groups: ['artists', 'vfx-leads'] });
    await signIn(slug, bo);
    expect(await memberRole(userId)).toBe('admin');
    studio.account({ ...bo, groups: ['accounting'] });
    const refused = await signIn(slug, bo);
    expect(refused.error).toBe('sso_no_role');
    expect(refused.tokens).toBeUndefined();
    expect(await memberRole(userId)).toBeUndefined();
    await t.app.get(AuditService).flush();
    const audit = await http().get(orgApi('/audit')).query({ resourceId: userId }).set(tenant.admin.auth);
    const actions = (audit.body.items as { action: string; details: Record<string, unknown> }[]).map(
      (e) => `${e.action}:${String(e.details.source)}`,
    );
    expect(actions).toEqual(expect.arrayContaining(['member.added:sso', 'member.updated:sso', 'member.removed:sso']));
  });

  it('counts the provider’s MFA (amr) for roles that require it', async () => {
    const cy = person({ login: 'cy', groups: ['qa'] });
    studio.account(cy);
    const patched = await http()
      .patch(orgApi())
      .set(tenant.admin.auth)
      .send({ mfaRequiredRoles: ['tester'] });
    expect(patched.status).toBe(200);
    try {
      const models = (token: string) => http().get(orgApi('/models')).set(authHeader(token));
      const single = await signIn(slug, cy);
      const refused = await models(single.tokens!.accessToken);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('mfa_required');
      const strong = await signIn(slug, cy, true);
      expect((await me(strong.tokens!.accessToken)).mfa).toBe(true);
      expect((await models(strong.tokens!.accessToken)).status).toBe(200);
      // A refreshed session still says how it was opened.
      const refreshed = await http().post('/api/v1/auth/refresh').send({ refreshToken: strong.tokens!.refreshToken });
      expect((await models(refreshed.body.accessToken)).status).toBe(200);
    } finally {
      await http().patch(orgApi()).set(tenant.admin.auth).send({ mfaRequiredRoles: [] });
    }
  });

  it('is fresh for step-up only when the provider proved what the account would have to prove here', async () => {
    // An admin whose account also has two-factor here: SSO without the provider's MFA is not enough.
    const local = await createUser(t, { email: 'sal@northlight.test', mfa: true });
    const sal = person({ login: 'sal', email: local.email, groups: ['vfx-leads'] });
    studio.account(sal);
    const createKey = (token: string) =>
      http()
        .post(orgApi('/api-keys'))
        .set(authHeader(token))
        .send({ name: `pipeline ${Math.random()}`, permissions: ['model:read'] });
    const single = await signIn(slug, sal);
    const refused = await createKey(single.tokens!.accessToken);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('step_up_required');
    const strong = await signIn(slug, sal, true);
    expect((await createKey(strong.tokens!.accessToken)).status).toBe(201);
    // `reauth=true` asks the provider to authenticate the person again (prompt=login).
    const browser = new TestBrowser();
    let prompt: string | null = null;
    const again = await signInUntilCallback(browser, api, slug, creds(sal, true), {
      query: { reauth: 'true' },
      tamper: (u) => {
        prompt = u.searchParams.get('prompt');
        return u;
      },
    });
    expect(prompt).toBe('login');
    expect((await finishSignIn(browser, again)).code).toBeDefined();
  });

  it('refuses a forged state, a replayed callback and a callback from another browser', async () => {
    const dee = person({ login: 'dee', groups: ['artists'] });
    studio.account(dee);
    const browser = new TestBrowser();
    const callback = await signInUntilCallback(browser, api, slug, creds(dee));
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value-forged-state-value-000');
    const forgedResult = await finishSignIn(browser, forged.href);
    expect(forgedResult.status).toBe(400);
    expect(forgedResult.body).toMatchObject({ code: 'sso_state_invalid' });
    // Another browser (no binding cookie) cannot complete it, and that burns the state.
    const stranger = await finishSignIn(new TestBrowser(), callback);
    expect(stranger).toMatchObject({ status: 400, body: { code: 'sso_state_invalid' } });
    const late = await finishSignIn(browser, callback);
    expect(late).toMatchObject({ status: 400, body: { code: 'sso_state_invalid' } });

    const again = new TestBrowser();
    const good = await signInUntilCallback(again, api, slug, creds(dee));
    expect((await finishSignIn(again, good)).code).toBeDefined();
    const replay = await finishSignIn(again, good);
    expect(replay).toMatchObject({ status: 400, body: { code: 'sso_state_invalid' } });
  });

  it('refuses an authorization code replayed into a new sign-in', async () => {
    const eve = person({ login: 'eve', groups: ['artists'] });
    studio.account(eve);
    const browser = new TestBrowser();
    const used = new URL(await signInUntilCallback(browser, api, slug, creds(eve)));
    expect((await finishSignIn(browser, used.href)).code).toBeDefined();
    // A new sign-in in the same browser (fresh state and cookie), completed with the old code.
    const fresh = new URL(await signInUntilCallback(browser, api, slug, creds(eve)));
    fresh.searchParams.set('code', used.searchParams.get('code')!);
    const replayed = await finishSignIn(browser, fresh.href);
    expect(replayed.error).toBe('sso_grant_invalid');
  });

  it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
    const fay = person({ login: 'fay', groups: ['artists'] });
    studio.account(fay);
    const browser = new TestBrowser();
    const callback = await signInUntilCallback(browser, api, slug, creds(fay), {
      tamper: (u) => {
        u.searchParams.set('nonce', 'a-nonce-this-sign-in-never-sent');
        return u;
      },
    });
    const result = await finishSignIn(browser, callback);
    expect(result.error).toBe('sso_token_invalid');
    const { rows } = await t.env.db.query(`SELECT 1 FROM user_account WHERE lower(email) = $1`, [fay.email]);
    expect(rows).toHaveLength(0);
  });

  it('refuses an answer issued by another provider (mix-up)', async () => {
    const gus = person({ login: 'gus', groups: ['artists'] });
    studio.account(gus);
    platformIdp.account(gus);
    const browser = new TestBrowser();
    // A code and issuer from the platform's provider...
    const foreign = new URL(await signInUntilCallback(browser, api, 'corporate', creds(gus)));
    // ...delivered to a sign-in started with the organization's provider.
    const target = new URL(await signInUntilCallback(browser, api, slug, creds(gus)));
    target.searchParams.set('code', foreign.searchParams.get('code')!);
    target.searchParams.set('iss', foreign.searchParams.get('iss')!);
    expect(foreign.searchParams.get('iss')).toBe(platformIdp.issuer);
    expect((await finishSignIn(browser, target.href)).error).toBe('sso_token_invalid');
  });

  it('refuses an ID token issued by another issuer than the provider’s', async () => {
    // A provider whose discovery document names an issuer of its own, while its token endpoint
    // (the studio's) signs ID tokens as the studio: every token it hands out is from another issuer.
    let impostorIssuer = '';
    const impostor = createServer((req, res) => {
      if (req.url !== '/.well-known/openid-configuration') return void res.writeHead(404).end();
      void fetch(`${studio.issuer}/.well-known/openid-configuration`)
        .then((r) => r.json() as Promise<Record<string, unknown>>)
        .then((metadata) => {
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({
              ...metadata,
              issuer: impostorIssuer,
              authorization_response_iss_parameter_supported: false,
            }),
          );
        });
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    impostorIssuer = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
    try {
      const created = await http()
        .post(orgApi('/sso/providers'))
        .set(tenant.admin.auth)
        .send({
          slug: 'impostor',
          name: 'Impostor',
          issuer: impostorIssuer,
          clientId: 'fusiongate',
          clientSecret,
          allowedDomains: ['northlight.test'],
          defaultRole: 'guest',
        });
      expect(created.status).toBe(201);
      const quinn = person({ login: 'quinn', groups: ['artists'] });
      studio.account(quinn);
      const browser = new TestBrowser();
      const callback = new URL(await signInUntilCallback(browser, api, 'impostor', creds(quinn)));
      callback.searchParams.delete('iss');
      expect((await finishSignIn(browser, callback.href)).error).toBe('sso_token_invalid');
      const { rows } = await t.env.db.query(`SELECT 1 FROM user_account WHERE lower(email) = $1`, [quinn.email]);
      expect(rows).toHaveLength(0);
      await http()
        .delete(orgApi(`/sso/providers/${created.body.id}`))
        .set(tenant.admin.auth);
    } finally {
      impostor.close();
    }
  });

  it('reports a sign-in cancelled at the provider', async () => {
    const ray = person({ login: 'ray', groups: ['artists'] });
    studio.account(ray);
    const browser = new TestBrowser();
    const callback = await signInUntilCallback(browser, api, slug, { ...creds(ray), cancel: true });
    expect(new URL(callback).searchParams.get('error')).toBe('access_denied');
    expect((await finishSignIn(browser, callback)).error).toBe('sso_denied');
  });

  it('creates or links accounts only for verified emails of allowed domains', async () => {
    const hal = person({ login: 'hal', groups: ['artists'], emailVerified: false });
    studio.account(hal);
    expect((await signIn(slug, hal)).error).toBe('sso_email_unverified');
    const outsider = person({ login: 'ivy', email: 'ivy@elsewhere.test', groups: ['artists'] });
    studio.account(outsider);
    expect((await signIn(slug, outsider)).error).toBe('sso_domain_not_allowed');
    const { rows } = await t.env.db.query(`SELECT 1 FROM user_account WHERE lower(email) = ANY($1)`, [
      [hal.email, outsider.email],
    ]);
    expect(rows).toHaveLength(0);

    // An existing account with the same email is linked only when the provider vouches for it.
    const local = await createUser(t, { email: 'jo@northlight.test' });
    const jo = person({ login: 'jo', email: local.email, groups: ['artists'], emailVerified: false });
    studio.account(jo);
    expect((await signIn(slug, jo)).error).toBe('sso_email_unverified');
    studio.account({ ...jo, emailVerified: true });
    const linked = await signIn(slug, jo);
    expect((await me(linked.tokens!.accessToken)).id).toBe(local.id);
    expect(await memberRole(local.id)).toBe('developer');
  });

  it('never lets an organization’s provider take over an account that belongs elsewhere', async () => {
    const other = await createTenant(t);
    const kim = await createUser(t, { email: 'kim@northlight.test' });
    const joined = await http()
      .post(`/api/v1/orgs/${other.orgId}/members`)
      .set(other.admin.auth)
      .send({ email: kim.email, role: 'guest' });
    expect(joined.status).toBe(201);
    const idpKim = person({ login: 'kim', email: kim.email, groups: ['vfx-leads'] });
    studio.account(idpKim);
    expect((await signIn(slug, idpKim)).error).toBe('sso_link_refused');
    expect(await memberRole(kim.id)).toBeUndefined();
    // Her password still works: nothing was linked.
    await login(t, kim.email, kim.password);
  });

  it('signs in with the platform provider: an account without memberships', async () => {
    const lou = person({ login: 'lou', email: 'lou@corp.test' });
    platformIdp.account(lou);
    const result = await signIn('corporate', lou);
    const profile = await me(result.tokens!.accessToken);
    expect(profile.email).toBe(lou.email);
    const orgs = await http().get('/api/v1/orgs').set(authHeader(result.tokens!.accessToken));
    expect(orgs.body.items).toEqual([]);
  });

  it('maps the platform provider’s groups to roles in the organizations OIDC_ROLE_MAPPINGS names', async () => {
    const operator = await createUserAndLogin(t, { platformAdmin: true });
    const created = await http()
      .post('/api/v1/orgs')
      .set(authHeader(operator.tokens))
      .send({ name: 'Corp Studio', slug: 'corp-studio' });
    expect(created.status).toBe(201);
    const mia = person({ login: 'mia', email: 'mia@corp.test', groups: ['corp-artists'] });
    platformIdp.account(mia);
    const first = await signIn('corporate', mia);
    const token = first.tokens!.accessToken;
    const orgs = await http().get('/api/v1/orgs').set(authHeader(token));
    expect(orgs.body.items.map((o: { slug: string }) => o.slug)).toEqual(['corp-studio']);
    expect((await http().get(`/api/v1/orgs/${created.body.id}/models`).set(authHeader(token))).status).toBe(200);
    platformIdp.account({ ...mia, groups: ['elsewhere'] });
    const second = await signIn('corporate', mia);
    expect(second.tokens).toBeDefined();
    const after = await http().get('/api/v1/orgs').set(authHeader(second.tokens!.accessToken));
    expect(after.body.items).toEqual([]);
  });

  it('keeps password sign-in from SSO users of an organization that requires SSO', async () => {
    const local = await createUser(t, { email: 'max@northlight.test' });
    const max = person({ login: 'max', email: local.email, groups: ['artists'] });
    studio.account(max);
    await signIn(slug, max);
    await login(t, local.email, local.password);
    const required = await http().patch(orgApi()).set(tenant.admin.auth).send({ ssoRequired: true });
    expect(required.status).toBe(200);
    expect(required.body.ssoRequired).toBe(true);
    try {
      const refused = await http().post('/api/v1/auth/login').send({ email: local.email, password: local.password });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: 'sso_required', providers: [slug] });
      // A wrong password still answers as any wrong password: the rule reveals nothing.
      const wrong = await http()
        .post('/api/v1/auth/login')
        .send({ email: local.email, password: 'not-the-password-1' });
      expect(wrong.body.code).toBe('credentials_invalid');
      // Members without an SSO identity keep their password; SSO still works for Max.
      await login(t, tenant.developer.email, tenant.developer.password);
      expect((await signIn(slug, max)).tokens).toBeDefined();
    } finally {
      await http().patch(orgApi()).set(tenant.admin.auth).send({ ssoRequired: false });
    }
  });

  it('hands the front-end a single-use login code, bound to its verifier when it sent a challenge', async () => {
    const ned = person({ login: 'ned', groups: ['artists'] });
    studio.account(ned);
    const browser = new TestBrowser();
    const first = await finishSignIn(browser, await signInUntilCallback(browser, api, slug, creds(ned)));
    const exchange = (body: Record<string, string>) => http().post('/api/v1/auth/oidc/exchange').send(body);
    expect((await exchange({ code: first.code! })).status).toBe(200);
    const reused = await exchange({ code: first.code! });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('sso_code_invalid');

    const verifier = 'v'.repeat(20) + Math.random().toString(36).slice(2).padEnd(30, 'x');
    const challenge = (await import('node:crypto')).createHash('sha256').update(verifier).digest('base64url');
    const bound = await finishSignIn(
      browser,
      await signInUntilCallback(browser, api, slug, creds(ned), { query: { challenge } }),
    );
    const without = await exchange({ code: bound.code! });
    expect(without.body.code).toBe('sso_code_invalid');
    // The failed attempt burnt the code: a stolen code is worth one try, and only with the verifier.
    const bound2 = await finishSignIn(
      browser,
      await signInUntilCallback(browser, api, slug, creds(ned), { query: { challenge } }),
    );
    expect((await exchange({ code: bound2.code!, verifier })).status).toBe(200);
    expect((await exchange({ code: 'x'.repeat(43) })).body.code).toBe('sso_code_invalid');
    expect((await exchange({})).body.code).toBe('validation_failed');
    expect((await exchange({ code: first.code!, verifier: 'short' })).body.code).toBe('validation_failed');
    const badChallenge = await http().get(`/api/v1/auth/oidc/${slug}/authorize`).query({ challenge: 'not-base64url!' });
    expect(badChallenge.status).toBe(400);
    expect(badChallenge.body.code).toBe('validation_failed');
    const unknown = await http().get('/api/v1/auth/oidc/no-such-provider/authorize');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('sso_provider_not_found');
  });

  it('ends on one account when the first two sign-ins of a person race', async () => {
    const oz = person({ login: 'oz', groups: ['artists'] });
    studio.account(oz);
    const browsers = [new TestBrowser(), new TestBrowser()];
    const callbacks = await Promise.all(browsers.map((b) => signInUntilCallback(b, api, slug, creds(oz))));
    const results = await Promise.all(browsers.map((b, i) => finishSignIn(b, callbacks[i])));
    expect(results.map((r) => r.error ?? 'ok')).toEqual(['ok', 'ok']);
    const { rows } = await t.env.db.query(
      `SELECT u.id, (SELECT count(*)::int FROM user_identity i WHERE i.user_id = u.id) AS identities
         FROM user_account u WHERE lower(u.email) = $1`,
      [oz.email],
    );
    expect(rows).toEqual([{ id: expect.any(String), identities: 1 }]);
  });

  it('forgets an erased person’s identity: signing in again starts a new account', async () => {
    const ula = person({ login: 'ula', groups: ['artists'] });
    studio.account(ula);
    const first = await signIn(slug, ula);
    const erasedId = (await me(first.tokens!.accessToken)).id as string;
    const operator = await createUserAndLogin(t, { platformAdmin: true });
    const erased = await http().delete(`/api/v1/users/${erasedId}`).set(authHeader(operator.tokens));
    expect(erased.status).toBe(200);
    const { rows } = await t.env.db.query(`SELECT 1 FROM user_identity WHERE user_id = $1`, [erasedId]);
    expect(rows).toHaveLength(0);
    const again = await signIn(slug, ula);
    const profile = await me(again.tokens!.accessToken);
    expect(profile.id).not.toBe(erasedId);
    expect(profile.email).toBe(ula.email);
  });

  it('refuses a disabled account', async () => {
    const pat = person({ login: 'pat', groups: ['artists'] });
    studio.account(pat);
    const first = await signIn(slug, pat);
    const userId = (await me(first.tokens!.accessToken)).id as string;
    await t.env.db.query(`UPDATE user_account SET status = 'disabled' WHERE id = $1`, [userId]);
    expect((await signIn(slug, pat)).error).toBe('account_disabled');
  });

  it('lets organization admins manage providers, never showing the secret, and audits each change', async () => {
    const list = await http().get(orgApi('/sso/providers')).set(tenant.admin.auth);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: providerId,
        slug,
        clientSecretSet: true,
        authorizePath: `/api/v1/auth/oidc/${slug}/authorize`,
      }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(clientSecret);
    const { rows } = await t.env.db.query(`SELECT client_secret_enc FROM oidc_provider WHERE id = $1`, [providerId]);
    expect(rows[0].client_secret_enc).not.toContain(clientSecret);

    const denied = await http().get(orgApi('/sso/providers')).set(tenant.developer.auth);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('org:manage');

    const bad = (body: Record<string, unknown>) =>
      http().post(orgApi('/sso/providers')).set(tenant.admin.auth).send(body);
    const base = {
      slug: 'second',
      name: 'Second',
      issuer: studio.issuer,
      clientId: 'fusiongate',
      allowedDomains: ['northlight.test'],
    };
    expect((await bad({ ...base, slug: 'Bad Slug' })).body.code).toBe('validation_failed');
    expect((await bad({ ...base, allowedDomains: [] })).body.code).toBe('validation_failed');
    expect((await bad({ ...base, slug })).body.code).toBe('sso_provider_slug_taken');
    expect((await bad({ ...base, slug: 'corporate' })).body.code).toBe('sso_provider_slug_taken');
    expect((await bad({ ...base, roleMappings: [{ value: 'x', role: 'no-such-role' }] })).body.code).toBe(
      'role_not_found',
    );
    const unreachable = await bad({ ...base, issuer: 'http://127.0.0.1:9/nothing-here' });
    expect(unreachable.status).toBe(422);
    expect(unreachable.body.code).toBe('sso_issuer_unreachable');

    const patched = await http()
      .patch(orgApi(`/sso/providers/${providerId}`))
      .set(tenant.admin.auth)
      .send({ name: 'Northlight SSO', defaultRole: 'guest' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Northlight SSO', defaultRole: 'guest', clientSecretSet: true });
    await t.app.get(AuditService).flush();
    const audit = await http().get(orgApi('/audit')).query({ resourceId: providerId }).set(tenant.admin.auth);
    const events = audit.body.items as { action: string; details: Record<string, unknown> }[];
    expect(events.map((e) => e.action)).toEqual(['sso.provider.updated', 'sso.provider.created']);
    expect(events[0].details).toMatchObject({
      before: { name: 'Northlight Keycloak', defaultRole: null },
      after: { name: 'Northlight SSO', defaultRole: 'guest' },
    });
    expect(JSON.stringify(audit.body)).not.toContain(clientSecret);

    // Another organization's admin sees nothing of it.
    const other = await createTenant(t);
    const foreign = await http().get(`/api/v1/orgs/${other.orgId}/sso/providers/${providerId}`).set(other.admin.auth);
    expect(foreign.status).toBe(404);
  });

  it('audits every SSO sign-in and refusal on the platform chain', async () => {
    const { rows } = await t.env.db.query(
      `SELECT action, outcome, details FROM audit_event WHERE organization_id IS NULL AND details->>'method' = 'oidc' ORDER BY pos`,
    );
    const succeeded = rows.filter((r) => r.action === 'auth.login.succeeded');
    const failed = rows.filter((r) => r.action === 'auth.login.failed');
    expect(succeeded.length).toBeGreaterThan(5);
    expect(succeeded[0].details).toMatchObject({ provider: slug, amr: ['fed'] });
    expect(failed.map((r) => r.details.reason)).toEqual(
      expect.arrayContaining([
        'sso_no_role',
        'sso_grant_invalid',
        'sso_token_invalid',
        'sso_email_unverified',
        'sso_link_refused',
      ]),
    );
    expect(JSON.stringify(rows)).not.toContain(clientSecret);
  });

  it('forgets a removed provider', async () => {
    const removed = await http()
      .delete(orgApi(`/sso/providers/${providerId}`))
      .set(tenant.admin.auth);
    expect(removed.status).toBe(204);
    const start = await new TestBrowser().request(`${api}/api/v1/auth/oidc/${slug}/authorize`);
    expect(start.status).toBe(404);
    expect(((await start.json()) as { code: string }).code).toBe('sso_provider_not_found');
    const { rows } = await t.env.db.query(`SELECT count(*)::int AS n FROM user_identity WHERE provider_id IS NOT NULL`);
    expect(rows[0].n).toBe(0);
  });
});

describe('single sign-on without a front-end URL, and starts per address', () => {
  let t: TestApp;
  let idp: TestIdentityProvider;
  let api: string;

  beforeAll(async () => {
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider([
      { clientId: 'fg', clientSecret: 'limit-secret-1', redirectUri: `${api}/api/v1/auth/oidc/callback` },
    ]);
    t = await createTestApp({
      env: {
        ...FAST_AUTH_ENV,
        PUBLIC_URL: api,
        OIDC_ALLOW_HTTP: 'true',
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: 'fg',
        OIDC_CLIENT_SECRET: 'limit-secret-1',
        OIDC_AUTHORIZE_PER_MINUTE: '3',
      },
    });
    await t.app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  it('answers the login code as JSON when no front-end URL is configured', async () => {
    idp.account({
      sub: 'sub-script-user',
      login: 'script',
      password: 'idp-password-1',
      email: 'script@corp.test',
      emailVerified: true,
      name: 'Script',
      groups: [],
    });
    const browser = new TestBrowser();
    const callback = await signInUntilCallback(browser, api, 'sso', { login: 'script', password: 'idp-password-1' });
    const result = await finishSignIn(browser, callback);
    expect(result).toMatchObject({ status: 200, body: { loginCode: expect.any(String), expiresIn: 60 } });
    const { loginCode } = result.body as { loginCode: string };
    const tokens = await request(t.app.getHttpServer()).post('/api/v1/auth/oidc/exchange').send({ code: loginCode });
    expect(tokens.status).toBe(200);
    const me = await request(t.app.getHttpServer()).get('/api/v1/auth/me').set(authHeader(tokens.body.accessToken));
    expect(me.body.email).toBe('script@corp.test');
  });

  it('lets one address start only OIDC_AUTHORIZE_PER_MINUTE sign-ins a minute, even all at once', async () => {
    await t.env.redis.client.del(
      `${t.env.redis.prefix}:sso:starts:127.0.0.1`,
      `${t.env.redis.prefix}:sso:starts:::ffff:127.0.0.1`,
    );
    await Promise.all(
      (await t.env.redis.client.keys(`${t.env.redis.prefix}:sso:flow:*`)).map((k) => t.env.redis.client.del(k)),
    );
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => request(t.app.getHttpServer()).get('/api/v1/auth/oidc/sso/authorize')),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([302, 302, 302, 429, 429, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.code).toBe('too_many_attempts');
    expect(refused.headers['retry-after']).toBe('60');
    const keys = await t.env.redis.client.keys(`${t.env.redis.prefix}:sso:flow:*`);
    expect(keys).toHaveLength(3);
  });
});
