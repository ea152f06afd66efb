import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A person known to the test identity provider. */
export interface IdpAccount {
  /** The provider's stable subject (`sub`), never an email here. */
  sub: string;
  /** What the person types on the provider's login page. */
  login: string;
  password: string;
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

export interface IdpClient {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

export interface TestIdentityProvider {
  issuer: string;
  /** Adds or replaces a person (their groups can be changed between sign-ins). */
  account(account: IdpAccount): void;
  close(): Promise<void>;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A real OpenID Connect provider (`oidc-provider`) on a random loopback port, with a login page
 * of its own: the person types login and password (or cancels), and ticks "second factor" when they used one
 * (the ID token then says `amr: ["pwd","otp"]`, `acr: "mfa"`). Consent is granted with the login.
 * As Okta and Google do by default, the ID token carries identity claims only; email and groups
 * come from userinfo.
 */
export async function startIdentityProvider(clients: IdpClient[]): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, IdpAccount>();
  // Its start-up warnings (Node 20 is not an LTS it lists, in-memory adapter, generated keys) are
  // expected for a test provider; anything else it says still shows.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!/^oidc-provider (WARNING|NOTICE)/.test(String(args[0]))) warn(...args);
  };
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = [...accounts.values()].find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          sub,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
          groups: account.groups,
        }),
      };
    },
    claims: {
      openid: ['sub', 'acr', 'amr'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-identity-provider-cookie-key'] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
  });
  console.warn = warn;
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (!submit) {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Sign in</title>
<form method="post" action="/interaction/${escape(uid)}/login">
  <input name="login" autocomplete="username"><input name="password" type="password">
  <label><input name="otp" type="checkbox" value="yes"> I used my second factor</label>
  <button type="submit">Sign in</button> <button type="submit" name="cancel" value="yes">Cancel</button>
</form>`);
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    if (form.get('cancel') === 'yes') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The person cancelled.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const account = [...accounts.values()].find((a) => a.login === form.get('login'));
    if (!account || account.password !== form.get('password')) {
      res.statusCode = 401;
      res.end('wrong login or password');
      return;
    }
    const otp = form.get('otp') === 'yes';
    const grant = new provider.Grant({ accountId: account.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    grant.addOIDCClaims(['amr', 'acr']);
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      {
        login: {
          accountId: account.sub,
          amr: otp ? ['pwd', 'otp'] : ['pwd'],
          acr: otp ? 'mfa' : 'pwd',
          remember: false,
        },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
    if (!match) return void callback(req, res);
    interaction(req, res, match[1], req.method === 'POST' && match[2] === '/login').catch((error: unknown) => {
      res.statusCode = 400;
      res.end(String(error));
    });
  });

  return {
    issuer,
    account: (account) => void accounts.set(account.sub, account),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
