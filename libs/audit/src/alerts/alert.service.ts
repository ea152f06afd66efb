import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, type Page } from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS } from '#libs/database';
import type { WrittenEvent } from '../audit-chain.js';
import { postSignedWebhook } from '../signed-webhook.js';
import {
  actorName,
  attemptedAccount,
  counterSubject,
  EXPORT_ACTIONS,
  isExportRateLimitRefusal,
  isPersonalAccess,
  localHour,
  LOGIN_FAILURE_ACTIONS,
  removesDenyPolicy,
  withinHours,
  type AlertRule,
} from './alert-rules.js';

/** A raised alert, as stored and listed. */
export interface AlertRecord {
  id: string;
  organizationId: string | null;
  rule: AlertRule;
  severity: 'low' | 'medium' | 'high';
  summary: string;
  actorId: string | null;
  subject: string | null;
  details: Record<string, unknown>;
  eventId: string | null;
  createdAt: Date;
}

interface AlertRow {
  id: string;
  organization_id: string | null;
  rule: AlertRule;
  severity: AlertRecord['severity'];
  summary: string;
  actor_id: string | null;
  subject: string | null;
  details: Record<string, unknown>;
  event_id: string | null;
  created_at: Date;
}

/** An alert to raise: everything but what storing it assigns. */
export type NewAlert = Omit<AlertRecord, 'id' | 'createdAt'>;

/**
 * Evaluates alert rules on committed audit events. Counters live in Redis (fixed windows), so
 * every API and worker process contributes to the same counts; each rule fires once per window.
 * An alert is stored, logged, and POSTed to the configured webhook with an HMAC signature.
 */
