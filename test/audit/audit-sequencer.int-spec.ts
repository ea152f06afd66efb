import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { ConfigModule } from '#libs/config';
import { DatabaseModule, Transactions } from '#libs/database';
import {
  AuditModule,
  AuditQueryService,
  AuditSequencer,
  AuditService,
  AuditVerifier,
  GENESIS_HASH,
  insertEvents,
} from '#libs/audit';
import { createAuditHarness, userContext, type AuditHarness } from './support.js';

/**
 * Events are written unlinked in the business transaction and linked into the organization's
 * chain by one sequencer at a time, right after commit. Two instances of the audit module (each
 * with its own connection pool and sequencer, as two API processes) write to one organization.
 */
describe('audit sequencer', () => {
  let h: AuditHarness;
  let second: INestApplicationContext;

  beforeAll(async () => {
    h = await createAuditHarness();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(
          h.env.config({
            AUDIT_FLUSH_INTERVAL_MS: '600000',
            AUDIT_CHECKPOINT_INTERVAL_MS: '0',
            AUDIT_RETENTION_INTERVAL_MS: '0',
          }),
        ),
        DatabaseModule.forRoot({ applicationName: 'audit-test-second' }),
        AuditModule,
      ],
    }).compile();
    second = await moduleRef.init();
  });
  afterAll(async () => {
    await second.close();
    await h.close();
  });

  const chain = async (org: string) =>
    (
      await h.env.db.query<{
        seq: string | null;
        prev_hash: string | null;
        hash: string | null;
        details: { w: number; i: number };
      }>(`SELECT seq, prev_hash, hash, details FROM audit_event WHERE organization_id = $1 ORDER BY seq NULLS LAST`, [
        org,
      ])
    ).rows;

  /** Commits an event without asking any sequencer to link it (as a process that died right after its commit). */
  async function writeUnlinked(org: string, details: Record<string, unknown>): Promise<void> {
    const ctx = userContext(org);
    await h.app.get(Transactions).run(ctx, (_ctx, manager) =>
      insertEvents(manager, [
        {
          organizationId: org,
          occurredAt: new Date(),
          actorType: 'user',
          actorId: 'u-1',
          actorUserId: 'u-1',
          actorLabel: null,
          action: 'model.updated',
          resourceType: 'model',
          resourceId: 'm-1',
          outcome: 'allowed',
          ip: null,
          userAgent: null,
          requestId: ctx.requestId,
          details,
        },
      ]),
    );
  }

  it('keeps one gap-free, verifiable chain under concurrent writers in two processes', async () => {
    const org = randomUUID();
    const instances = [h.app, second];
    await Promise.all(
      Array.from({ length: 12 }, (_, w) =>
        (async () => {
          const app = instances[w % 2];
          const tx = app.get(Transactions);
          const audit = app.get(AuditService);
          for (let i = 0; i < 10; i++) {
            await tx.run(userContext(org, `writer-${w}`), async (ctx) => {
              await ctx.manager!.query('SELECT pg_sleep(0.001)');
              await audit.record(ctx, { action: 'model.updated', details: { w, i } });
            });
          }
        })(),
      ),
    );
    // Each process links its writers' events right after they commit: once those links are done,
    // nothing is left for the sweep.
    await Promise.all(instances.map((app) => app.get(AuditService).linked()));
    const rows = await chain(org);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    rows.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1].hash));
    // Each writer's events keep their order in the chain.
    for (let w = 0; w < 12; w++) {
      expect(rows.filter((r) => r.details.w === w).map((r) => r.details.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    const report = await h.app.get(AuditVerifier).verify(org);
    expect(report).toMatchObject({ ok: true, checkedEvents: 120, pending: 0, lastSeq: 120 });
    const head = await h.env.db.query(`SELECT last_seq, last_hash FROM audit_chain_head WHERE chain = $1`, [org]);
    expect(head.rows[0]).toEqual({ last_seq: '120', last_hash: rows[119].hash });
  });

  it('leaves no event, linked or pending, when the business transaction rolls back', async () => {
    const org = randomUUID();
    const audit = h.app.get(AuditService);
    await expect(
      h.app.get(Transactions).run(userContext(org), async (ctx) => {
        await audit.record(ctx, { action: 'role.created' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await chain(org)).toHaveLength(0);
    await h.app.get(AuditSequencer).sweep();
    expect(await chain(org)).toHaveLength(0);
    expect(await h.app.get(AuditVerifier).verify(org)).toMatchObject({ ok: true, checkedEvents: 0, pending: 0 });
  });

  it('shows an event committed but not yet linked at once, and verify reports it as pending', async () => {
    const org = randomUUID();
    const audit = h.app.get(AuditService);
    await audit.record(userContext(org), { action: 'model.created', details: { n: 1 } });
    await writeUnlinked(org, { n: 2 });

    const page = await h.app.get(AuditQueryService).list(org, {}, { limit: 10 });
    expect(page.items.map((e) => [e.details.n, e.seq, e.hash])).toEqual([
      [2, null, null],
      [1, 1, expect.stringMatching(/^[0-9a-f]{64}$/)],
    ]);
    const verifier = h.app.get(AuditVerifier);
    expect(await verifier.verify(org)).toMatchObject({ ok: true, checkedEvents: 1, pending: 1, lastSeq: 1 });

    // The sweep (here: the other process's) links what no one linked.
    expect(await second.get(AuditSequencer).sweep()).toBeGreaterThanOrEqual(1);
    expect((await chain(org)).map((r) => r.seq)).toEqual(['1', '2']);
    expect(await verifier.verify(org)).toMatchObject({ ok: true, checkedEvents: 2, pending: 0, lastSeq: 2 });
  });

  it('still detects tampering, also with a pending tail', async () => {
    const org = randomUUID();
    const audit = h.app.get(AuditService);
    for (let i = 1; i <= 4; i++) await audit.record(userContext(org), { action: 'model.updated', details: { i } });
    await writeUnlinked(org, { i: 5 });
    await h.env.db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    try {
      await h.env.db.query(`UPDATE audit_event SET details = '{"i": 99}' WHERE organization_id = $1 AND seq = 3`, [
        org,
      ]);
    } finally {
      await h.env.db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    }
    expect(await h.app.get(AuditVerifier).verify(org)).toMatchObject({
      ok: false,
      firstBrokenSeq: 3,
      problem: 'hash_mismatch',
      pending: 1,
    });
  });

  it('lets the database change an event only to link it, once, with its content unchanged', async () => {
    const org = randomUUID();
    await writeUnlinked(org, { n: 1 });
    const hash = 'f'.repeat(64);
    // Content of an unlinked event: refused.
    await expect(
      h.env.db.query(
        `UPDATE audit_event SET action = 'x', seq = 1, prev_hash = $2, hash = $3 WHERE organization_id = $1`,
        [org, GENESIS_HASH, hash],
      ),
    ).rejects.toThrow(/append-only/);
    await h.app.get(AuditSequencer).link(org);
    // A linked event cannot be linked again (moved in the chain).
    await expect(
      h.env.db.query(`UPDATE audit_event SET seq = 7, prev_hash = $2, hash = $3 WHERE organization_id = $1`, [
        org,
        GENESIS_HASH,
        hash,
      ]),
    ).rejects.toThrow(/append-only/);
    expect(await h.app.get(AuditVerifier).verify(org)).toMatchObject({ ok: true, checkedEvents: 1, pending: 0 });
  });
});
