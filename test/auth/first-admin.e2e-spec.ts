import { readFile, stat } from 'node:fs/promises';
import { jest } from '@jest/globals';
import { join } from 'node:path';
import request from 'supertest';
import { bootstrapAdminCommand } from '../../src/cli/commands/bootstrap-admin.command.js';
import { ensureFirstAdmin, FIRST_ADMIN_FILE } from '../../src/cli/commands/first-admin.js';
import { createTestApp, createTestEnvironment, type TestEnvironment } from '../support/app.js';
import { FAST_AUTH_ENV } from './support.js';

/**
 * The first start of an empty installation tells its operator where to sign in: the credentials
 * file (no terminal under Jest) points to Swagger UI on this API.
 */
describe('first administrator message', () => {
  const environments: TestEnvironment[] = [];
  afterAll(() => Promise.all(environments.map((env) => env.close())));

  async function firstStart(variables: Record<string, string>): Promise<{ env: TestEnvironment; text: string }> {
    const env = await createTestEnvironment();
    environments.push(env);
    await ensureFirstAdmin(env.config({ ...FAST_AUTH_ENV, ...variables }));
    const file = join(env.dataDir, FIRST_ADMIN_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    return { env, text: await readFile(file, 'utf8') };
  }

  it('points to /docs on the listener, and the credentials it holds sign in there', async () => {
    const { env, text } = await firstStart({ PORT: '4310' });
    expect(text).toContain('Open Swagger UI at http://localhost:4310/docs');
    expect(text).toMatch(/POST \/api\/v1\/auth\/login .*Authorize/);
    const email = /email: (\S+)/.exec(text)![1];
    const password = /password: (\S+)/.exec(text)![1];
    const t = await createTestApp({ environment: env, env: FAST_AUTH_ENV });
    try {
      const login = await request(t.app.getHttpServer()).post('/api/v1/auth/login').send({ email, password });
      expect(login.status).toBe(200);
      expect(login.body.accessToken).toEqual(expect.any(String));
    } finally {
      await t.close();
    }
  });

  it('points to PUBLIC_URL when the API is reached through it', async () => {
    const { text } = await firstStart({ PUBLIC_URL: 'https://fusiongate.studio.example/' });
    expect(text).toContain('Open Swagger UI at https://fusiongate.studio.example/docs');
  });

  it('bootstrap-admin points to /docs too', async () => {
    const env = await createTestEnvironment();
    environments.push(env);
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    await bootstrapAdminCommand(
      { email: 'ops@studio.test' },
      env.config({ ...FAST_AUTH_ENV, PORT: '4311', HOST: '10.1.2.3' }),
    ).finally(() => write.mockRestore());
    expect(printed.join('')).toContain('Open Swagger UI at http://10.1.2.3:4311/docs: POST /api/v1/auth/login');
  });
});
