import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events are written unchained in the business transaction (`seq`, `prev_hash`, `hash`
 * NULL) and linked into their organization's hash chain right after commit by one sequencer at a
 * time (see AuditSequencer). `pos` is a monotonic position: the order events are listed, exported
 * and linked in. The append-only trigger admits exactly one change besides retention and
 * redaction: linking, which fills the three chain columns of an unlinked event and nothing else.
 */
export class AuditSequencer1767100000000 implements MigrationInterface {
  name = 'AuditSequencer1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_event ADD COLUMN pos bigint`);
    await q.query(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    await q.query(`
      UPDATE audit_event e SET pos = r.n
        FROM (SELECT id, row_number() OVER (ORDER BY occurred_at, organization_id NULLS FIRST, seq) AS n FROM audit_event) r
       WHERE e.id = r.id`);
    await q.query(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
    await q.query(`CREATE SEQUENCE audit_event_pos_seq OWNED BY audit_event.pos`);
    await q.query(`SELECT setval('audit_event_pos_seq', COALESCE((SELECT max(pos) FROM audit_event), 0) + 1, false)`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN pos SET DEFAULT nextval('audit_event_pos_seq')`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN pos SET NOT NULL`);
    await q.query(`ALTER TABLE audit_event ADD CONSTRAINT audit_event_pos_key UNIQUE (pos)`);
    await q.query(`CREATE INDEX audit_event_org_pos ON audit_event (organization_id, pos)`);
    await q.query(`CREATE INDEX audit_event_unlinked ON audit_event (organization_id, pos) WHERE seq IS NULL`);

    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_chain_seq`);
    await q.query(`
      CREATE UNIQUE INDEX audit_event_chain_seq ON audit_event (organization_id, seq) NULLS NOT DISTINCT
       WHERE seq IS NOT NULL`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN seq DROP NOT NULL`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN prev_hash DROP NOT NULL`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN hash DROP NOT NULL`);
    await q.query(`
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_linked_whole
        CHECK ((seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (prev_hash IS NULL))`);

    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        same_content boolean;
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('fusiongate.audit_retention', true) = 'on' THEN
          RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' THEN
          same_content := NEW.id = OLD.id AND NEW.pos = OLD.pos
            AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id
            AND NEW.occurred_at = OLD.occurred_at
            AND NEW.actor_type = OLD.actor_type AND NEW.actor_id = OLD.actor_id
            AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
            AND NEW.action = OLD.action AND NEW.resource_type IS NOT DISTINCT FROM OLD.resource_type
            AND NEW.resource_id IS NOT DISTINCT FROM OLD.resource_id AND NEW.outcome = OLD.outcome
            AND NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent
            AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id;
          -- Linking: an unlinked event gets its place in the chain, once.
          IF same_content AND OLD.seq IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
             AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
             AND NEW.actor_label IS NOT DISTINCT FROM OLD.actor_label AND NEW.details = OLD.details THEN
            RETURN NEW;
          END IF;
          IF same_content AND current_setting('fusiongate.audit_redaction', true) = 'on'
             AND NEW.seq IS NOT DISTINCT FROM OLD.seq
             AND NEW.prev_hash IS NOT DISTINCT FROM OLD.prev_hash AND NEW.hash IS NOT DISTINCT FROM OLD.hash THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('fusiongate.audit_retention', true) = 'on' THEN
          RETURN OLD;
        END IF;
        IF TG_OP = 'UPDATE' AND current_setting('fusiongate.audit_redaction', true) = 'on'
           AND NEW.id = OLD.id AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id
           AND NEW.seq = OLD.seq AND NEW.occurred_at = OLD.occurred_at
           AND NEW.actor_type = OLD.actor_type AND NEW.actor_id = OLD.actor_id
           AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
           AND NEW.action = OLD.action AND NEW.resource_type IS NOT DISTINCT FROM OLD.resource_type
           AND NEW.resource_id IS NOT DISTINCT FROM OLD.resource_id AND NEW.outcome = OLD.outcome
           AND NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent
           AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
           AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    // Unlinked events cannot be represented in the old schema: link them (the sequencer) first.
    await q.query(`ALTER TABLE audit_event DROP CONSTRAINT audit_event_linked_whole`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN hash SET NOT NULL`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN prev_hash SET NOT NULL`);
    await q.query(`ALTER TABLE audit_event ALTER COLUMN seq SET NOT NULL`);
    await q.query(`DROP INDEX audit_event_chain_seq`);
    await q.query(
      `ALTER TABLE audit_event ADD CONSTRAINT audit_event_chain_seq UNIQUE NULLS NOT DISTINCT (organization_id, seq)`,
    );
    await q.query(`DROP INDEX audit_event_unlinked`);
    await q.query(`DROP INDEX audit_event_org_pos`);
    await q.query(`ALTER TABLE audit_event DROP COLUMN pos`);
  }
}
