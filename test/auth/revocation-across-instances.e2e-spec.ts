import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '#libs/database';
import { createTestEnvironment, type TestEnvironment } from '../support/app.js';
import { eventually } from '../support/eventually.js';
import { strongPassword, totpCode } from '../support/identity.js';
import { awayFromTotpStepEdge } from '../support/people.js';
import { ensureBuild } from '../support/workers.js';
import { FAST_AUTH_ENV } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Revocation must reach every API instance within this long. */
const PROPAGATION_MS = 1_000;

interface Api {
  url: string;
  child: ChildProcess;
  output(): string;
}

/** `node dist/apps/api/src/main.js`, as an operator runs each replica, on the shared services. */
async function startApi(env: TestEnvironment): Promise<Api> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${root}dist/apps/api/src/main.js`], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...env.variables({ ...FAST_AUTH_ENV, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout!.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => chunks.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const output = () => chunks.join('');
  await eventually(
    `API on port ${port} answering`,
    async () => {
      if (child.exitCode !== null) throw new Error(`API exited:\n${output()}`);
      const res = await fetch(`${url}/health/live`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return { url, child, output };
}

function stop(api: Api | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!api || api.child.exitCode !== null) return resolve();
    api.child.once('exit', () => resolve());
    api.child.kill('SIGTERM');
  });
}

async function call(
  api: Api,
  method: string,
  path: string,
  options: { token?: string; apiKey?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function signIn(api: Api, email: string, password: string): Promise<string> {
  const res = await call(api, 'POST', '/auth/login', { body: { email, password } });
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

/**
 * Two API processes on one PostgreSQL and one Redis: a session ended through one of them is refused
 * by the other within a second, although each keeps the state of sessions in memory.
 */
describe('revocation across API instances', () => {
  let env: TestEnvironment;
  let a: Api;
  let b: Api;
  let adminToken: string;
  const admin = { email: 'ops@studio.test', password: strongPassword() };
  const user = { id: '', email: 'ada@studio.test', password: strongPassword() };

  beforeAll(async () => {
    ensureBuild();
    env = await createTestEnvironment();
    const created = spawnSync(
      process.execPath,
      [`${root}dist/src/cli/main.js`, 'bootstrap-admin', '--email', admin.email, '--password-stdin'],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env.variables(FAST_AUTH_ENV) },
        input: `${admin.password}\n`,
        encoding: 'utf8',
      },
    );
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    [a, b] = await Promise.all([startApi(env), startApi(env)]);

    // The administrator creates an account on one instance; its owner sets the password on the other.
    adminToken = await signIn(a, admin.email, admin.password);
    const account = await call(a, 'POST', '/users', { token: adminToken, body: { email: user.email } });
    expect(account.status).toBe(201);
    user.id = account.body.id as string;
    const setupToken = (account.body.setup as { token: string }).token;
    expect(
      (await call(b, 'POST', '/auth/password/reset', { body: { token: setupToken, password: user.password } })).status,
    ).toBe(200);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    await env?.close();
  });

  /** Signs the user in and proves the token works on both instances (so both hold its session). */
  async function signedInOnBoth(): Promise<string> {
    const token = await signIn(a, user.email, user.password);
    for (const api of [a, b, a, b]) expect((await call(api, 'GET', '/auth/me', { token })).status).toBe(200);
    return token;
  }

  /** The first answer of `api` to the credential that is not 200, within PROPAGATION_MS. */
  function refusedWithinASecond(
    api: Api,
    token: string,
    as: 'token' | 'apiKey' = 'token',
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    return eventually(
      `refusal on ${api.url}`,
      async () => {
        const res = await call(api, 'GET', '/auth/me', { [as]: token });
        return res.status === 200 ? undefined : res;
      },
      { timeoutMs: PROPAGATION_MS, intervalMs: 20 },
    );
  }

  it('signing out on one instance ends the session on the other', async () => {
    const token = await signedInOnBoth();
    expect((await call(a, 'POST', '/auth/logout', { token })).status).toBe(204);
    const refused = await refusedWithinASecond(b, token);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('token_invalid');
    expect((await call(a, 'GET', '/auth/me', { token })).status).toBe(401);
  });

  it('an administrator revoking the sessions on one instance ends them on the other', async () => {
    const first = await signedInOnBoth();
    const second = await signedInOnBoth();
    const revoked = await call(b, 'POST', `/users/${user.id}/sessions/revoke`, { token: adminToken });
    expect(revoked.status).toBe(200);
    for (const token of [first, second]) {
      const refused = await refusedWithinASecond(a, token);
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('token_invalid');
    }
    // Only that account: the administrator's own session goes on working on both.
    for (const api of [a, b]) expect((await call(api, 'GET', '/auth/me', { token: adminToken })).status).toBe(200);
  });

  it('disabling the account on one instance refuses it on the other, and enabling it lets it back', async () => {
    const token = await signedInOnBoth();
    const disabled = await call(a, 'PATCH', `/users/${user.id}`, { token: adminToken, body: { status: 'disabled' } });
    expect(disabled.status).toBe(200);
    const refused = await refusedWithinASecond(b, token);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('token_invalid');
    expect(
      (await call(a, 'PATCH', `/users/${user.id}`, { token: adminToken, body: { status: 'active' } })).status,
    ).toBe(200);
    await signedInOnBoth();
  });

  it('revoking an API key on one instance refuses it on the other', async () => {
    const org = await call(a, 'POST', '/orgs', {
      token: adminToken,
      body: { name: 'Render farm', slug: 'render-farm' },
    });
    expect(org.status).toBe(201);
    // An organization's admin role requires two factors: the administrator enrols TOTP and signs in with it.
    const setup = await call(a, 'POST', '/auth/mfa/setup', { token: adminToken });
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    await awayFromTotpStepEdge();
    const enabled = await call(a, 'POST', '/auth/mfa/enable', {
      token: adminToken,
      body: { code: await totpCode(secret, -1) },
    });
    expect(enabled.status).toBe(200);
    const signedIn = await call(b, 'POST', '/auth/login', {
      body: { email: admin.email, password: admin.password, totp: await totpCode(secret) },
    });
    expect(signedIn.status).toBe(200);
    const orgAdmin = signedIn.body.accessToken as string;

    const created = await call(a, 'POST', `/orgs/${org.body.id as string}/api-keys`, {
      token: orgAdmin,
      body: { name: 'nightly', permissions: ['model:read'] },
    });
    expect(created.status).toBe(201);
    const apiKey = created.body.secret as string;
    for (const api of [a, b, a, b]) expect((await call(api, 'GET', '/auth/me', { apiKey })).status).toBe(200);
    const keyId = created.body.id as string;
    expect(
      (await call(b, 'DELETE', `/orgs/${org.body.id as string}/api-keys/${keyId}`, { token: orgAdmin })).status,
    ).toBe(204);
    const refused = await refusedWithinASecond(a, apiKey, 'apiKey');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('token_invalid');
  });
});
