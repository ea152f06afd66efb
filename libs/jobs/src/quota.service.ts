import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TooManyRequestsError } from '#libs/common';
import type { RateLimitState } from '#libs/common';

/** The RateLimit policy the daily fusion quota is announced as. */
const QUOTA_POLICY = 'fusion-daily';

/** The usage row standing for the whole organization (per-member rows use the member's id). */
const ORGANIZATION_TOTAL = '00000000-0000-0000-0000-000000000000';

/** The calendar day and the seconds left in it, in an IANA timezone. */
export function dayIn(timezone: string, now: Date): { day: string; secondsLeft: number } {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  const elapsed = Number(get('hour')) * 3600 + Number(get('minute')) * 60 + Number(get('second'));
  return { day: `${get('year')}-${get('month')}-${get('day')}`, secondsLeft: Math.max(1, 86_400 - elapsed) };
}

/**
 * Daily inference quotas, counted in PostgreSQL inside the submitting transaction: the increment
 * is conditional on the count being under the limit, so parallel submissions serialise on the
 * usage row and never overshoot, and a submission that rolls back gives its unit back.
 * `reserve` answers where the caller stands in the quota that runs out first, for the
 * `RateLimit` headers.
 */
@Injectable()
export class QuotaService {
  async reserve(
    manager: EntityManager,
    input: {
      organizationId: string;
      userId: string;
      timezone: string;
      organizationLimit: number | null;
      memberLimit: number | null;
      now: Date;
      /** Units this submission takes: 1 for an image, the frame count for a video (default 1). */
      units?: number;
    },
  ): Promise<RateLimitState | undefined> {
    const { day, secondsLeft } = dayIn(input.timezone, input.now);
    const units = Math.max(1, Math.floor(input.units ?? 1));
    const standing = (limit: number, used: number): RateLimitState => ({
      policy: QUOTA_POLICY,
      limit,
      windowSeconds: 86_400,
      remaining: Math.max(0, limit - used),
      resetSeconds: secondsLeft,
    });
    const take = async (userId: string, limit: number | null, scope: 'organization' | 'member') => {
      if (limit === null) return undefined;
      const rows: { count: number }[] =
        limit <= 0 || units > limit
          ? []
          : await manager.query(
              `INSERT INTO job_usage (organization_id, user_id, day, count) VALUES ($1, $2, $3, $5)
               ON CONFLICT (organization_id, user_id, day) DO UPDATE SET count = job_usage.count + $5
               WHERE job_usage.count + $5 <= $4
               RETURNING count`,
              [input.organizationId, userId, day, limit, units],
            );
      if (rows.length === 0) {
        throw new TooManyRequestsError({
          code: 'quota_exceeded',
          detail:
            (scope === 'organization'
              ? `The organization's daily quota of ${limit} fusion job(s) is used up; it renews at midnight (${input.timezone}).`
              : `Your daily quota of ${limit} fusion job(s) in this organization is used up; it renews at midnight (${input.timezone}).`) +
            (units > 1 ? ` A video counts one unit per frame; this one needs ${units}.` : ''),
          retryAfterSeconds: secondsLeft,
          extensions: { scope, limit, ...(units > 1 ? { units } : {}) },
          rateLimit: standing(limit, limit),
        });
      }
      return standing(limit, Number(rows[0]!.count));
    };
    const organization = await take(ORGANIZATION_TOTAL, input.organizationLimit, 'organization');
    const member = await take(input.userId, input.memberLimit, 'member');
    // The quota that runs out first is the one announced.
    if (!organization || !member) return organization ?? member;
    return member.remaining < organization.remaining ? member : organization;
  }

  /** Jobs counted today (organization total and, when given, one member's). */
  async usage(
    manager: EntityManager,
    organizationId: string,
    timezone: string,
    now: Date,
    userId?: string,
  ): Promise<{ organization: number; member?: number }> {
    const { day } = dayIn(timezone, now);
    const rows: Array<{ user_id: string; count: number }> = await manager.query(
      `SELECT user_id, count FROM job_usage WHERE organization_id = $1 AND day = $2 AND user_id = ANY($3)`,
      [organizationId, day, [ORGANIZATION_TOTAL, ...(userId ? [userId] : [])]],
    );
    const of = (id: string) => rows.find((r) => r.user_id === id)?.count ?? 0;
    return { organization: of(ORGANIZATION_TOTAL), ...(userId ? { member: of(userId) } : {}) };
  }
}
