import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { createFusiongateClient, type Problem } from '../../clients/typescript/src/index.js';
import { quickstart, type QuickstartResult } from '../../clients/typescript/examples/quickstart.js';
import { buildArcFaceModel, buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { ensureRealFixtures } from '../fixtures/real-fixtures.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createUser, totpCode, type TestUser } from '../support/identity.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';

/**
 * The typed TypeScript client (clients/typescript) as a frontend team uses it, over a real socket
 * against the whole API and a real worker process: the quickstart example end to end, and errors
 * narrowed to the Problem the contract promises.
 */
describe('TypeScript client', () => {
  let t: TestApp;
  let baseUrl: string;
  let admin: TestUser;
  let worker: WorkerProcess | undefined;
  // A TOTP code works once: the quickstart signs in with the current one, this with the next.
  let signedIn: Promise<string> | undefined;
  const adminToken = () =>
    (signedIn ??= (async () => {
      const { data, error } = await createFusiongateClient(baseUrl).POST('/api/v1/auth/login', {
        body: { email: admin.email, password: admin.password, totp: await totpCode(admin.totpSecret!, 1) },
      });
      if (error) throw new Error(`sign-in refused: ${error.code}`);
      return data.accessToken;
    })());

  beforeAll(async () => {
    ensureBuild();
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    admin = await createUser(t, { platformAdmin: true, mfa: true });
    worker = await startWorker(t.env);
  }, 240_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  describe('the quickstart example', () => {
    let result: QuickstartResult;
    const lines: string[] = [];
    let totpAsked = 0;

    beforeAll(async () => {
      const fixtures = ensureRealFixtures();
      result = await quickstart({
        baseUrl,
        email: admin.email,
        password: admin.password,
        totp: () => {
          totpAsked++;
          return totpCode(admin.totpSecret!);
        },
        organization: { name: 'Quickstart Studio', slug: 'quickstart-studio' },
        models: {
          detector: readFileSync(fixtures.ultraface.path),
          recognizer: buildArcFaceModel(0.03),
          swapper: buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }),
        },
        source: readFileSync(fixtures.photos.sample2),
        target: readFileSync(fixtures.photos.sample1),
        log: (line) => lines.push(line),
      });
    }, 180_000);

    it('signs an MFA administrator in with a TOTP code after the mfa_required Problem', () => {
      expect(totpAsked).toBe(1);
      expect(lines[0]).toMatch(/^signed in; the access token lasts \d+ s$/);
    });

    it('creates the organization and three production models the API then lists', async () => {
      const client = createFusiongateClient(baseUrl, await adminToken());
      const orgs = await client.GET('/api/v1/orgs');
      expect(orgs.data?.items.map((o) => o.slug)).toContain('quickstart-studio');
      const models = await client.GET('/api/v1/orgs/{orgId}/models', {
        params: { path: { orgId: result.organizationId } },
      });
      expect(models.data?.items.map((m) => m.kind).sort()).toEqual([
        'face_detector',
        'face_recognizer',
        'face_swapper',
      ]);
      const versions = await client.GET('/api/v1/orgs/{orgId}/models/{modelId}/versions', {
        params: { path: { orgId: result.organizationId, modelId: result.swapperId } },
      });
      expect(versions.data?.items).toEqual([expect.objectContaining({ version: 1, stage: 'production' })]);
    });

    it('submits a fusion, waits for it and downloads the watermarked JPEG whose SHA-256 it checked', async () => {
      expect(result.job).toMatchObject({ status: 'completed', result: { format: 'jpeg' } });
      const image = await sharp(Buffer.from(result.image)).metadata();
      expect(image.format).toBe('jpeg');
      expect([image.width, image.height]).toEqual([result.job.result!.width, result.job.result!.height]);
      expect(result.sha256).toBe(result.job.result!.sha256);
      expect(lines.at(-1)).toContain(`SHA-256 ${result.sha256}`);
    });
  });

  describe('errors', () => {
    it('narrows `error` to a Problem: a 401 without a token, with WWW-Authenticate', async () => {
      const { data, error, response } = await createFusiongateClient(baseUrl).GET('/api/v1/orgs');
      expect(data).toBeUndefined();
      const problem: Problem | undefined = error;
      expect(problem).toMatchObject({
        status: 401,
        code: 'token_missing',
        type: 'urn:fusiongate:problem:token_missing',
      });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="fusiongate"');
      expect(problem?.requestId).toBe(response.headers.get('x-request-id'));
    });

    it('lists each invalid field of a 400 in errors[]', async () => {
      const client = createFusiongateClient(baseUrl, await adminToken());
      const { error, response } = await client.POST('/api/v1/orgs', { body: { name: '', slug: 'Not A Slug' } });
      expect(response.status).toBe(400);
      expect(error?.code).toBe('validation_failed');
      expect(error?.errors?.map((e) => e.field).sort()).toEqual(['name', 'slug']);
    });
  });
});
