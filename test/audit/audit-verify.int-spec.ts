import { randomUUID } from 'node:crypto';
import { AuditService, AuditVerifier, CheckpointService, RetentionService, chainHash } from '#libs/audit';
import { createAuditHarness, userContext, type AuditHarness } from './support.js';

describe('audit chain verification, checkpoints and retention', () => {
  let h: AuditHarness;
  let audit: AuditService;
  let verifier: AuditVerifier;
  let checkpoints: CheckpointService;
  let retention: RetentionService;

  beforeAll(async () => {
    h = await createAuditHarness();
    audit = h.app.get(AuditService);
    verifier = h.app.get(AuditVerifier);
    checkpoints = h.app.get(CheckpointService);
    retention = h.app.get(RetentionService);
  });
  afterAll(() => h.close());

  async function chainOf(n: number): Promise<string> {
    const org = randomUUID();
    const ctx = userContext(org);
    for (let i = 1; i <= n; i++) await audit.record(ctx, { action: 'model.updated', details: { i } });
    return org;
  }

  /** Runs SQL as the database owner with the append-only trigger switched off, as an attacker would. */
  async function tamper(sql: string, params: unknown[]): Promise<void> {
    await h.env.db.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    try {
      await h.env.db.query(sql, params);
    } finally {
      await h.env.db.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    }
  }

  it('reports an intact chain', async () => {
    const org = await chainOf(5);
    expect(await verifier.verify(org)).toMatchObject({
      ok: true,
      checkedEvents: 5,
      firstSeq: 1,
      lastSeq: 5,
      firstBrokenSeq: null,
    });
  });

  it('detects an edited event', async () => {
    const org = await chainOf(6);
    await tamper(`UPDATE audit_event SET details = '{"i": 99}' WHERE organization_id = $1 AND seq = 4`, [org]);
    expect(await verifier.verify(org)).toMatchObject({ ok: false, firstBrokenSeq: 4, problem: 'hash_mismatch' });
  });

  it('detects a deleted event in the middle and at the end', async () => {
    const middle = await chainOf(6);
    await tamper(`DELETE FROM audit_event WHERE organization_id = $1 AND seq = 3`, [middle]);
    expect(await verifier.verify(middle)).toMatchObject({ ok: false, firstBrokenSeq: 3, problem: 'missing' });

    const tail = await chainOf(6);
    await tamper(`DELETE FROM audit_event WHERE organization_id = $1 AND seq >= 5`, [tail]);
    expect(await verifier.verify(tail)).toMatchObject({ ok: false, firstBrokenSeq: 5, problem: 'missing' });
  });

  it('detects a tail truncation that also rewinds the chain head, thanks to a signed checkpoint', async () => {
    const org = await chainOf(6);
    await checkpoints.checkpointAll('on_demand', org);
    await tamper(`DELETE FROM audit_event WHERE organization_id = $1 AND seq >= 5`, [org]);
    const [four] = (await h.env.db.query(`SELECT hash FROM audit_event WHERE organization_id = $1 AND seq = 4`, [org]))
      .rows;
    await h.env.db.query(`UPDATE audit_chain_head SET last_seq = 4, last_hash = $2 WHERE chain = $1`, [org, four.hash]);
    expect(await verifier.verify(org)).toMatchObject({ ok: false, firstBrokenSeq: 5, problem: 'missing' });
  });

  it('detects inserted events: a replaced row, and a well-formed event appended behind the service', async () => {
    const replaced = await chainOf(6);
    const [three] = (
      await h.env.db.query(`SELECT * FROM audit_event WHERE organization_id = $1 AND seq = 3`, [replaced])
    ).rows;
    const forged = { ...three, actor_id: 'someone-else' };
    const forgedHash = chainHash(three.prev_hash, {
      organizationId: replaced,
      seq: 3,
      occurredAt: new Date(three.occurred_at),
      actorType: three.actor_type,
      actorId: forged.actor_id,
      actorUserId: three.actor_user_id,
      actorLabel: three.actor_label,
      action: three.action,
      resourceType: three.resource_type,
      resourceId: three.resource_id,
      outcome: three.outcome,
      ip: three.ip,
      userAgent: three.user_agent,
      requestId: three.request_id,
      details: three.details,
    });
    await tamper(`DELETE FROM audit_event WHERE id = $1`, [three.id]);
    await tamper(
      `INSERT INTO audit_event (organization_id, seq, occurred_at, actor_type, actor_id, actor_user_id, actor_label,
         action, resource_type, resource_id, outcome, ip, user_agent, request_id, details, prev_hash, hash)
       VALUES ($1, 3, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        replaced,
        three.occurred_at,
        three.actor_type,
        forged.actor_id,
        three.actor_user_id,
        three.actor_label,
        three.action,
        three.resource_type,
        three.resource_id,
        three.outcome,
        three.ip,
        three.user_agent,
        three.request_id,
        three.details,
        three.prev_hash,
        forgedHash,
      ],
    );
    // The forged event is internally consistent, but the next one still links to the original.
    expect(await verifier.verify(replaced)).toMatchObject({
      ok: false,
      firstBrokenSeq: 4,
      problem: 'prev_hash_mismatch',
    });

    const appended = await chainOf(3);
    const [last] = (
      await h.env.db.query(`SELECT * FROM audit_event WHERE organization_id = $1 AND seq = 3`, [appended])
    ).rows;
    const occurredAt = new Date();
    const hash = chainHash(last.hash, {
      organizationId: appended,
      seq: 4,
      occurredAt,
      actorType: 'user',
      actorId: 'ghost',
      actorUserId: null,
      actorLabel: null,
      action: 'model.deleted',
      resourceType: null,
      resourceId: null,
      outcome: 'allowed',
      ip: null,
      userAgent: null,
      requestId: null,
      details: {},
    });
    await h.env.db.query(
      `INSERT INTO audit_event (organization_id, seq, occurred_at, actor_type, actor_id, action, outcome, details, prev_hash, hash)
       VALUES ($1, 4, $2, 'user', 'ghost', 'model.deleted', 'allowed', '{}', $3, $4)`,
      [appended, occurredAt, last.hash, hash],
    );
    expect(await verifier.verify(appended)).toMatchObject({
      ok: false,
      firstBrokenSeq: 4,
      problem: 'unexpected_event',
    });
  });

  it('detects a checkpoint whose signature was forged', async () => {
    const org = await chainOf(2);
    const [c] = await checkpoints.checkpointAll('on_demand', org);
    await h.env.db.query(`ALTER TABLE audit_checkpoint DISABLE TRIGGER audit_checkpoint_append_only`);
    await h.env.db
      .query(`UPDATE audit_checkpoint SET seq = 1 WHERE id = $1`, [c.id])
      .finally(() => h.env.db.query(`ALTER TABLE audit_checkpoint ENABLE TRIGGER audit_checkpoint_append_only`));
    expect(await verifier.verify(org)).toMatchObject({ ok: false, problem: 'checkpoint_signature_invalid' });
  });

  it('periodic checkpoints sign only chains that moved, with an Ed25519 key stored encrypted', async () => {
    const org = await chainOf(3);
    const first = await checkpoints.checkpointAll('periodic');
    expect(first.find((c) => c.organizationId === org)).toMatchObject({ seq: 3, kind: 'periodic' });
    const again = await checkpoints.checkpointAll('periodic');
    expect(again.find((c) => c.organizationId === org)).toBeUndefined();
    const keys = await h.env.db.query(`SELECT public_key, private_key_enc FROM audit_signing_key`);
    expect(keys.rows).toHaveLength(1);
    expect(keys.rows[0].public_key).toContain('BEGIN PUBLIC KEY');
    expect(keys.rows[0].private_key_enc).not.toContain('PRIVATE KEY');
    expect(await verifier.verify(org)).toMatchObject({ ok: true, checkpoints: 1 });
  });

  it('retention deletes the old prefix, records a checkpoint and an event, and verification stays green', async () => {
    const org = await chainOf(3);
    await new Promise((r) => setTimeout(r, 20));
    const boundary = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const ctx = userContext(org);
    await audit.record(ctx, { action: 'model.updated', details: { i: 4 } });
    await audit.record(ctx, { action: 'model.updated', details: { i: 5 } });
    await checkpoints.checkpointAll('on_demand', org);

    // One day later, with a retention of one day, the first three events are past retention.
    const now = new Date(boundary.getTime() + 86_400_000);
    const result = await retention.apply(org, { retentionDays: 1, now });
    expect(result).toMatchObject({ prunedThroughSeq: 3, deleted: 3, retentionDays: 1 });
    const left = (
      await h.env.db.query(`SELECT seq, action FROM audit_event WHERE organization_id = $1 ORDER BY seq`, [org])
    ).rows;
    expect(left).toEqual([
      { seq: '4', action: 'model.updated' },
      { seq: '5', action: 'model.updated' },
      { seq: '6', action: 'audit.retention' },
    ]);
    const kinds = (
      await h.env.db.query(`SELECT kind, pruned_through_seq FROM audit_checkpoint WHERE organization_id = $1`, [org])
    ).rows;
    expect(kinds).toContainEqual({ kind: 'retention', pruned_through_seq: '3' });
    expect(await verifier.verify(org)).toMatchObject({ ok: true, prunedThroughSeq: 3, firstSeq: 4, lastSeq: 6 });

    // Running it again removes nothing more; deleting outside the job is still caught.
    expect(await retention.apply(org, { retentionDays: 1, now })).toMatchObject({ deleted: 0 });
    await tamper(`DELETE FROM audit_event WHERE organization_id = $1 AND seq = 4`, [org]);
    expect(await verifier.verify(org)).toMatchObject({ ok: false, firstBrokenSeq: 4, problem: 'missing' });
  });

  it('reads the retention of an organization from its settings', async () => {
    const org = await chainOf(2);
    await h.env.db.query(
      `INSERT INTO organization (id, name, slug, audit_retention_days) VALUES ($1, 'Retained', $2, 7)`,
      [org, `retained-${org.slice(0, 8)}`],
    );
    expect(await retention.apply(org, { now: new Date(Date.now() + 6 * 86_400_000) })).toMatchObject({
      retentionDays: 7,
      deleted: 0,
    });
    expect(await retention.apply(org, { now: new Date(Date.now() + 8 * 86_400_000) })).toMatchObject({
      retentionDays: 7,
      deleted: 2,
    });
    expect(await verifier.verify(org)).toMatchObject({ ok: true, prunedThroughSeq: 2 });
  });

  it('retention refuses to prune a prefix that was tampered with', async () => {
    const org = await chainOf(4);
    await tamper(`UPDATE audit_event SET action = 'x' WHERE organization_id = $1 AND seq = 2`, [org]);
    await expect(
      retention.apply(org, { retentionDays: 1, now: new Date(Date.now() + 5 * 86_400_000) }),
    ).rejects.toThrow(/Retention refused/);
    expect(
      (await h.env.db.query(`SELECT count(*) FROM audit_event WHERE organization_id = $1`, [org])).rows[0].count,
    ).toBe('4');
  });
});
