import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import request from 'supertest';
import { UNPREFIXED_ROUTES } from '../../apps/api/src/bootstrap.js';
import { SigningKeyService } from '#libs/auth';
import { createTestApp, type TestApp } from '../support/app.js';
import { listRoutes, type RouteInfo } from '../support/routes.js';
import { authHeader, createUserAndLogin, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

/**
 * "Every bad input gets a clear problem+json error and loses nothing; nothing crashes." The cases
 * are generated from the live route list and the OpenAPI document, so a new route, body field or
 * query parameter is covered without editing this file. Every request is made as the organization's
 * admin (who holds every permission, and is a platform admin too), so a refusal is about the input,
 * not about access.
 */

/** One request as the cases describe it (fastify's `inject` cannot load under Jest's ESM runtime). */
interface InjectOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer | object;
}

interface Reply {
  statusCode: number;
  headers: Record<string, string | undefined>;
  text: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maxLength?: number;
  nullable?: boolean;
  example?: unknown;
  $ref?: string;
  allOf?: Schema[];
}

interface Operation {
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const HUGE = 'x'.repeat(100 * 1024);
const CODE_RE = /^[a-z][a-z0-9_:.*-]*$/;

/** Path-segment values no route should choke on, already percent-encoded as a client would send them. */
const BAD_SEGMENTS = [
  'not-a-uuid',
  '0',
  '-1',
  '1.5',
  '99999999999999999999',
  '00000000-0000-0000-0000-000000000000',
  '12345678-1234-1234-1234-1234567890ab0',
  'y'.repeat(99),
  'z'.repeat(5000),
  '..%2F..',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  encodeURIComponent('ünïcødé-模型-😀'),
  '%00',
  '%E0%A4%A',
  encodeURIComponent("' OR 1=1 --"),
];

/** Segments the router refuses before any route is chosen. */
const URL_LEVEL: Record<string, number[]> = { '%E0%A4%A': [400], ['z'.repeat(5000)]: [414] };

describe('bad input anywhere in the HTTP API', () => {
  let t: TestApp;
  let tenant: Tenant;
  let spec: OpenApi;
  let routes: RouteInfo[];
  /** A real resource for each path parameter, so the checks reach past "not found". */
  const ids: Record<string, string> = {};
  let before: Record<string, unknown>;
  let apiKeySecret: string;

  async function send(options: InjectOptions): Promise<Reply> {
    const method = options.method.toLowerCase() as 'get';
    // A string payload is JSON unless a case says otherwise (supertest would call it a form).
    const headers =
      typeof options.payload === 'string'
        ? { 'content-type': 'application/json', ...options.headers }
        : options.headers;
    let req = request(t.app.getHttpServer())
      [method](options.url)
      .set(headers ?? {});
    if (options.payload !== undefined) req = req.send(options.payload);
    const res = await req.buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
    const text = res.body as string;
    return { statusCode: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }
  const inject = (options: InjectOptions) =>
    send({ ...options, headers: { ...tenant.admin.auth, ...options.headers } });

  const openApiPath = (route: RouteInfo) => {
    const unprefixed = UNPREFIXED_ROUTES.some((r) => `/${r.path}` === route.path);
    return (unprefixed ? '' : '/api/v1') + route.path.replace(/:([A-Za-z]+)/g, '{$1}');
  };
  const operation = (route: RouteInfo): Operation | undefined =>
    spec.paths[openApiPath(route)]?.[route.method.toLowerCase()];
  const url = (route: RouteInfo, override: Record<string, string> = {}) => {
    const prefix = UNPREFIXED_ROUTES.some((r) => `/${r.path}` === route.path) ? '' : '/api/v1';
    return (
      prefix + route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => override[name] ?? ids[name] ?? randomUUID())
    );
  };
  /** Ids that match nothing for every parameter but the organization: the request cannot change anything. */
  const nothing = (route: RouteInfo) =>
    Object.fromEntries(
      [...route.path.matchAll(/:([A-Za-z]+)/g)]
        .filter(([, name]) => name !== 'orgId')
        .map(([, name]) => [name, name === 'version' ? '987654' : randomUUID()]),
    );
  const resolve = (schema: Schema | undefined): Schema => {
    // A named enum with its own description or nullability: `{ allOf: [{ $ref }], nullable }`.
    if (schema?.allOf?.length === 1) {
      const { allOf, ...own } = schema;
      return { ...own, ...resolve(allOf[0]) };
    }
    if (!schema?.$ref) return schema ?? {};
    return resolve(spec.components.schemas[schema.$ref.split('/').pop()!]);
  };
  const jsonBody = (route: RouteInfo): Schema | undefined => {
    const schema = operation(route)?.requestBody?.content['application/json']?.schema;
    return schema ? resolve(schema) : undefined;
  };
  const queryParams = (route: RouteInfo) => (operation(route)?.parameters ?? []).filter((p) => p.in === 'query');

  /** Why a response breaks the rule, or undefined when it is a proper problem (or, if allowed, a success). */
  function violation(res: Reply, method: string, allowSuccess = false): string | undefined {
    if (res.statusCode < 400) return allowSuccess ? undefined : `accepted with ${res.statusCode}`;
    if (res.statusCode >= 500) return `${res.statusCode} ${res.text.slice(0, 200)}`;
    if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
      return `${res.statusCode} as ${res.headers['content-type']}: ${res.text.slice(0, 200)}`;
    // HEAD answers carry the headers of the problem, never its body.
    if (method === 'HEAD') return undefined;
    const body = res.json() as { code?: unknown; status?: unknown };
    if (typeof body.code !== 'string' || !CODE_RE.test(body.code)) return `${res.statusCode} without a stable code`;
    if (body.status !== res.statusCode) return `${res.statusCode} but the problem says status ${String(body.status)}`;
    return undefined;
  }

  /** Runs the cases in small batches and returns one line per response that breaks the rule. */
  async function check(
    cases: {
      label: string;
      request: InjectOptions;
      allowSuccess?: boolean;
      field?: string;
      statuses?: number[];
      code?: string;
    }[],
  ): Promise<string[]> {
    const failures: string[] = [];
    for (let i = 0; i < cases.length; i += 8) {
      const batch = cases.slice(i, i + 8);
      const responses = await Promise.all(batch.map((c) => inject(c.request)));
      responses.forEach((res, j) => {
        const c = batch[j];
        let problem = violation(res, c.request.method, c.allowSuccess);
        if (!problem && c.statuses && !c.statuses.includes(res.statusCode))
          problem = `${res.statusCode} ${res.json().code}, expected ${c.statuses.join(' or ')}`;
        if (!problem && c.code && res.json().code !== c.code) problem = `${res.json().code}, expected ${c.code}`;
        // A validation failure must name the field that was wrong, or the field was never validated.
        if (!problem && c.field && res.statusCode === 400 && res.json().code === 'validation_failed') {
          const named = (res.json().errors as { field: string }[]).some(
            (e) => e.field === c.field || e.field.startsWith(`${c.field}.`),
          );
          if (!named) problem = `400 validation_failed without naming ${c.field}`;
        }
        if (problem) failures.push(`${c.label} → ${problem}`);
      });
    }
    const ready = await send({ method: 'GET', url: '/health/ready' });
    if (ready.statusCode !== 200) failures.push(`/health/ready → ${ready.statusCode} afterwards`);
    return failures;
  }

  /** A body that passes the schema's shape: the base each single-field mutation starts from. */
  function sample(schema: Schema): unknown {
    const s = resolve(schema);
    if (s.enum?.length) return s.enum[0];
    if (s.type === 'string' && typeof s.example === 'string' && !s.format) return s.example;
    if (s.format === 'uuid') return randomUUID();
    if (s.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
    if (s.format === 'email') return `probe-${randomUUID().slice(0, 8)}@example.test`;
    if (s.type === 'string') return `probe-${randomUUID().slice(0, 8)}`;
    if (s.type === 'number' || s.type === 'integer' || s.minimum !== undefined) return s.minimum ?? 1;
    if (s.type === 'boolean') return false;
    if (s.type === 'array') return [];
    if (s.properties) {
      return Object.fromEntries((s.required ?? []).map((key) => [key, sample(s.properties![key])]));
    }
    return {};
  }

  /** Values of the wrong JSON type (and other impossible values) for a field of this schema. */
  function wrongValues(schema: Schema): [string, unknown][] {
    const s = resolve(schema);
    const out: [string, unknown][] = [];
    if (s.format === 'uuid') out.push(['not-a-uuid', 'not-a-uuid'], ['number', 42]);
    else if (s.format === 'date-time') out.push(['not-a-date', 'not-a-date'], ['number', 42]);
    else if (s.enum) out.push(['invalid-enum', 'not-a-valid-value'], ['number', 42], ['object', { $ne: null }]);
    else if (s.type === 'string') out.push(['number', 42], ['object', { $gt: '' }], ['array', ['a']], ['huge', HUGE]);
    else if (s.type === 'number' || s.type === 'integer' || s.minimum !== undefined)
      out.push(['string', 'abc'], ['negative', -1], ['fraction', 1.5], ['too-big', 1e300], ['boolean', true]);
    else if (s.type === 'boolean') out.push(['string', 'yes'], ['number', 1]);
    else if (s.type === 'array') {
      out.push(['string', 'a'], ['object', {}], ['array-of-null', [null]], ['array-of-object', [{ a: 1 }]]);
      const item = resolve(s.items);
      if (item.type === 'string' && !item.enum && !item.format) out.push(['array-of-huge', [HUGE]]);
      if (item.enum) out.push(['array-of-invalid-enum', ['not-a-valid-value']]);
    } else out.push(['string', 'x'], ['array', []], ['number', 42]);
    return out;
  }

  const json = (route: RouteInfo, body: unknown, headers: Record<string, string> = {}): InjectOptions => ({
    method: route.method,
    url: url(route),
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

  /** What the admin can list: must be identical before and after the bad input. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const route of routes) {
      // Sessions change by use (last used, sign-ins), like the audit trail; they are not listed data.
      // The account list shows last sign-in, which this suite's own sign-ins move.
      if (
        route.method !== 'GET' ||
        /audit|alerts|health|metrics|jwks|auth\/me|auth\/sessions|^\/users$/.test(route.path)
      )
        continue;
      const res = await inject({ method: 'GET', url: url(route) });
      if (res.statusCode !== 200 || !res.headers['content-type']?.toString().includes('json')) continue;
      const body = res.json();
      // A refused upload is kept as a `rejected` version, with the reason, by design.
      if (body.status === 'rejected') continue;
      if (Array.isArray(body.items))
        body.items = body.items.filter((i: { status?: string }) => i.status !== 'rejected');
      out[route.path] = body;
    }
    return out;
  }

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await createTenant(t);
    // The organization's admin is also a platform admin, so platform routes answer about the input too.
    const operator = await createUserAndLogin(t, { platformAdmin: true });
    await request(t.app.getHttpServer())
      .patch(`/api/v1/users/${tenant.admin.id}`)
      .set(authHeader(operator.tokens))
      .send({ isPlatformAdmin: true })
      .expect(200);
    spec = (await send({ method: 'GET', url: '/docs-json' })).json();
    routes = listRoutes(t.app);
    const org = `/api/v1/orgs/${tenant.orgId}`;
    const create = async (path: string, body: unknown) => {
      const res = await inject({ method: 'POST', url: `${org}/${path}`, payload: body as object });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    };
    ids.orgId = tenant.orgId;
    ids.userId = tenant.guest.id;
    for (const n of [1, 2]) {
      ids.projectId = await create('projects', { name: `Project ${n}`, slug: `project-${n}` });
      ids.roleId = await create('roles', { name: `role-${n}`, permissions: ['model:read'] });
      ids.policyId = await create('policies', {
        name: `policy ${n}`,
        effect: 'allow',
        actions: ['model:read'],
        principals: { all: true },
      });
      ids.keyId = await create('api-keys', { name: `key ${n}`, permissions: ['model:read'] });
      ids.modelId = await create('models', {
        name: `Model ${n}`,
        slug: `model-${n}`,
        kind: 'face_swapper',
        family: 'inswapper',
      });
    }
    ids.grantId = await create(`models/${ids.modelId}/grants`, {
      principalType: 'user',
      principalId: tenant.guest.id,
      permissions: ['view'],
    });
    ids.version = '1';
    const key = await inject({
      method: 'POST',
      url: `${org}/api-keys`,
      payload: { name: 'both', permissions: ['model:read'] },
    });
    apiKeySecret = key.json().secret;
    before = await snapshot();
  });
  afterAll(() => t.close());

  it('finds every route of the live route list in the OpenAPI document', () => {
    const undocumented = routes
      .filter((r) => !['/metrics'].includes(r.path))
      .filter((r) => !operation(r))
      .map((r) => `${r.method} ${r.path}`);
    expect(undocumented).toEqual([]);
  });

  it('answers a malformed path parameter exactly like a missing resource, on every route', async () => {
    const params = routes.flatMap((route) =>
      [...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({ route, name })),
    );
    // A valid body, so that the answer is about the path, not about the body.
    const request = ({ route, name }: (typeof params)[number], value: string): InjectOptions => {
      const schema = jsonBody(route);
      const upload = operation(route)?.requestBody?.content['application/octet-stream'];
      return {
        method: route.method,
        url: url(route, { [name]: value }),
        ...(upload
          ? { headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from('bytes') }
          : { payload: JSON.stringify(schema ? sample(schema) : {}) }),
      };
    };
    const missing = await Promise.all(
      params.map(async (p) => {
        const res = await inject(request(p, p.name === 'version' ? '987654' : randomUUID()));
        return { status: res.statusCode, code: res.json().code as string };
      }),
    );
    const failures: string[] = [];
    params.forEach((p, i) => {
      if (missing[i].status !== 404)
        failures.push(`${p.route.method} ${p.route.path} with no such ${p.name} → ${missing[i].status}`);
    });
    const cases = params.flatMap((p, i) =>
      BAD_SEGMENTS.map((value) => ({
        label: `${p.route.method} ${p.route.path} with ${p.name}=${value.slice(0, 40)}`,
        request: request(p, value),
        // A malformed id is "not found", with the same code as a well-formed id that matches
        // nothing, so it reveals nothing. Only a URL the router cannot read at all (bad
        // percent-encoding, an over-long segment) is refused as such.
        statuses: URL_LEVEL[value] ?? [404],
        code: URL_LEVEL[value] ? undefined : missing[i].code,
      })),
    );
    expect(cases.length).toBeGreaterThan(100);
    failures.push(...(await check(cases)));
    expect(failures).toEqual([]);
  });

  it('refuses wrong JSON types, impossible values, huge strings and invalid enums in each body field', async () => {
    const cases = routes.flatMap((route) => {
      const schema = jsonBody(route);
      if (!schema?.properties) return [];
      const base = sample(schema) as Record<string, unknown>;
      return Object.entries(schema.properties).flatMap(([field, fieldSchema]) => [
        ...wrongValues(fieldSchema).map(([kind, value]) => ({
          label: `${route.method} ${route.path} with ${field} ${kind}`,
          request: json(route, { ...base, [field]: value }),
          field,
        })),
        {
          label: `${route.method} ${route.path} with ${field} null`,
          request: json(route, { [field]: null }),
          allowSuccess: true,
        },
      ]);
    });
    expect(cases.length).toBeGreaterThan(100);
    expect(await check(cases)).toEqual([]);
  });

  it('refuses unknown fields, bodies that are not objects, empty bodies and wrong content types', async () => {
    const cases = routes.flatMap((route) => {
      const schema = jsonBody(route);
      if (!schema) return [];
      const base = sample(schema) as Record<string, unknown>;
      const label = `${route.method} ${route.path}`;
      const method = route.method;
      const optionalOnly = !schema.required?.length;
      return [
        { label: `${label} with an unknown field`, request: json(route, { ...base, organizationId: randomUUID() }) },
        {
          label: `${label} with __proto__`,
          request: { ...json(route, {}), payload: '{"__proto__":{"isAdmin":true}}' },
        },
        { label: `${label} with a JSON array`, request: json(route, [base]) },
        { label: `${label} with a JSON string`, request: json(route, 'text') },
        { label: `${label} with a JSON number`, request: json(route, 42) },
        { label: `${label} with JSON null`, request: json(route, null) },
        { label: `${label} with {}`, request: json(route, {}), allowSuccess: optionalOnly },
        { label: `${label} without a body`, request: { method, url: url(route) }, allowSuccess: optionalOnly },
        {
          label: `${label} with an empty JSON body`,
          request: { method, url: url(route), headers: { 'content-type': 'application/json' }, payload: '' },
          allowSuccess: optionalOnly,
        },
        { label: `${label} with broken JSON`, request: { ...json(route, {}), payload: '{"name": ' } },
        {
          label: `${label} as text/plain`,
          request: { method, url: url(route), headers: { 'content-type': 'text/plain' }, payload: 'hello' },
        },
        {
          label: `${label} as a form`,
          request: {
            method,
            url: url(route),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'name=x',
          },
        },
        {
          label: `${label} as multipart`,
          request: {
            method,
            url: url(route),
            headers: { 'content-type': 'multipart/form-data; boundary=b' },
            payload: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n',
          },
        },
      ];
    });
    // Uploads take raw bytes: anything else, or bytes that are not a model, is refused.
    for (const route of routes.filter((r) => operation(r)?.requestBody?.content['application/octet-stream'])) {
      const label = `${route.method} ${route.path}`;
      const method = route.method;
      cases.push(
        { label: `${label} with JSON`, request: json(route, { name: 'x' }) },
        {
          label: `${label} with no bytes`,
          request: { method, url: url(route), headers: { 'content-type': 'application/octet-stream' }, payload: '' },
        },
        {
          label: `${label} with garbage bytes`,
          request: {
            method,
            url: url(route),
            headers: { 'content-type': 'application/octet-stream' },
            payload: Buffer.from('not an onnx model'),
          },
        },
        {
          label: `${label} with a wrong digest`,
          request: {
            method,
            url: url(route),
            headers: { 'content-type': 'application/octet-stream', 'x-content-sha256': 'zz' },
            payload: Buffer.from('abc'),
          },
        },
      );
    }
    expect(cases.length).toBeGreaterThan(100);
    expect(await check(cases)).toEqual([]);
  });

  it('refuses bad query parameters: numbers, enums, dates, huge and repeated values', async () => {
    const cases = routes.flatMap((route) =>
      queryParams(route).flatMap(({ name, schema: raw }) => {
        const schema = resolve(raw);
        const values: string[] = [];
        if (schema.type === 'number' || schema.type === 'integer')
          values.push('-1', '0', '1.5', 'abc', '1e400', '99999999999999999999', '', 'NaN', 'Infinity');
        if (schema.enum) values.push('not-a-valid-value', '', encodeURIComponent(String(schema.enum[0]).toUpperCase()));
        if (schema.format === 'date-time') values.push('not-a-date', '2024-13-45T99:99:99Z', '99999-01-01T00:00:00Z');
        if (schema.format === 'uuid') values.push('not-a-uuid', '%00');
        const method = route.method;
        const base = url(route);
        return [
          ...values.map((value) => ({
            label: `${route.method} ${route.path}?${name}=${value}`,
            request: { method, url: `${base}?${name}=${value}` },
          })),
          {
            label: `${route.method} ${route.path}?${name} huge`,
            request: { method, url: `${base}?${name}=${'q'.repeat(5000)}` },
            // Free-text filters may take long values; they still must not crash.
            allowSuccess: schema.type === 'string' && !schema.enum && !schema.format,
          },
          {
            label: `${route.method} ${route.path}?${name} repeated`,
            request: { method, url: `${base}?${name}=${encodeURIComponent(String(sample(schema)))}&${name}=x` },
          },
          {
            label: `${route.method} ${route.path}?${name}[a]=1`,
            request: { method, url: `${base}?${name}[a]=1&${name}%5Bb%5D=2` },
            allowSuccess: true,
          },
        ];
      }),
    );
    expect(cases.length).toBeGreaterThan(50);
    expect(await check(cases)).toEqual([]);
  });

  it('refuses forged and corrupt pagination cursors', async () => {
    const listRoutesWithCursor = routes.filter((r) => queryParams(r).some((p) => p.name === 'cursor'));
    expect(listRoutesWithCursor.length).toBeGreaterThan(0);
    // Cursor shapes the API really hands out: forgeries keep each shape and break one value.
    const shapes: Record<string, unknown>[] = [];
    for (const route of listRoutesWithCursor) {
      const res = await inject({ method: 'GET', url: `${url(route)}?limit=1` });
      const next = res.statusCode === 200 ? (res.json().nextCursor as string | null) : null;
      if (next) shapes.push(JSON.parse(Buffer.from(next, 'base64url').toString('utf8')));
    }
    expect(shapes.length).toBeGreaterThan(0);
    const forged = ['garbage', '!!!', '%00', b64('{}'), b64('[]'), b64('null'), b64('"x"'), b64('{"a":')];
    for (const shape of shapes) {
      for (const key of Object.keys(shape)) {
        for (const bad of ['"not-a-value"', '""', '1.5', '-1', '1e400', '99999999999999999999', '"\\u0000"', 'true']) {
          const text = JSON.stringify({ ...shape, [key]: '__BAD__' }).replace('"__BAD__"', bad);
          forged.push(b64(text));
        }
      }
    }
    const cases = listRoutesWithCursor.flatMap((route) =>
      [...new Set(forged)].map((cursor) => ({
        label: `${route.method} ${route.path}?cursor=${Buffer.from(cursor, 'base64url').toString('utf8').slice(0, 60)}`,
        request: { method: route.method, url: `${url(route)}?cursor=${cursor}` },
      })),
    );
    expect(await check(cases)).toEqual([]);
  });

  it('answers unknown Accept headers, HEAD and OPTIONS without breaking the problem format', async () => {
    // A session of its own, since these requests reach `/auth/logout` (kept for last) and
    // `/auth/sessions/revoke-all`.
    const session = authHeader(await login(t, tenant.admin.email, tenant.admin.password));
    const ordered = [...routes].sort((a, b) => Number(a.path === '/auth/logout') - Number(b.path === '/auth/logout'));
    const cases = ordered.flatMap((route) => {
      const method = route.method;
      const label = `${route.method} ${route.path}`;
      return [
        ...['application/xml', 'text/csv', 'image/png', '*/*;q=abc', 'application/problem+json;q=0'].map((accept) => ({
          label: `${label} accepting ${accept}`,
          // A missing resource gives every route an error to format, whatever it may serve.
          request: {
            method,
            url: url(route, nothing(route)),
            headers: { ...session, accept },
            payload: '{}',
          },
          allowSuccess: true,
        })),
        {
          label: `HEAD ${route.path}`,
          request: { method: 'HEAD', url: url(route, nothing(route)), headers: session },
          allowSuccess: true,
        },
        {
          label: `OPTIONS ${route.path}`,
          request: { method: 'OPTIONS', url: url(route, nothing(route)), headers: session },
          allowSuccess: true,
        },
        {
          label: `TRACE ${route.path}`,
          request: { method: 'TRACE', url: url(route, nothing(route)), headers: session },
        },
      ];
    });
    expect(await check(cases)).toEqual([]);
    // "Sign out everywhere" (reached above, keeping its own session) ended the admin's first one.
    const tokens = await login(t, tenant.admin.email, tenant.admin.password);
    Object.assign(tenant.admin, { tokens, auth: authHeader(tokens) });
  });

  it('answers conflicting, expired and garbage credentials with 401 problems', async () => {
    const { kid, privateKey } = await t.app.get(SigningKeyService).signingKey();
    const claims = decodeJwt(tenant.admin.tokens.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claims, iat: now - 2000, nbf: now - 2000, exp: now - 1000 })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid })
      .sign(privateKey);
    const credentials: [string, Record<string, string>][] = [
      ['bearer and API key', { ...tenant.admin.auth, 'x-api-key': apiKeySecret }],
      ['expired bearer', { authorization: `Bearer ${expired}` }],
      ['garbage bearer', { authorization: 'Bearer garbage' }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['huge bearer', { authorization: `Bearer ${'a'.repeat(8000)}` }],
      ['unicode bearer', { authorization: 'Bearer ü.ö.ä' }],
      ['basic auth', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['bearer of dots', { authorization: 'Bearer ...' }],
      ['garbage API key', { authorization: '', 'x-api-key': 'fgk_garbage' }],
      ['huge API key', { authorization: '', 'x-api-key': 'k'.repeat(8000) }],
    ];
    const protectedRoutes = routes.filter((r) => !r.isPublic);
    const cases = protectedRoutes.flatMap((route) =>
      credentials.map(([name, headers]) => ({
        label: `${route.method} ${route.path} with ${name}`,
        request: { method: route.method, url: url(route), headers, payload: '{}' },
      })),
    );
    const failures = await check(cases);
    expect(failures).toEqual([]);
    const statuses = new Set<number>();
    for (const [, headers] of credentials) {
      statuses.add((await inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode);
    }
    expect([...statuses]).toEqual([401]);
  });

  it('loses nothing: what the admin can list is unchanged, and the server is ready', async () => {
    expect(await snapshot()).toEqual(before);
    const ready = await send({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    const me = await inject({ method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(200);
  });
});
