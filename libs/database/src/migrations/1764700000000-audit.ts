import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper-evident audit trail: hash-chained events (one chain per organization, one for the
 * platform), the head of each chain (locked to serialise writers), signed checkpoints, the audit
 * signing keys and alerts. UPDATE, DELETE and TRUNCATE on events are refused by triggers; the
 * retention job alone may delete, after setting `fusiongate.audit_retention` in its transaction.
 */
export class Audit1764700000000 implements MigrationInterface {
  name = 'Audit1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_chain_head (
        chain text PRIMARY KEY,
        organization_id uuid,
        last_seq bigint NOT NULL,
        last_hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE audit_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid,
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL,
        actor_id text NOT NULL,
        actor_user_id text,
        actor_label text,
        action text NOT NULL,
        resource_type text,
        resource_id text,
        outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
        ip text,
        user_agent text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        CONSTRAINT audit_event_chain_seq UNIQUE NULLS NOT DISTINCT (organization_id, seq)
      )`);
    await q.query(`CREATE INDEX audit_event_org_time ON audit_event (organization_id, occurred_at)`);
    await q.query(`CREATE INDEX audit_event_org_actor ON audit_event (organization_id, actor_id, seq)`);
    await q.query(`CREATE INDEX audit_event_org_action ON audit_event (organization_id, action, seq)`);
    await q.query(`CREATE INDEX audit_event_org_resource ON audit_event (organization_id, resource_type, resource_id)`);

    await q.query(`
      CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('fusiongate.audit_retention', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
      FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()`);
    await q.query(`
      CREATE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit tables cannot be truncated' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()`);

    await q.query(`
      CREATE TABLE audit_signing_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        public_key text NOT NULL,
        private_key_enc text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX audit_signing_key_one_active ON audit_signing_key (active) WHERE active`);

    await q.query(`
      CREATE TABLE audit_checkpoint (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid,
        kind text NOT NULL CHECK (kind IN ('periodic', 'on_demand', 'retention')),
        seq bigint NOT NULL,
        hash text NOT NULL,
        pruned_through_seq bigint,
        pruned_through_hash text,
        created_at timestamptz NOT NULL,
        key_id uuid NOT NULL REFERENCES audit_signing_key (id),
        signature text NOT NULL
      )`);
    await q.query(`CREATE INDEX audit_checkpoint_org ON audit_checkpoint (organization_id, created_at)`);
    await q.query(`
      CREATE FUNCTION audit_checkpoint_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit checkpoints are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
      FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate()`);

    await q.query(`
      CREATE TABLE alert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid,
        rule text NOT NULL,
        severity text NOT NULL,
        summary text NOT NULL,
        actor_id text,
        subject text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        event_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX alert_org_created ON alert (organization_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE alert`);
    await q.query(`DROP TABLE audit_checkpoint`);
    await q.query(`DROP FUNCTION audit_checkpoint_refuse_change()`);
    await q.query(`DROP TABLE audit_signing_key`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_event_refuse_change()`);
    await q.query(`DROP FUNCTION audit_refuse_truncate()`);
    await q.query(`DROP TABLE audit_chain_head`);
  }
}
