import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { freePort } from '#libs/database';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUserAndLogin } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { ensureBuild, startWorker, type WorkerProcess } from '../support/workers.js';
import { orgBase, photos, setupFusionModels, waitForJob, type FusionModels } from '../jobs/fusion-support.js';

const root = new URL('../../', import.meta.url).pathname;
const FAST_AUTH_ENV = { AUTH_ARGON2_MEMORY_KIB: '1024', AUTH_ARGON2_TIME_COST: '1' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Samples of a Prometheus text exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const nameOf = (sample: string) => sample.split('{')[0];
function value(all: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const [sample, v] of all) {
    if (nameOf(sample) !== name) continue;
    if (!Object.entries(labels).every(([k, l]) => sample.includes(`${k}="${l}"`))) continue;
    total += v;
    found = true;
  }
  return found ? total : NaN;
}

async function scrape(url: string, token?: string): Promise<Map<string, number>> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(res.status).toBe(200);
  const text = await res.text();
  // Bounded labels: never an id or an email.
  expect(text).not.toMatch(UUID);
  expect(text).not.toContain('@example.test');
  return samples(text);
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
}
interface ReceivedSpan extends OtlpSpan {
  service: string;
}

/** An OTLP/HTTP JSON receiver: what a collector would get. */
async function startReceiver(): Promise<{ server: Server; url: string; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces' && String(req.headers['content-type']).includes('json')) {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as {
          resourceSpans: Array<{
            resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
            scopeSpans: Array<{ spans: OtlpSpan[] }>;
          }>;
        };
        for (const rs of body.resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans) for (const span of ss.spans) spans.push({ ...span, service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

function attribute(span: OtlpSpan, key: string): string | undefined {
  return span.attributes?.find((a) => a.key === key)?.value.stringValue;
}
const isPostgres = (span: OtlpSpan) =>
  (attribute(span, 'db.system.name') ?? attribute(span, 'db.system')) === 'postgresql';

/**
 * What an operator sees: Prometheus metrics off the public port (a metrics listener, or a token),
 * counted where things happen, a worker health/metrics listener, a dashboard whose queries name
 * only served metrics, one trace across API → queue → worker → PostgreSQL, and the queue board
 * for platform administrators only.
 */
describe('observability', () => {
  let t: TestApp;
  let tenant: Tenant;
  let models: FusionModels;
  let metricsUrl: string;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    ensureBuild();
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    t = await createTestApp({
      env: {
        ...FAST_AUTH_ENV,
        METRICS_PORT: String(port),
        METRICS_HOST: '127.0.0.1',
        AUTH_LOGIN_FREE_ATTEMPTS: '100',
        AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR: '5',
      },
    });
    tenant = await createTenant(t);
    models = await setupFusionModels(t, tenant);
  }, 240_000);
  afterAll(() => t?.close());

  describe('metrics', () => {
    it('are not served on the public port without a token, and are on the metrics listener', async () => {
      const open = await http().get('/metrics');
      expect(open.status).toBe(404);
      expect(open.body.code).toBe('route_not_found');
      const scraped = await scrape(metricsUrl);
      expect(value(scraped, 'fusiongate_process_resident_memory_bytes')).toBeGreaterThan(0);
      expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
    });

    it('count authentication failures, lockouts, authorization decisions, session-cache hits, queue depth and audit lag', async () => {
      const email = `nobody-${randomBytes(4).toString('hex')}@example.test`;
      const answers: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await http().post('/api/v1/auth/login').send({ email, password: 'Wrong-password-1234' });
        answers.push(res.status);
      }
      expect(answers).toContain(429);
      const denied = await http()
        .get(`${orgBase(tenant)}/audit`)
        .set(tenant.developer.auth);
      expect(denied.status).toBe(403);
      const allowed = await http()
        .get(`${orgBase(tenant)}/models`)
        .set(tenant.developer.auth);
      expect(allowed.status).toBe(200);
      const hidden = await http()
        .get(`${orgBase(tenant)}/models/${models.swapperId}`)
        .set(tenant.guest.auth);
      expect([200, 404]).toContain(hidden.status);
      await http().get('/api/v1/auth/me').set(tenant.tester.auth);
      await http().get('/api/v1/auth/me').set(tenant.tester.auth);
      // A job submitted while no worker runs waits in the queue.
      const p = photos();
      const submitted = await http()
        .post(`${orgBase(tenant)}/models/${models.swapperId}/fuse`)
        .set(tenant.developer.auth)
        .attach('source', p.portrait, { filename: 's.jpg', contentType: 'image/jpeg' })
        .attach('target', p.group, { filename: 't.jpg', contentType: 'image/jpeg' });
      expect(submitted.status).toBe(202);

      const m = await scrape(metricsUrl);
      expect(value(m, 'fusiongate_auth_failures_total', { kind: 'login' })).toBeGreaterThanOrEqual(5);
      expect(
        value(m, 'fusiongate_auth_lockouts_total', { scope: 'login', reason: 'account_locked' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        value(m, 'fusiongate_authz_decisions_total', { level: 'route', permission: 'audit:read', outcome: 'denied' }),
      ).toBe(1);
      expect(
        value(m, 'fusiongate_authz_decisions_total', { level: 'route', permission: 'model:read', outcome: 'allowed' }),
      ).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_auth_session_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_auth_session_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_queue_jobs', { queue: 'fusion', state: 'waiting' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_audit_unsigned_events')).toBeGreaterThan(0);
      expect(value(m, 'fusiongate_audit_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(value(m, 'fusiongate_audit_buffered_events')).toBeGreaterThanOrEqual(0);
      // Routes are labelled by template, so an id never becomes a label value.
      expect(
        value(m, 'fusiongate_http_request_duration_seconds_count', {
          route: '/api/v1/orgs/:orgId/models/:modelId/fuse',
          status: '202',
        }),
      ).toBe(1);
    });
  });

  describe('a traced fusion job, the worker listener and the dashboard', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let api: ChildProcess;
    let apiUrl: string;
    let worker: WorkerProcess;
    let workerMetricsUrl: string;
    const token = randomBytes(24).toString('hex');

    beforeAll(async () => {
      receiver = await startReceiver();
      const [apiPort, workerPort] = [await freePort(), await freePort()];
      apiUrl = `http://127.0.0.1:${apiPort}`;
      workerMetricsUrl = `http://127.0.0.1:${workerPort}`;
      api = spawn(process.execPath, [`${root}dist/apps/api/src/main.js`], {
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...t.env.variables({ PORT: String(apiPort), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, LOG_LEVEL: 'warn' }),
        },
        stdio: 'ignore',
      });
      for (let i = 0; i < 300 && !(await fetch(`${apiUrl}/health/live`).catch(() => undefined))?.ok; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      worker = await startWorker(t.env, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        WORKER_METRICS_PORT: String(workerPort),
        METRICS_HOST: '127.0.0.1',
        METRICS_TOKEN: token,
      });
    }, 120_000);
    afterAll(async () => {
      await worker?.stop();
      await new Promise<void>((resolve) => {
        if (!api || api.exitCode !== null) return resolve();
        api.once('exit', () => resolve());
        api.kill('SIGTERM');
      });
      receiver?.server.close();
    });

    it('carries one trace id from the request (traceparent) through the queue to the worker and its queries', async () => {
      const traceId = randomBytes(16).toString('hex');
      const form = new FormData();
      const p = photos();
      form.append('source', new Blob([p.portrait], { type: 'image/jpeg' }), 's.jpg');
      form.append('target', new Blob([p.group], { type: 'image/jpeg' }), 't.jpg');
      const res = await fetch(`${apiUrl}${orgBase(tenant)}/models/${models.swapperId}/fuse`, {
        method: 'POST',
        headers: { ...tenant.developer.auth, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        body: form,
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      expect((await waitForJob(t, tenant, 'developer', id)).status).toBe('completed');

      const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
      const complete = () => {
        const spans = inTrace();
        return (
          spans.some((s) => s.service === 'fusiongate-api' && s.kind === 2) &&
          spans.some((s) => s.service === 'fusiongate-worker' && s.name === 'fusion process') &&
          spans.some((s) => s.service === 'fusiongate-worker' && isPostgres(s))
        );
      };
      for (let i = 0; i < 100 && !complete(); i++) await new Promise((r) => setTimeout(r, 100));
      const spans = inTrace();
      const server = spans.find((s) => s.service === 'fusiongate-api' && s.kind === 2);
      const consumer = spans.find((s) => s.service === 'fusiongate-worker' && s.name === 'fusion process');
      expect(server).toBeDefined();
      expect(consumer).toMatchObject({ kind: 5 });
      expect(attribute(consumer!, 'fusiongate.job_id')).toBe(id);
      // The API's own queries for the request are in the trace too.
      expect(spans.some((s) => s.service === 'fusiongate-api' && isPostgres(s))).toBe(true);
      const workerQueries = spans.filter((s) => s.service === 'fusiongate-worker' && isPostgres(s));
      expect(workerQueries.length).toBeGreaterThan(0);
      // The worker's span hangs under a span of the API's request.
      expect(spans.filter((s) => s.service === 'fusiongate-api').map((s) => s.spanId)).toContain(
        consumer!.parentSpanId,
      );
    }, 120_000);

    it('serves worker health, and metrics behind the token: jobs, slots, model sessions', async () => {
      // One more job on the same models: its sessions come from the cache.
      const p = photos();
      const again = await http()
        .post(`${orgBase(tenant)}/models/${models.swapperId}/fuse`)
        .set(tenant.developer.auth)
        .attach('source', p.other, { filename: 's.jpg', contentType: 'image/jpeg' })
        .attach('target', p.group, { filename: 't.jpg', contentType: 'image/jpeg' });
      expect(again.status).toBe(202);
      expect((await waitForJob(t, tenant, 'developer', again.body.id as string)).status).toBe('completed');
      expect((await fetch(`${workerMetricsUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${workerMetricsUrl}/metrics`)).status).toBe(401);
      const m = await scrape(`${workerMetricsUrl}/metrics`, token);
      expect(value(m, 'fusiongate_jobs_total', { outcome: 'completed' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_job_run_seconds_count', { status: 'completed' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_job_wait_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_worker_slots', { state: 'idle' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_worker_slots', { state: 'busy' })).toBe(0);
      // Three models (detector, recognizer, swapper) loaded once, reused by the later job.
      expect(value(m, 'fusiongate_model_session_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(3);
      expect(value(m, 'fusiongate_model_session_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
      expect(value(m, 'fusiongate_model_load_seconds_count', { provider: 'cpu' })).toBeGreaterThanOrEqual(3);
      expect(value(m, 'fusiongate_model_load_seconds_count', { provider: 'cpu' })).toBe(
        value(m, 'fusiongate_model_session_cache_requests_total', { result: 'miss' }),
      );
      expect(value(m, 'fusiongate_model_sessions')).toBeGreaterThanOrEqual(3);
      expect(value(m, 'fusiongate_model_sessions_bytes')).toBeGreaterThan(0);
      expect(value(m, 'fusiongate_queue_jobs', { queue: 'fusion', state: 'waiting' })).toBe(0);
    });

    it('has a Grafana dashboard whose every query names metrics the processes serve', async () => {
      const served = new Set<string>();
      for (const sample of (await scrape(metricsUrl)).keys()) served.add(nameOf(sample));
      for (const sample of (await scrape(`${workerMetricsUrl}/metrics`, token)).keys()) served.add(nameOf(sample));
      const dashboard = JSON.parse(readFileSync(`${root}deploy/grafana/fusiongate.json`, 'utf8')) as {
        panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
      };
      const exprs = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
      expect(exprs.length).toBeGreaterThanOrEqual(15);
      const missing = exprs.flatMap((expr) =>
        (expr.match(/\bfusiongate_[a-z0-9_]+/g) ?? [])
          .filter((name) => !served.has(name))
          .map((n) => `${n} in ${expr}`),
      );
      expect(missing).toEqual([]);
    });
  });

  describe('queue board', () => {
    it('opens for a platform administrator through a short-lived, path-scoped HttpOnly cookie', async () => {
      const admin = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
      const opened = await http().post('/api/v1/admin/queue-board/session').set(authHeader(admin.tokens));
      expect(opened.status).toBe(200);
      expect(opened.body.url).toBe('/admin/queues/');
      const cookie = String(opened.headers['set-cookie']);
      expect(cookie).toMatch(/^fg_queue_board=[A-Za-z0-9_-]{43}; /);
      expect(cookie).toContain('Path=/admin/queues');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Max-Age=900');
      const pair = cookie.split(';')[0];

      const page = await http().get('/admin/queues/').set('cookie', pair);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<base href="/admin/queues/"');
      // A page is sent a page's policy (its own scripts and styles); its JSON, the API's.
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      const queues = await http().get('/admin/queues/api/queues').set('cookie', pair);
      expect(queues.status).toBe(200);
      expect(queues.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(JSON.stringify(queues.body)).toContain('"name":"fusion"');
      const opening = await t.env.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM audit_event WHERE action = 'queue_board.opened' AND actor_id = $1`,
        [admin.id],
      );
      expect(Number(opening.rows[0].n)).toBe(1);

      // Signing out ends the board session with it.
      expect((await http().post('/api/v1/auth/logout').set(authHeader(admin.tokens))).status).toBe(204);
      await new Promise((r) => setTimeout(r, 5_100)); // the session-status cache lives up to 5 s
      expect((await http().get('/admin/queues/api/queues').set('cookie', pair)).status).toBe(401);
    }, 60_000);

    it('is refused to anonymous callers, forged cookies, non-administrators and API-less page loads', async () => {
      for (const path of ['/admin/queues/', '/admin/queues/api/queues', '/admin/queues/static/js/x.js']) {
        const anonymous = await http().get(path);
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.code).toBe('queue_board_session_required');
        const forged = await http()
          .get(path)
          .set('cookie', `fg_queue_board=${randomBytes(32).toString('base64url')}`);
        expect(forged.status).toBe(401);
      }
      // An organization admin is not a platform administrator.
      const refused = await http().post('/api/v1/admin/queue-board/session').set(tenant.admin.auth);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('platform_admin_required');
      expect(refused.headers['set-cookie']).toBeUndefined();
      expect((await http().post('/api/v1/admin/queue-board/session')).status).toBe(401);
      // A bearer token alone does not open the board pages (only the cookie does).
      expect((await http().get('/admin/queues/api/queues').set(tenant.admin.auth)).status).toBe(401);
    });
  });

  // Last: passport keeps its strategies per process, by name, so a second application in this process
  // registers its own `jwt` and `api-key` strategies in place of the first one's; once it is closed, the
  // first application's authenticated requests fail (500): the strategies passport holds are the closed
  // one's (a test-harness artefact: production runs one application per process).
  describe('metrics token', () => {
    it('with METRICS_TOKEN, the public port serves them to that bearer token only', async () => {
      const token = randomBytes(24).toString('hex');
      const other = await createTestApp({ environment: t.env, env: { ...FAST_AUTH_ENV, METRICS_TOKEN: token } });
      try {
        const server = other.app.getHttpServer();
        const none = await request(server).get('/metrics');
        expect(none.status).toBe(401);
        expect(none.body.code).toBe('metrics_token_required');
        expect((await request(server).get('/metrics').set('authorization', `Bearer ${token}x`)).status).toBe(401);
        expect((await request(server).get('/metrics').set('authorization', token)).status).toBe(401);
        const ok = await request(server).get('/metrics').set('authorization', `Bearer ${token}`);
        expect(ok.status).toBe(200);
        expect(ok.headers['content-type']).toMatch(/^text\/plain/);
        expect(ok.text).toContain('fusiongate_http_request_duration_seconds');
      } finally {
        await other.close();
      }
    });
  });
});
