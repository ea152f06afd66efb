import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import {
  AlertService,
  AuditService,
  AuditVerifier,
  CheckpointService,
  checkpointPayload,
  type Checkpoint,
} from '#libs/audit';
import { createAuditHarness, userContext, type AuditHarness } from './support.js';

const MINUTE = 60_000;

/** Chained checkpoints, their cadence, and the signer's refusal to sign over deleted checkpoints. */
describe('chained audit checkpoints', () => {
  let h: AuditHarness;
  let audit: AuditService;
  let verifier: AuditVerifier;
  let checkpoints: CheckpointService;

  beforeAll(async () => {
    // Cadence: a checkpoint at least every 1 min (idle) + 2 × 1 min; the scheduler itself is not
    // reached within this file, checkpoints are made by hand.
    h = await createAuditHarness({
      AUDIT_CHECKPOINT_INTERVAL_MS: String(MINUTE),
      AUDIT_CHECKPOINT_IDLE_INTERVAL_MS: '1000',
      AUDIT_CHECKPOINT_EVERY_EVENTS: '0',
    });
    audit = h.app.get(AuditService);
    verifier = h.app.get(AuditVerifier);
    checkpoints = h.app.get(CheckpointService);
  });
  afterAll(() => h.close());

  async function chainOf(n: number): Promise<string> {
    const org = randomUUID();
    const ctx = userContext(org);
    for (let i = 1; i <= n; i++) await audit.record(ctx, { action: 'model.updated', details: { i } });
    return org;
  }

  async function asOwner(sql: string, params: unknown[]): Promise<void> {
    await h.env.db.query(`ALTER TABLE audit_checkpoint DISABLE TRIGGER USER`);
    try {
      await h.env.db.query(sql, params);
    } finally {
      await h.env.db.query(`ALTER TABLE audit_checkpoint ENABLE TRIGGER USER`);
    }
  }

  it('numbers checkpoints and links each to the one before', async () => {
    const org = await chainOf(2);
    const [first] = await checkpoints.checkpointAll('on_demand', org);
    await audit.record(userContext(org), { action: 'model.updated' });
    const [second] = await checkpoints.checkpointAll('on_demand', org);
    expect(first).toMatchObject({ checkpointSeq: 1, prevCheckpointHash: null, seq: 2 });
    expect(second).toMatchObject({ checkpointSeq: 2, seq: 3 });
    expect(second.prevCheckpointHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifier.verify(org)).toMatchObject({ ok: true, checkpoints: 2 });
  });

  it('reports a chain with no recent checkpoint as overdue, judged at a later instant', async () => {
    const org = await chainOf(3);
    expect(await verifier.verify(org)).toMatchObject({ ok: true });
    const later = new Date(Date.now() + 10 * MINUTE);
    expect(await verifier.verify(org, { now: later })).toMatchObject({ ok: false, problem: 'checkpoint_overdue' });
    await checkpoints.checkpointAll('periodic', org);
    expect(await verifier.verify(org, { now: new Date(Date.now() + 2 * MINUTE) })).toMatchObject({ ok: true });
    expect(await verifier.verify(org, { now: later })).toMatchObject({ ok: false, problem: 'checkpoint_overdue' });
  });

  it('re-signs an idle chain after the idle interval (heartbeat), so a recent checkpoint always exists', async () => {
    const org = await chainOf(1);
    const [first] = await checkpoints.checkpointAll('periodic', org);
    expect(first).toMatchObject({ kind: 'periodic', checkpointSeq: 1 });
    expect(await checkpoints.checkpointAll('periodic', org)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_100));
    const [beat] = await checkpoints.checkpointAll('periodic', org);
    expect(beat).toMatchObject({ kind: 'heartbeat', checkpointSeq: 2, seq: 1 });
  });

  it('finds a gap when a checkpoint in the middle is deleted', async () => {
    const org = await chainOf(1);
    for (let i = 0; i < 3; i++) {
      await audit.record(userContext(org), { action: 'model.updated' });
      await checkpoints.checkpointAll('on_demand', org);
    }
    await asOwner(`DELETE FROM audit_checkpoint WHERE organization_id = $1 AND checkpoint_seq = 2`, [org]);
    expect(await verifier.verify(org)).toMatchObject({ ok: false, problem: 'checkpoint_missing' });
  });

  it('refuses to sign over deleted checkpoints, and verification reports them missing', async () => {
    const org = await chainOf(2);
    await checkpoints.checkpointAll('on_demand', org);
    await audit.record(userContext(org), { action: 'model.updated' });
    await checkpoints.checkpointAll('on_demand', org);
    await asOwner(`DELETE FROM audit_checkpoint WHERE organization_id = $1 AND checkpoint_seq = 2`, [org]);
    await audit.record(userContext(org), { action: 'model.updated' });
    // Signing checkpoint 2 again would make the chain of checkpoints look whole.
    expect(await checkpoints.checkpointAll('periodic', org)).toEqual([]);
    await expect(checkpoints.checkpointAll('on_demand', org)).rejects.toThrow(/deleted/);
    expect(await verifier.verify(org)).toMatchObject({ ok: false, problem: 'checkpoint_missing' });
    const alerts = h.app.get(AlertService);
    await alerts.idle();
    const page = await alerts.list(org, {});
    expect(page.items).toEqual([
      expect.objectContaining({
        rule: 'audit_checkpoints_missing',
        severity: 'high',
        details: { found: 1, committed: 2 },
      }),
    ]);
  });

  it('does not trust a signing key slipped into the database by someone without the secrets key', async () => {
    const org = await chainOf(2);
    await asOwner(`DELETE FROM audit_checkpoint WHERE organization_id = $1`, [org]);
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const [{ id: keyId }] = (
      await h.env.db.query(
        `INSERT INTO audit_signing_key (public_key, private_key_enc, active) VALUES ($1, 'not-sealed', false) RETURNING id`,
        [publicKey.export({ type: 'spki', format: 'pem' })],
      )
    ).rows;
    const [head] = (await h.env.db.query(`SELECT last_seq, last_hash FROM audit_chain_head WHERE chain = $1`, [org]))
      .rows;
    const forged: Omit<Checkpoint, 'id' | 'signature'> = {
      organizationId: org,
      kind: 'periodic',
      seq: Number(head.last_seq),
      hash: head.last_hash,
      prunedThroughSeq: null,
      prunedThroughHash: null,
      createdAt: new Date(),
      keyId,
      checkpointSeq: 1,
      prevCheckpointHash: null,
    };
    const signature = sign(null, Buffer.from(checkpointPayload(forged)), privateKey).toString('base64');
    await h.env.db.query(
      `INSERT INTO audit_checkpoint (organization_id, kind, seq, hash, created_at, key_id, signature, checkpoint_seq)
       VALUES ($1, 'periodic', $2, $3, $4, $5, $6, 1)`,
      [org, forged.seq, forged.hash, forged.createdAt, keyId, signature],
    );
    expect(await verifier.verify(org)).toMatchObject({ ok: false, problem: 'checkpoint_signature_invalid' });
  });
});
