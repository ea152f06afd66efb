import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { sortedDocument } from '../../apps/api/src/openapi-contract.js';
import { createOpenApiDocument } from '../../apps/api/src/openapi-document.js';
import { CLIENT_SCHEMA, OPENAPI_JSON, renderContractFiles } from '../../scripts/openapi-files.mjs';
import { createTestApp, type TestApp } from '../support/app.js';

const root = join(import.meta.dirname, '../..');
const FIX = 'Run `npm run openapi` and commit openapi.json and clients/typescript/src/schema.d.ts.';

type Response = { description: string; content?: Record<string, { schema?: { $ref?: string } }>; headers?: object };
type Operation = {
  operationId: string;
  security?: unknown[];
  requestBody?: unknown;
  parameters?: { in: string; name: string }[];
  responses: Record<string, Response>;
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

/** The committed contract (openapi.json and the client's types) is what the code produces. */
describe('OpenAPI contract', () => {
  let t: TestApp;
  let committed: Document;
  let operations: { path: string; method: string; op: Operation }[];

  beforeAll(async () => {
    t = await createTestApp();
    committed = JSON.parse(readFileSync(join(root, OPENAPI_JSON), 'utf8')) as Document;
    operations = Object.entries(committed.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
  });
  afterAll(() => t?.close());

  it('is committed as the code produces it', async () => {
    const files = await renderContractFiles(await createOpenApiDocument(), sortedDocument, root);
    for (const [path, content] of Object.entries(files)) {
      const onDisk = readFileSync(join(root, path), 'utf8');
      if (onDisk !== content) throw new Error(`${path} differs from what the code produces. ${FIX}`);
    }
    expect(Object.keys(files)).toEqual([OPENAPI_JSON, CLIENT_SCHEMA]);
  });

  it('is what the running API serves at /docs-json', async () => {
    const served = (await request(t.app.getHttpServer()).get('/docs-json')).body;
    expect(sortedDocument(served)).toEqual(committed);
  });

  it('gives every error response the Problem schema as application/problem+json, and X-Request-Id', () => {
    const wrong = operations.flatMap(({ op }) =>
      Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(
          ([, r]) =>
            r.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/Problem' ||
            !('X-Request-Id' in (r.headers ?? {})),
        )
        .map(([status]) => `${op.operationId} ${status}`),
    );
    expect(wrong).toEqual([]);
  });

  it('declares 401 and 403 on secured routes, 400 on input, 404 on paths with ids, 503 everywhere', () => {
    const missing: string[] = [];
    for (const { path, op } of operations) {
      const has = (status: string) => status in op.responses || missing.push(`${op.operationId} ${status}`);
      const secured = !(op.security && op.security.length === 0);
      if (secured) has('401');
      if (secured && path.startsWith('/api/v1/orgs/{orgId}')) has('403');
      if (op.requestBody || op.parameters?.some((p) => p.in === 'query')) has('400');
      if (path.includes('{')) has('404');
      has('500');
      has('503');
    }
    expect(missing).toEqual([]);
  });

  it('names operations in camelCase, once each, and schemas without Dto', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z]+$/.test(id))).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['listModels', 'createOrganization', 'getModelVersion', 'login']));
    expect(Object.keys(committed.components.schemas).filter((name) => /Dto$/.test(name))).toEqual([]);
  });

  it('names every enum (a component schema), integers and date-times', () => {
    const problems: string[] = [];
    const walk = (node: unknown, where: string, key = ''): void => {
      if (!node || typeof node !== 'object') return;
      const schema = node as { enum?: unknown; type?: string; format?: string };
      const named = /^#\/components\/schemas\/[^/]+$/.test(where);
      if (schema.enum && !named) problems.push(`inline enum at ${where}: name it in ENUM_ANCHORS`);
      if (schema.type === 'number' && schema.format !== 'double') problems.push(`number without format at ${where}`);
      if (/At$/.test(key) && schema.type === 'string' && schema.format !== 'date-time')
        problems.push(`${where} is not a date-time`);
      for (const [k, v] of Object.entries(node)) {
        if (k !== 'example' && k !== 'examples') walk(v, `${where}/${k}`, k);
      }
    };
    walk(committed.paths, '#/paths');
    walk(committed.components.schemas, '#/components/schemas');
    expect(problems).toEqual([]);
    expect(committed.components.schemas.ModelStage).toEqual({
      type: 'string',
      enum: ['draft', 'staging', 'production', 'archived'],
    });
  });
});
