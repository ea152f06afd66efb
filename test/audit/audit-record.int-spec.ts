import { randomUUID } from 'node:crypto';
import { Transactions } from '#libs/database';
import { AuditService, GENESIS_HASH, chainHash } from '#libs/audit';
import { createAuditHarness, userContext, type AuditHarness } from './support.js';

interface Row {
  organization_id: string | null;
  seq: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string;
  actor_user_id: string | null;
  actor_label: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  outcome: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

describe('AuditService.record', () => {
  let h: AuditHarness;
  let audit: AuditService;
  let tx: Transactions;

  beforeAll(async () => {
    h = await createAuditHarness();
    audit = h.app.get(AuditService);
    tx = h.app.get(Transactions);
  });
  afterAll(() => h.close());

  const rows = async (orgId: string | null) =>
    (
      await h.env.db.query<Row>(
        `SELECT * FROM audit_event WHERE organization_id IS NOT DISTINCT FROM $1 ORDER BY seq`,
        [orgId],
      )
    ).rows;

  it('stores the context and event fields, chained from the genesis hash, with secrets redacted', async () => {
    const org = randomUUID();
    const ctx = userContext(org, 'user-42');
    const first = await audit.record(ctx, {
      action: 'model.updated',
      resourceType: 'model',
      resourceId: 'm-1',
      details: {
        before: { name: 'a' },
        after: { name: 'b' },
        password: 'hunter2',
        nested: { refreshToken: 'rt', apiKey: 'k' },
      },
    });
    await audit.record(ctx, { action: 'model.deleted', outcome: 'failed', resourceType: 'model', resourceId: 'm-1' });

    const [a, b] = await rows(org);
    expect(first).toMatchObject({ organizationId: org, seq: 1 });
    expect(a).toMatchObject({
      organization_id: org,
      seq: '1',
      actor_type: 'user',
      actor_id: 'user-42',
      actor_user_id: 'user-42',
      // The label names a person: it is kept beside the chain (erasable), never in hashed content.
      actor_label: null,
      action: 'model.updated',
      resource_type: 'model',
      resource_id: 'm-1',
      outcome: 'allowed',
      ip: '203.0.113.7',
      user_agent: 'jest',
      request_id: ctx.requestId,
      prev_hash: GENESIS_HASH,
    });
    expect(a.details).toEqual({
      before: { name: 'a' },
      after: { name: 'b' },
      password: '[redacted]',
      nested: { refreshToken: '[redacted]', apiKey: '[redacted]' },
    });
    expect(JSON.stringify(a)).not.toMatch(/hunter2|"rt"|"k"/);
    const { rows: labels } = await h.env.db.query(`SELECT actor_id, actor_type, label FROM audit_actor`);
    expect(labels).toEqual([{ actor_id: 'user-42', actor_type: 'user', label: 'user-42@example.test' }]);
    expect(b).toMatchObject({ seq: '2', outcome: 'failed', prev_hash: a.hash });
    expect(a.hash).toBe(
      chainHash(GENESIS_HASH, {
        organizationId: org,
        seq: 1,
        occurredAt: new Date(a.occurred_at),
        actorType: 'user',
        actorId: 'user-42',
        actorUserId: 'user-42',
        actorLabel: null,
        action: 'model.updated',
        resourceType: 'model',
        resourceId: 'm-1',
        outcome: 'allowed',
        ip: '203.0.113.7',
        userAgent: 'jest',
        requestId: ctx.requestId,
        details: a.details,
      }),
    );
  });

  it('writes platform events (no organization) to their own chain', async () => {
    await audit.record(userContext(undefined), {
      action: 'auth.login.succeeded',
      resourceType: 'user',
      resourceId: 'u-1',
    });
    await audit.record(userContext(randomUUID()), { action: 'signing_key.rotated', organizationId: null });
    const platform = await rows(null);
    expect(platform.map((r) => Number(r.seq))).toEqual([1, 2]);
    expect(platform[1].prev_hash).toBe(platform[0].hash);
  });

  it('writes in the caller’s transaction: a rolled-back change leaves no event', async () => {
    const org = randomUUID();
    await expect(
      tx.run(userContext(org), async (ctx) => {
        await audit.record(ctx, { action: 'role.created', resourceType: 'role', resourceId: 'r-1' });
        throw new Error('change failed after the event was written');
      }),
    ).rejects.toThrow('change failed');
    expect(await rows(org)).toHaveLength(0);

    await tx.run(userContext(org), (ctx) => audit.record(ctx, { action: 'role.created' }));
    // Committed with the change; linked into the chain in the background right after.
    expect(await rows(org)).toHaveLength(1);
    await audit.linked();
    expect((await rows(org)).map((r) => [r.seq, r.prev_hash])).toEqual([['1', GENESIS_HASH]]);
  });

  it('keeps one unbroken chain under 8 concurrent writers', async () => {
    const org = randomUUID();
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 15; i++) {
            await tx.run(userContext(org, `writer-${w}`), async (ctx) => {
              await ctx.manager!.query('SELECT pg_sleep(0.001)');
              await audit.record(ctx, { action: 'model.updated', details: { w, i } });
            });
          }
        })(),
      ),
    );
    await audit.linked();
    const chain = await rows(org);
    expect(chain.map((r) => Number(r.seq))).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    chain.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : chain[i - 1].hash));
    const head = await h.env.db.query(`SELECT last_seq, last_hash FROM audit_chain_head WHERE chain = $1`, [org]);
    expect(head.rows[0]).toEqual({ last_seq: '120', last_hash: chain[119].hash });
  });

  it('buffers reads and denials and writes them on flush', async () => {
    const org = randomUUID();
    for (let i = 0; i < 5; i++) {
      audit.recordBuffered(userContext(org), { action: 'authz.denied', outcome: 'denied', details: { i } });
    }
    expect(await rows(org)).toHaveLength(0);
    expect(await audit.flush()).toBe(5);
    expect((await rows(org)).map((r) => r.details.i)).toEqual([0, 1, 2, 3, 4]);
    expect(audit.pending).toBe(0);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows', async () => {
    const org = randomUUID();
    await audit.record(userContext(org), { action: 'organization.updated' });
    await expect(
      h.env.db.query(`UPDATE audit_event SET action = 'b' WHERE organization_id = $1`, [org]),
    ).rejects.toThrow(/append-only/);
    await expect(h.env.db.query(`DELETE FROM audit_event WHERE organization_id = $1`, [org])).rejects.toThrow(
      /append-only/,
    );
    await expect(h.env.db.query(`TRUNCATE audit_event`)).rejects.toThrow(/cannot be truncated/);
    expect(await rows(org)).toHaveLength(1);
  });

  it('maps a malformed organization id to the platform chain instead of failing', async () => {
    await audit.record(userContext('not-a-uuid'), { action: 'authz.denied', outcome: 'denied' });
    const platform = await rows(null);
    expect(platform[platform.length - 1].details).toEqual({ organizationRef: 'not-a-uuid' });
  });
});
