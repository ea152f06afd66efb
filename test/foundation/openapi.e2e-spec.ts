import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';

type Parameter = { name: string; in: string; required?: boolean; schema?: { type?: string; format?: string } };

/** What an administrator meets in Swagger UI: every operation can be filled in and tried. */
describe('OpenAPI document', () => {
  let t: TestApp;
  let spec: { paths: Record<string, Record<string, { parameters?: Parameter[]; security?: unknown[] }>> };

  beforeAll(async () => {
    t = await createTestApp();
    spec = (await request(t.app.getHttpServer()).get('/docs-json')).body;
  });
  afterAll(() => t.close());

  it('declares every path placeholder as a required path parameter', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(item)) {
        for (const name of names) {
          const param = operation.parameters?.find((p) => p.in === 'path' && p.name === name);
          if (!param?.required) missing.push(`${method.toUpperCase()} ${path} {${name}}`);
        }
      }
    }
    expect(missing).toEqual([]);
    const modelRoute = spec.paths['/api/v1/orgs/{orgId}/models/{modelId}/versions/{version}'];
    expect(modelRoute.get.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'orgId', schema: { type: 'string', format: 'uuid' } }),
        expect.objectContaining({ name: 'version', in: 'path', required: true }),
      ]),
    );
  });

  it('documents the tenant routes under /api/v1/orgs/{orgId}', () => {
    const tenantPaths = Object.keys(spec.paths).filter((p) => p.startsWith('/api/v1/orgs/{orgId}'));
    expect(tenantPaths).toEqual(
      expect.arrayContaining([
        '/api/v1/orgs/{orgId}/members',
        '/api/v1/orgs/{orgId}/roles',
        '/api/v1/orgs/{orgId}/models',
        '/api/v1/orgs/{orgId}/audit',
        '/api/v1/orgs/{orgId}/authz/check',
      ]),
    );
  });
});
