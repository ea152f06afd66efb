import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Platform administration and erasure (GDPR art. 17).
 *
 * - `user_account.status` gains `erased`: an erased account is a tombstone that keeps its id (the
 *   pseudonym the audit trail and other tables name) and nothing personal; it can never sign in
 *   or act again, and its id can never be taken by a new account.
 * - Audit events stop carrying personal data in their hashed content. The label of a person or
 *   API key acting (an email, a key name) lives in `audit_actor`, keyed by the actor id; personal
 *   values of `details` (emails, display names) live in `audit_event_personal`, keyed by event.
 *   Both are joined when the trail is read or exported, and deleted on erasure, which leaves every
 *   hash verifiable because none of them covers those values.
 * - Events written before this release still hold labels and emails inside their hashed content.
 *   They are NOT rewritten here: rewriting would change their hashes, which the signed
 *   checkpoints and the anchors published outside PostgreSQL name, so verification would fail
 *   (and history would be rewritten without a trace). Instead, erasure redacts the old events of
 *   the person it erases, one by one, and records each redaction (`audit_redaction`: the hash
 *   the redacted content chains to) under an `audit.redacted` event appended to the same chain,
 *   whose details carry the count and a digest of those records. Verification accepts a redacted
 *   event only through such a record covered by a verified `audit.redacted` event. The trigger
 *   admits that one UPDATE: under the `fusiongate.audit_redaction` setting, of `actor_label` and
 *   `details` only, never of the hashes or anything else.
 */
export class PeopleAdministration1765600000000 implements MigrationInterface {
  name = 'PeopleAdministration1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE user_account DROP CONSTRAINT user_account_status_check`);
    await q.query(`
      ALTER TABLE user_account ADD CONSTRAINT user_account_status_check
        CHECK (status IN ('active', 'disabled', 'erased'))`);
    await q.query(`ALTER TABLE user_account ADD COLUMN erased_at timestamptz`);
    // The admin list searches email and display name and sorts by email.
    await q.query(`CREATE INDEX user_account_created_idx ON user_account (created_at DESC, id DESC)`);

    await q.query(`
      CREATE TABLE audit_actor (
        actor_id text PRIMARY KEY,
        actor_type text NOT NULL,
        user_id uuid,
        label text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        erased_at timestamptz,
        CHECK ((label IS NULL) = (erased_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX audit_actor_user_idx ON audit_actor (user_id)`);

    await q.query(`
      CREATE TABLE audit_event_personal (
        event_id uuid PRIMARY KEY,
        user_id uuid,
        data jsonb NOT NULL
      )`);
    // No foreign key to audit_event (a reference would make TRUNCATE fail before the audit trigger
    // refuses it); retention deletes these rows with their events.
    await q.query(`CREATE INDEX audit_event_personal_user_idx ON audit_event_personal (user_id)`);

    await q.query(`
      CREATE TABLE audit_redaction (
        event_id uuid NOT NULL,
        redaction_event_id uuid NOT NULL,
        organization_id uuid,
        seq bigint NOT NULL,
        redacted_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (event_id, redaction_event_id)
      )`);
    // No foreign key: a record outlives its event when retention prunes the event, so the digest
    // its `audit.redacted` event carries can still be recomputed.
    await q.query(`CREATE INDEX audit_redaction_chain_idx ON audit_redaction (organization_id, seq)`);

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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('fusiongate.audit_retention', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(`DROP TABLE audit_redaction`);
    await q.query(`DROP TABLE audit_event_personal`);
    await q.query(`DROP TABLE audit_actor`);
    await q.query(`DROP INDEX user_account_created_idx`);
    await q.query(`ALTER TABLE user_account DROP COLUMN erased_at`);
    await q.query(`ALTER TABLE user_account DROP CONSTRAINT user_account_status_check`);
    await q.query(`
      ALTER TABLE user_account ADD CONSTRAINT user_account_status_check CHECK (status IN ('active', 'disabled'))`);
  }
}
