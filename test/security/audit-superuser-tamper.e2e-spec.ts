import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { AuditAnchor, AuditService, chainHash } from '#libs/audit';
import { auditVerifyCommand } from '../../src/cli/commands/audit.command.js';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// A database superuser switches the append-only triggers off and edits the audit tables directly,
// taking the checkpoints with the events. Verification must still notice: over HTTP
// (`/audit/verify`) and from the CLI (`audit:verify`, exit status 2), with and without the anchor
// file the API publishes every checkpoint to.
let t: TestApp;
let anchorDir: string;
let anchorFile: string;
const http = () => request(t.app.getHttpServer());
const EVERY = 5;

beforeAll(async () => {
  anchorDir = await mkdtemp(join(tmpdir(), 'fusiongate-anchor-'));
  anchorFile = join(anchorDir, 'audit-anchor.jsonl');
  t = await createTestApp({
    env: { ...FAST_AUTH_ENV, AUDIT_CHECKPOINT_EVERY_EVENTS: String(EVERY), AUDIT_ANCHOR_FILE: anchorFile },
  });
});
afterAll(async () => {
  await t?.close();
  await rm(anchorDir, { recursive: true, force: true });
});

/** An organization whose chain holds at least `events` events (creating projects, each audited). */
async function busyTenant(events: number): Promise<Tenant> {
  const a = await createTenant(t);
  for (let i = 0; ; i++) {
    const { rows } = await t.env.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE organization_id = $1`,
      [a.orgId],
    );
    if (Number(rows[0].n) >= events) break;
    const slug = `p-${i}-${Math.random().toString(36).slice(2, 8)}`;
    await http().post(`/api/v1/orgs/${a.orgId}/projects`).set(a.admin.auth).send({ name: slug, slug }).expect(201);
  }
  // Events are linked into the chain (and checkpoints signed) in the background after each request.
  await t.app.get(AuditService).linked();
  return a;
}

/** Runs statements as the database superuser, with triggers off for the session, in one transaction. */
async function asSuperuser(work: (db: pg.Client) => Promise<void>): Promise<void> {
  const db = new pg.Client({ connectionString: t.env.db.url });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(`SET LOCAL session_replication_role = replica`);
    await work(db);
    await db.query('COMMIT');
  } finally {
    await db.end();
  }
}

async function verifyOverHttp(a: Tenant): Promise<{ ok: boolean; problem: string | null }> {
  const res = await http().get(`/api/v1/orgs/${a.orgId}/audit/verify`).set(a.admin.auth);
  expect(res.status).toBe(200);
  return res.body as { ok: boolean; problem: string | null };
}

/** `npm run cli -- audit:verify --org <id> [--anchor <file>] --json`, in-process: exit status and report. */
async function verifyFromCli(a: Tenant, anchor?: string): Promise<{ exitCode: number; problem: string | null }> {
  const printed: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await auditVerifyCommand({ org: a.orgId, json: true, anchor }, t.config);
    const [report] = JSON.parse(printed.join('')) as { problem: string | null }[];
    return { exitCode: Number(process.exitCode ?? 0), problem: report.problem };
  } finally {
    write.mockRestore();
    process.exitCode = before;
  }
}

/** Re-hashes events from `fromSeq` on, as someone who rewrote one would, and moves the head. */
async function rehash(db: pg.Client, orgId: string, fromSeq: number): Promise<void> {
  const { rows } = await db.query(`SELECT * FROM audit_event WHERE organization_id = $1 AND seq >= $2 ORDER BY seq`, [
    orgId,
    fromSeq - 1,
  ]);
  let prev = rows[0].seq === String(fromSeq - 1) ? (rows.shift().hash as string) : '';
  for (const r of rows) {
    const hash = chainHash(prev, {
      organizationId: r.organization_id,
      seq: Number(r.seq),
      occurredAt: new Date(r.occurred_at),
      actorType: r.actor_type,
      actorId: r.actor_id,
      actorUserId: r.actor_user_id,
      actorLabel: r.actor_label,
      action: r.action,
      resourceType: r.resource_type,
      resourceId: r.resource_id,
      outcome: r.outcome,
      ip: r.ip,
      userAgent: r.user_agent,
      requestId: r.request_id,
      details: r.details,
    });
    await db.query(`UPDATE audit_event SET prev_hash = $2, hash = $3 WHERE id = $1`, [r.id, prev, hash]);
    prev = hash;
  }
  await db.query(`UPDATE audit_chain_head SET last_hash = $2 WHERE chain = $1`, [orgId, prev]);
}

describe('audit verification against a database superuser', () => {
  it('publishes every checkpoint to the anchor file, and an untouched chain verifies everywhere', async () => {
    const a = await busyTenant(3 * EVERY);
    const { rows } = await t.env.db.query(
      `SELECT checkpoint_seq FROM audit_checkpoint WHERE organization_id = $1 ORDER BY checkpoint_seq`,
      [a.orgId],
    );
    expect(rows.map((r) => Number(r.checkpoint_seq))).toEqual([1, 2, 3]);
    await t.app.get(AuditAnchor).idle();
    const anchored = (await readFile(anchorFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { organizationId: string; checkpointSeq: number });
    expect(anchored.filter((e) => e.organizationId === a.orgId).map((e) => e.checkpointSeq)).toEqual([1, 2, 3]);
    expect(await verifyOverHttp(a)).toMatchObject({ ok: true });
    expect(await verifyFromCli(a)).toEqual({ exitCode: 0, problem: null });
    expect(await verifyFromCli(a, anchorFile)).toEqual({ exitCode: 0, problem: null });
  });

  it('catches a deleted tail with the checkpoints deleted and the head rewound', async () => {
    const a = await busyTenant(3 * EVERY);
    await asSuperuser(async (db) => {
      const { rows } = await db.query(`SELECT hash FROM audit_event WHERE organization_id = $1 AND seq = $2`, [
        a.orgId,
        EVERY + 2,
      ]);
      await db.query(`DELETE FROM audit_event WHERE organization_id = $1 AND seq > $2`, [a.orgId, EVERY + 2]);
      await db.query(`DELETE FROM audit_checkpoint WHERE organization_id = $1`, [a.orgId]);
      await db.query(`UPDATE audit_chain_head SET last_seq = $2, last_hash = $3 WHERE chain = $1`, [
        a.orgId,
        EVERY + 2,
        rows[0].hash,
      ]);
    });
    expect(await verifyOverHttp(a)).toMatchObject({ ok: false, problem: 'checkpoint_missing' });
    expect(await verifyFromCli(a)).toEqual({ exitCode: 2, problem: 'checkpoint_missing' });
    expect(await verifyFromCli(a, anchorFile)).toEqual({ exitCode: 2, problem: 'checkpoint_missing' });
  });

  it('catches a tail cut below the first checkpoint, with its checkpoints gone, through the anchor', async () => {
    const a = await busyTenant(2 * EVERY);
    await asSuperuser(async (db) => {
      const { rows } = await db.query(`SELECT hash FROM audit_event WHERE organization_id = $1 AND seq = 2`, [a.orgId]);
      await db.query(`DELETE FROM audit_event WHERE organization_id = $1 AND seq > 2`, [a.orgId]);
      await db.query(`DELETE FROM audit_checkpoint WHERE organization_id = $1`, [a.orgId]);
      await db.query(`UPDATE audit_chain_head SET last_seq = 2, last_hash = $2 WHERE chain = $1`, [
        a.orgId,
        rows[0].hash,
      ]);
    });
    // The API process remembers the checkpoints it committed; the anchor file remembers them for the CLI.
    expect(await verifyOverHttp(a)).toMatchObject({ ok: false, problem: 'checkpoint_missing' });
    expect(await verifyFromCli(a, anchorFile)).toEqual({ exitCode: 2, problem: 'checkpoint_missing' });
  });

  it('catches a rewritten event whose successors were re-hashed and whose checkpoints were deleted', async () => {
    const a = await busyTenant(3 * EVERY);
    await asSuperuser(async (db) => {
      await db.query(`UPDATE audit_event SET details = '{"rewritten": true}' WHERE organization_id = $1 AND seq = 3`, [
        a.orgId,
      ]);
      await rehash(db, a.orgId, 3);
      await db.query(`DELETE FROM audit_checkpoint WHERE organization_id = $1`, [a.orgId]);
    });
    expect(await verifyOverHttp(a)).toMatchObject({ ok: false });
    expect(await verifyFromCli(a)).toEqual({ exitCode: 2, problem: 'checkpoint_missing' });
    expect((await verifyFromCli(a, anchorFile)).exitCode).toBe(2);
  });

  it('catches a whole chain deleted (events, head and checkpoints) while the organization remains', async () => {
    const a = await busyTenant(EVERY + 1);
    // The same, with the triggers disabled table by table as the owner would.
    await t.env.db.query(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
    await t.env.db.query(`ALTER TABLE audit_checkpoint DISABLE TRIGGER USER`);
    try {
      await t.env.db.query(`DELETE FROM audit_event WHERE organization_id = $1`, [a.orgId]);
      await t.env.db.query(`DELETE FROM audit_checkpoint WHERE organization_id = $1`, [a.orgId]);
      await t.env.db.query(`DELETE FROM audit_chain_head WHERE chain = $1`, [a.orgId]);
    } finally {
      await t.env.db.query(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
      await t.env.db.query(`ALTER TABLE audit_checkpoint ENABLE TRIGGER USER`);
    }
    // The CLI first: a verification over HTTP is itself audited (a buffered event, written on the
    // next flush), and an event in the deleted chain makes it no longer empty.
    expect(await verifyFromCli(a)).toEqual({ exitCode: 2, problem: 'chain_missing' });
    expect(await verifyFromCli(a, anchorFile)).toEqual({ exitCode: 2, problem: 'chain_missing' });
    expect(await verifyOverHttp(a)).toMatchObject({ ok: false, problem: 'chain_missing' });
  });
});
