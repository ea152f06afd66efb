import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { AuditService } from '#libs/audit';
import { Authenticated, ForbiddenError, RequestContext } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { AppModule } from '../../apps/api/src/app.module.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, type Tokens } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';
import { eventually } from '../support/eventually.js';

/** A route that always refuses, standing in for any 403 the policy layer answers. */
@Controller('orgs/:orgId/forbidden-thing')
class RefusingController {
  @Get()
  @Authenticated()
  refuse(): never {
    throw new ForbiddenError({ code: 'model:export', detail: 'You may not export this model.' });
  }
}

@Module({})
class TestRootModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: TestRootModule, imports: [AppModule.forRoot(config)], controllers: [RefusingController] };
  }
}

interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

describe('audit HTTP API', () => {
  let t: TestApp;
  let webhook: Server;
  const deliveries: Delivery[] = [];
  let tokens: Tokens;
  let userId: string;
  let org: string;
  let tenant: Tenant;
  /** Sequence numbers of the seeded events (the tenant fixture's own events come first). */
  let seqs: number[];
  const http = () => request(t.app.getHttpServer());
  const WEBHOOK_SECRET = 'webhook-secret-of-the-test';

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const port = (webhook.address() as AddressInfo).port;
    t = await createTestApp({
      env: {
        AUTH_ARGON2_MEMORY_KIB: '1024',
        AUTH_ARGON2_TIME_COST: '1',
        ALERT_EXPORT_THRESHOLD: '2',
        ALERT_DENIAL_THRESHOLD: '3',
        ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
        ALERT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      rootModule: (config) => TestRootModule.forRoot(config),
    });
    tenant = await createTenant(t);
    org = tenant.orgId;
    tokens = tenant.admin.tokens;
    userId = tenant.admin.id;
    const audit = t.app.get(AuditService);
    const ctx = new RequestContext({
      requestId: 'seed',
      actor: { type: 'user', id: 'seeder', userId: 'seeder', label: 'seeder@example.test' },
      organizationId: org,
      ip: '198.51.100.1',
    });
    seqs = [];
    for (let i = 1; i <= 7; i++) {
      const recorded = await audit.record(ctx, {
        action: i % 2 ? 'model.updated' : 'role.created',
        resourceType: i % 2 ? 'model' : 'role',
        resourceId: i === 3 ? '=HYPERLINK("http://evil.test","x")' : `r-${i}`,
        outcome: i === 7 ? 'failed' : 'allowed',
        details: {
          i,
          note: i === 3 ? '=HYPERLINK("http://evil.test","x")' : 'line one\nline two\u2028three',
        },
      });
      // Linked by the time `record` returns (it ran in a transaction of its own).
      expect(recorded.seq).toEqual(expect.any(Number));
      seqs.push(recorded.seq!);
    }
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => webhook.close(r));
  });

  it('lists events newest first with cursor pagination and filters', async () => {
    const first = await http().get(`/api/v1/orgs/${org}/audit?limit=3&actorId=seeder`).set(authHeader(tokens));
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { seq: number }) => e.seq)).toEqual([seqs[6], seqs[5], seqs[4]]);
    expect(first.body.items[0]).toMatchObject({
      action: 'model.updated',
      outcome: 'failed',
      actor: { type: 'user', id: 'seeder' },
      resourceType: 'model',
      resourceId: 'r-7',
      ip: '198.51.100.1',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const second = await http()
      .get(`/api/v1/orgs/${org}/audit?limit=3&actorId=seeder&cursor=${first.body.nextCursor}`)
      .set(authHeader(tokens));
    expect(second.body.items.map((e: { seq: number }) => e.seq)).toEqual([seqs[3], seqs[2], seqs[1]]);

    const filtered = await http()
      .get(`/api/v1/orgs/${org}/audit?action=role.*&outcome=allowed&actorId=seeder`)
      .set(authHeader(tokens));
    expect(filtered.body.items.map((e: { seq: number }) => e.seq)).toEqual([seqs[5], seqs[3], seqs[1]]);
    expect(filtered.body.nextCursor).toBeNull();

    const byResource = await http()
      .get(`/api/v1/orgs/${org}/audit?resourceType=model&resourceId=r-5&actorId=seeder`)
      .set(authHeader(tokens));
    expect(byResource.body.items.map((e: { seq: number }) => e.seq)).toEqual([seqs[4]]);

    const future = await http()
      .get(`/api/v1/orgs/${org}/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)
      .set(authHeader(tokens));
    expect(future.body.items).toEqual([]);

    const bad = await http().get(`/api/v1/orgs/${org}/audit?outcome=maybe`).set(authHeader(tokens));
    expect(bad.status).toBe(400);
    const forged = await http().get(`/api/v1/orgs/${org}/audit?cursor=bm9wZQ`).set(authHeader(tokens));
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('cursor_invalid');
  });

  it('exports JSON Lines, one event per line, and audits the export', async () => {
    const res = await http()
      .get(`/api/v1/orgs/${org}/audit/export?format=jsonl&action=model.*&actorId=seeder`)
      .set(authHeader(tokens));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.jsonl"/);
    const lines = res.text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual([seqs[0], seqs[2], seqs[4], seqs[6]]);
    expect(events[0].details.note).toBe('line one\nline two\u2028three');
    expect(res.text).not.toContain('\u2028');

    const audited = await http().get(`/api/v1/orgs/${org}/audit?action=audit.export`).set(authHeader(tokens));
    expect(audited.body.items[0]).toMatchObject({
      action: 'audit.export',
      actor: { id: userId },
      details: { format: 'jsonl', filter: { action: 'model.*', actorId: 'seeder' } },
    });
  });

  it('exports CSV safe against formula injection and line breaking', async () => {
    const res = await http()
      .get(`/api/v1/orgs/${org}/audit/export?format=csv&action=model.*&actorId=seeder`)
      .set(authHeader(tokens));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const rows = res.text.split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toBe(
      'seq,occurred_at,actor_type,actor_id,actor_user_id,actor_label,action,resource_type,resource_id,outcome,ip,user_agent,request_id,details,prev_hash,hash',
    );
    expect(res.text.split('\n')).toHaveLength(6);
    expect(rows[1]).toContain('line one\\nline two\\u2028three');
    // A cell that would start a formula is prefixed with a quote, so spreadsheets show text.
    expect(rows[2]).toContain(',"\'=HYPERLINK(""http://evil.test"",""x"")",');
    for (const row of rows.slice(1)) expect(row.split(',').every((cell) => !/^"[=+\-@]/.test(cell))).toBe(true);
  });

  it('verifies the chain', async () => {
    const res = await http().get(`/api/v1/orgs/${org}/audit/verify`).set(authHeader(tokens));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, firstSeq: 1, firstBrokenSeq: null, problem: null });
    expect(res.body.lastSeq).toBeGreaterThanOrEqual(seqs[6]);
    expect(res.body.checkedEvents).toBe(res.body.lastSeq);
  });

  it('needs audit:read and audit:export, and records the refusal once', async () => {
    const res = await http().get(`/api/v1/orgs/${org}/audit`).set(tenant.guest.auth);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('audit:read');
    const exp = await http().get(`/api/v1/orgs/${org}/audit/export`).set(tenant.developer.auth);
    expect(exp.status).toBe(403);
    expect(exp.body.code).toBe('audit:export');
    await t.app.get(AuditService).flush();
    const rows = await t.env.db.query(
      `SELECT action, outcome, actor_id FROM audit_event WHERE request_id = ANY($1) ORDER BY pos`,
      [[res.headers['x-request-id'], exp.headers['x-request-id']]],
    );
    expect(rows.rows).toEqual([
      { action: 'authz.denied', outcome: 'denied', actor_id: tenant.guest.id },
      { action: 'authz.denied', outcome: 'denied', actor_id: tenant.developer.id },
    ]);
    const outsider = await http().get(`/api/v1/orgs/${randomUUID()}/audit`).set(tenant.admin.auth);
    expect(outsider.status).toBe(404);
  });

  it('raises a bulk-export alert, lists it and POSTs it to the webhook signed with HMAC', async () => {
    for (let i = 0; i < 2; i++) {
      await http().get(`/api/v1/orgs/${org}/audit/export?format=csv`).set(authHeader(tokens)).expect(200);
    }
    const alerts = await eventually('the alert', async () => {
      const res = await http().get(`/api/v1/orgs/${org}/alerts`).set(authHeader(tokens));
      return res.body.items.length ? res.body.items : undefined;
    });
    expect(alerts).toEqual([
      expect.objectContaining({ rule: 'bulk_export', severity: 'high', actorId: userId, subject: userId }),
    ]);
    const delivery = await eventually('the alert webhook delivery', async () =>
      deliveries.find((d) => d.body.includes('bulk_export')),
    );
    const signature = createHmac('sha256', WEBHOOK_SECRET)
      .update(`${delivery.headers['x-fusiongate-timestamp']}.${delivery.body}`)
      .digest('hex');
    expect(delivery.headers['x-fusiongate-signature']).toBe(`sha256=${signature}`);
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'fusiongate.alert',
      alert: { rule: 'bulk_export', organizationId: org },
    });
  });

  it('records authorization denials from one place and raises a denial-burst alert', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await http().get(`/api/v1/orgs/${org}/forbidden-thing`).set(authHeader(tokens));
      expect(res.status).toBe(403);
    }
    await t.app.get(AuditService).flush();
    const denied = await http()
      .get(`/api/v1/orgs/${org}/audit?outcome=denied&actorId=${userId}`)
      .set(authHeader(tokens));
    expect(denied.body.items).toHaveLength(3);
    expect(denied.body.items[0]).toMatchObject({
      action: 'authz.denied',
      outcome: 'denied',
      actor: { id: userId },
      resourceType: 'route',
      resourceId: 'GET /api/v1/orgs/:orgId/forbidden-thing',
      details: { status: 403, code: 'model:export', params: { orgId: org } },
    });
    const alerts = await eventually('the alert', async () => {
      const res = await http().get(`/api/v1/orgs/${org}/alerts`).set(authHeader(tokens));
      return res.body.items.find((a: { rule: string }) => a.rule === 'denial_burst');
    });
    expect(alerts).toMatchObject({ rule: 'denial_burst', subject: userId });
  });

  it('writes buffered events on graceful shutdown', async () => {
    const other = await createTestApp({ environment: t.env, env: { AUTH_ARGON2_MEMORY_KIB: '1024' } });
    const org2 = randomUUID();
    other.app
      .get(AuditService)
      .recordBuffered(
        new RequestContext({ requestId: 'r', organizationId: org2, actor: { type: 'system', id: 'x' } }),
        { action: 'model.updated' },
      );
    await other.close();
    const rows = await t.env.db.query(`SELECT action FROM audit_event WHERE organization_id = $1`, [org2]);
    expect(rows.rows).toEqual([{ action: 'model.updated' }]);
  });
});
