import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TooManyRequestsError } from '../../../common/src/index.js';
import { AppConfig } from '../../../config/src/index.js';
import { REDIS } from '../../../database/src/index.js';

/** What is being guessed: a password (per email) or a one-time code (per user). */
export type ThrottleScope = 'login' | 'totp';

const WINDOW_SECONDS = 3600;

/**
 * Brute-force defence, in Redis so every instance shares it. Three counters per failure, all in a
 * one-hour window that restarts after it lapses (so nobody is locked out for good):
 * - per subject and source IP: after `freeAttempts` failures each further one imposes a delay that
 *   doubles up to `maxDelaySeconds` (the attacker's own address slows down first);
 * - per subject, all IPs: at most `accountMaxFailuresPerHour` failures, then a lockout until the
 *   window ends (ASVS 2.2.1: no more than 100 failures per hour per account);
 * - per source IP, all subjects: at most `ipMaxFailuresPerHour` (spraying one password over many accounts).
 * Subjects are hashed, and unknown emails are counted exactly like known ones, so the answers do
 * not reveal whether an account exists. Refusals are 429 with Retry-After: `account_locked` for the
 * subject, `too_many_attempts` for the source address.
 */
@Injectable()
export class AttemptThrottleService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  private keys(scope: ThrottleScope, subject: string, ip: string | undefined) {
    const s = createHash('sha256').update(subject.toLowerCase()).digest('base64url').slice(0, 22);
    const source = ip ?? 'unknown';
    return {
      pair: `auth:thr:${scope}:pair:${s}:${source}`,
      lock: `auth:thr:${scope}:lock:${s}:${source}`,
      subject: `auth:thr:${scope}:subj:${s}`,
      ip: `auth:thr:${scope}:ip:${source}`,
    };
  }

  /** Throws 429 when the subject or source is currently held back. */
  async assertAllowed(scope: ThrottleScope, subject: string, ip: string | undefined): Promise<void> {
    const k = this.keys(scope, subject, ip);
    const limits = this.config.auth.throttle;
    const replies = await this.redis.multi().pttl(k.lock).get(k.subject).pttl(k.subject).get(k.ip).pttl(k.ip).exec();
    const [lockTtl, subjectCount, subjectTtl, ipCount, ipTtl] = (replies ?? []).map(([, v]) => v) as [
      number,
      string | null,
      number,
      string | null,
      number,
    ];
    if (lockTtl > 0) throw this.locked('account_locked', lockTtl);
    if (Number(subjectCount ?? 0) >= limits.accountMaxFailuresPerHour) throw this.locked('account_locked', subjectTtl);
    if (Number(ipCount ?? 0) >= limits.ipMaxFailuresPerHour) throw this.locked('too_many_attempts', ipTtl);
  }

  /** Counts a failed attempt and, past the free attempts, imposes the next delay on this pair. */
  async recordFailure(scope: ThrottleScope, subject: string, ip: string | undefined): Promise<void> {
    const k = this.keys(scope, subject, ip);
    const limits = this.config.auth.throttle;
    const replies = await this.redis
      .multi()
      .incr(k.pair)
      .expire(k.pair, WINDOW_SECONDS, 'NX')
      .incr(k.subject)
      .expire(k.subject, WINDOW_SECONDS, 'NX')
      .incr(k.ip)
      .expire(k.ip, WINDOW_SECONDS, 'NX')
      .exec();
    const pairCount = Number(replies?.[0]?.[1] ?? 0);
    const excess = pairCount - limits.freeAttempts;
    if (excess >= 0) {
      const delaySeconds = Math.min(2 ** excess, limits.maxDelaySeconds);
      await this.redis.set(k.lock, '1', 'EX', delaySeconds);
    }
  }

  /** A success clears the delays of this subject from this source (not the hourly ceilings). */
  async recordSuccess(scope: ThrottleScope, subject: string, ip: string | undefined): Promise<void> {
    const k = this.keys(scope, subject, ip);
    await this.redis.del(k.pair, k.lock);
  }

  private locked(code: 'account_locked' | 'too_many_attempts', ttlMs: number): TooManyRequestsError {
    const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return new TooManyRequestsError({
      code,
      detail:
        code === 'account_locked'
          ? `Too many failed attempts for this account; try again in ${retryAfterSeconds} s.`
          : `Too many failed attempts from this address; try again in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    });
  }
}