@Injectable()
export class AlertService {
  private readonly logger = new Logger('AuditAlerts');
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Runs the rules on committed events, in the background; failures are logged, never thrown. */
  evaluate(events: WrittenEvent[]): void {
    if (events.length === 0) return;
    const work = this.evaluateAll(events).catch((error: unknown) =>
      this.logger.error({ err: error }, 'Alert evaluation failed'),
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Resolves when every evaluation and webhook delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Alerts of an organization, newest first. */
  async list(organizationId: string, page: { limit?: number; cursor?: string }): Promise<Page<AlertRecord>> {
    const limit = page.limit ?? 50;
    const params: unknown[] = [organizationId, limit + 1];
    let where = 'organization_id = $1';
    if (page.cursor) {
      const c = decodeCursor<{ t: string; id: string }>(page.cursor, { t: 'timestamp', id: 'uuid' });
      params.push(c.t, c.id);
      where += ' AND (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    const rows: AlertRow[] = await this.dataSource.query(
      `SELECT * FROM alert WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit).map(toAlert);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items,
      nextCursor: last ? encodeCursor({ t: new Date(last.created_at).toISOString(), id: last.id }) : null,
    };
  }

  private async evaluateAll(events: WrittenEvent[]): Promise<void> {
    for (const event of events) {
      for (const alert of await this.rulesFor(event)) await this.raise(alert, event);
    }
  }

  private async rulesFor(event: WrittenEvent): Promise<NewAlert[]> {
    const a = this.config.alerts;
    const out: NewAlert[] = [];
    const base = { organizationId: event.organizationId, actorId: event.actorId, eventId: event.id };

    if (EXPORT_ACTIONS.has(event.action) && event.outcome === 'allowed') {
      const count = await this.countInWindow(`export:${event.organizationId}:${event.actorId}`, a.exportWindowSeconds);
      if (count === a.exportThreshold + 1) {
        out.push({
          ...base,
          rule: 'bulk_export',
          severity: 'high',
          summary: `More than ${a.exportThreshold} exports by ${actorName(event)} within ${a.exportWindowSeconds} s`,
          subject: event.actorId,
          details: { count, windowSeconds: a.exportWindowSeconds, lastAction: event.action },
        });
      }
    }

    if (isExportRateLimitRefusal(event)) {
      // Once per actor and window, however many refused attempts follow.
      const refusals = await this.countInWindow(
        `exportlimit:${event.organizationId}:${event.actorId}`,
        a.exportWindowSeconds,
      );
      if (refusals === 1) {
        out.push({
          ...base,
          rule: 'bulk_export',
          severity: 'high',
          summary: `${actorName(event)} went over the export rate limit`,
          subject: event.actorId,
          details: { reason: 'rate_limited', windowSeconds: a.exportWindowSeconds, lastAction: event.action },
        });
      }
    }

    if (event.outcome === 'denied') {
      const subject = counterSubject(event);
      const count = await this.countInWindow(`denial:${event.organizationId}:${subject}`, a.denialWindowSeconds);
      if (count === a.denialThreshold) {
        out.push({
          ...base,
          rule: 'denial_burst',
          severity: 'medium',
          summary: `${count} denied requests by ${event.actorType === 'anonymous' ? subject : actorName(event)} within ${a.denialWindowSeconds} s`,
          subject,
          details: { count, windowSeconds: a.denialWindowSeconds, lastAction: event.action },
        });
      }
    }

    if (LOGIN_FAILURE_ACTIONS.has(event.action) && event.ip) {
      const accounts = await this.distinctInWindow(
        `loginfail:${event.ip}`,
        attemptedAccount(event),
        a.loginFailureWindowSeconds,
      );
      if (accounts === a.loginFailureAccounts) {
        out.push({
          ...base,
          rule: 'login_failures_many_accounts',
          severity: 'high',
          summary: `Failed logins for ${accounts} accounts from ${event.ip} within ${a.loginFailureWindowSeconds} s`,
          subject: event.ip,
          details: { accounts, windowSeconds: a.loginFailureWindowSeconds, ip: event.ip },
        });
      }
    }

    if (removesDenyPolicy(event)) {
      const deleted = event.action === 'policy.deleted';
      out.push({
        ...base,
        rule: 'deny_policy_removed',
        severity: 'high',
        summary: `${actorName(event)} ${deleted ? 'deleted' : 'disabled'} deny policy ${event.resourceId ?? ''}`.trim(),
        subject: event.resourceId,
        details: {
          policyId: event.resourceId,
          change: deleted ? 'deleted' : 'disabled',
          ...(typeof event.details.name === 'string' ? { name: event.details.name } : {}),
        },
      });
    }

    const hours = this.config.audit.usualHours;
    if (hours && isPersonalAccess(event)) {
      const { hour, date } = localHour(event.occurredAt, this.config.audit.usualTimezone);
      if (!withinHours(hour, hours)) {
        const first = await this.redis.set(
          `audit:alert:offhours:${event.organizationId}:${event.actorId}:${date}`,
          '1',
          'EX',
          2 * 86_400,
          'NX',
        );
        if (first === 'OK') {
          out.push({
            ...base,
            rule: 'off_hours_access',
            severity: 'low',
            summary: `${actorName(event)} acted at ${String(hour).padStart(2, '0')}:00 ${this.config.audit.usualTimezone}, outside usual hours ${hours.start}-${hours.end}`,
            subject: event.actorId,
            details: { hour, timezone: this.config.audit.usualTimezone, action: event.action },
          });
        }
      }
    }
    return out;
  }

  /** Increments a fixed-window counter and returns its value. */
  private async countInWindow(key: string, windowSeconds: number): Promise<number> {
    const bucket = Math.floor(Date.now() / 1000 / windowSeconds);
    const full = `audit:alert:${key}:${bucket}`;
    const [[, count]] = (await this.redis
      .multi()
      .incr(full)
      .expire(full, windowSeconds * 2)
      .exec()) as [[Error | null, number]];
    return count;
  }

  /** Adds a member to a fixed-window set; returns the set's size when the member is new, else 0. */
  private async distinctInWindow(key: string, member: string, windowSeconds: number): Promise<number> {
    const bucket = Math.floor(Date.now() / 1000 / windowSeconds);
    const full = `audit:alert:${key}:${bucket}`;
    const results = (await this.redis
      .multi()
      .sadd(full, member)
      .scard(full)
      .expire(full, windowSeconds * 2)
      .exec()) as [Error | null, number][];
    return results[0][1] === 1 ? results[1][1] : 0;
  }

  /**
   * Raises an alert that no single audit event carries, such as signs that the audit trail itself
   * was tampered with (stored, logged and sent like any other).
   */
  async raiseDirect(alert: NewAlert): Promise<void> {
    await this.raise(alert, null);
  }

  private async raise(alert: NewAlert, event: WrittenEvent | null): Promise<void> {
    const rows: AlertRow[] = await this.dataSource.query(
      `INSERT INTO alert (organization_id, rule, severity, summary, actor_id, subject, details, event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        alert.organizationId,
        alert.rule,
        alert.severity,
        alert.summary,
        alert.actorId,
        alert.subject,
        JSON.stringify(alert.details),
        event?.id ?? null,
      ],
    );
    const stored = toAlert(rows[0]);
    this.logger.warn({ alert: stored }, `Security alert: ${stored.summary}`);
    if (this.config.alerts.webhookUrl) {
      const delivery = this.deliver(stored).catch((error: unknown) =>
        this.logger.error({ err: error, alertId: stored.id }, 'Alert webhook delivery failed'),
      );
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** POSTs the alert as JSON, signed (see postSignedWebhook). */
  private deliver(alert: AlertRecord): Promise<void> {
    const { webhookUrl, webhookSecret } = this.config.alerts;
    return postSignedWebhook(webhookUrl!, { type: 'fusiongate.alert', alert }, webhookSecret);
  }
}

export function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    rule: row.rule,
    severity: row.severity,
    summary: row.summary,
    actorId: row.actor_id,
    subject: row.subject,
    details: row.details,
    eventId: row.event_id,
    createdAt: new Date(row.created_at),
  };
}
