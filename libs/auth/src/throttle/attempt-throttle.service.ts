import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { metrics, TooManyRequestsError, type RateLimitState, type RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS } from '#libs/database';

/**
 * What is being guessed: a password (per email), a one-time code (per user), or an emailed token
 * (invitation, password reset: per source address, the subject being the kind of token).
 */
export type ThrottleScope = 'login' | 'totp' | 'token';

const WINDOW_SECONDS = 3600;

/** The RateLimit policy each scope is announced as. */
const POLICY_NAMES: Record<ThrottleScope, string> = { login: 'sign-in', totp: 'second-factor', token: 'emailed-token' };

/** What the throttle needs of a request: where it comes from, and where to report its standing. */
export type ThrottledRequest = Pick<RequestContext, 'ip' | 'rateLimits'>;

/**
 * Checks the limits and, when they allow it, counts the attempt as a failure in one atomic step,
 * so that a burst of parallel guesses cannot all pass the check before any of them is counted.
 * KEYS: pair, lock, subject, ip, known. ARGV: freeAttempts, maxDelaySeconds, accountMax, ipMax,
 * window. Answers {'ok', pairCount} or {code, ttlMs}.
 */
const RESERVE_SCRIPT = `
local lockTtl = redis.call('PTTL', KEYS[2])
if lockTtl > 0 then return {'account_locked', lockTtl} end
local known = redis.call('EXISTS', KEYS[5]) == 1
if not known and tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then
  return {'account_locked', redis.call('PTTL', KEYS[3])}
end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[4]) then
  return {'too_many_attempts', redis.call('PTTL', KEYS[4])}
end
local pair = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[5], 'NX')
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[5], 'NX')
redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[5], 'NX')
local excess = pair - tonumber(ARGV[1])
if excess >= 0 then
  local delay = tonumber(ARGV[2])
  if excess < 30 then delay = math.min(2 ^ excess, delay) end
  redis.call('SET', KEYS[2], '1', 'EX', string.format('%d', delay))
end
return {'ok', pair, tonumber(redis.call('GET', KEYS[3])), redis.call('PTTL', KEYS[3]), tonumber(redis.call('GET', KEYS[4])), redis.call('PTTL', KEYS[4]), known and 1 or 0}
`;

/**
 * Gives back a reserved attempt whose secret was right: the pair's delays are cleared and the
 * hourly counters no longer count it. KEYS: pair, lock, subject, ip.
 */
const REFUND_SCRIPT = `
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, 4 do
  if redis.call('EXISTS', KEYS[i]) == 1 and redis.call('DECR', KEYS[i]) <= 0 then redis.call('DEL', KEYS[i]) end
end
return {tonumber(redis.call('GET', KEYS[3]) or '0'), redis.call('PTTL', KEYS[3]), tonumber(redis.call('GET', KEYS[4]) or '0'), redis.call('PTTL', KEYS[4])}
`;

/**
 * Brute-force defence, in Redis so every instance shares it. Three counters per attempt, all in a
 * one-hour window that restarts after it lapses (so nobody is locked out for good):
 * - per subject and source IP: after `freeAttempts` attempts each further one imposes a delay that
 *   doubles up to `maxDelaySeconds` (the attacker's own address slows down first);
 * - per subject, all IPs: at most `accountMaxFailuresPerHour` failures, then a lockout until the
 *   window ends (ASVS 2.2.1: no more than 100 failures per hour per account), except from an
 *   address where the account signed in recently (`knownAddressSeconds`), so an attacker who
 *   knows the email cannot lock the owner out;
 * - per source IP, all subjects: at most `ipMaxFailuresPerHour` (spraying one password over many accounts).
 *
 * An attempt is reserved (checked and counted) atomically before the secret is verified, and
 * refunded when the secret proves right: no parallel burst evaluates more guesses than the limits
 * allow. Subjects are hashed, and unknown emails are counted exactly like known ones, so the
 * answers do not reveal whether an account exists. Refusals are 429 with Retry-After:
 * `account_locked` for the subject, `too_many_attempts` for the source address.
 *
 * Each reserve reports to the request's RateLimit headers the hourly ceiling of failures (policy
 * named after the scope, `q` = the per-account ceiling) and how many failures are left before the
 * subject or the source address is refused; a refusal reports none left until it lifts.
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
      known: `auth:thr:${scope}:known:${s}:${source}`,
    };
  }

  /**
   * Reserves one attempt before the secret is checked: throws 429 when the subject or source is
   * held back, otherwise counts the attempt as failed until `refund` says it was not.
   */
  async reserve(scope: ThrottleScope, subject: string, ctx: ThrottledRequest): Promise<void> {
    const k = this.keys(scope, subject, ctx.ip);
    const limits = this.config.auth.throttle;
    const [outcome, value, subjectCount, subjectTtl, ipCount, ipTtl, known] = (await this.redis.eval(
      RESERVE_SCRIPT,
      5,
      k.pair,
      k.lock,
      k.subject,
      k.ip,
      k.known,
      limits.freeAttempts,
      limits.maxDelaySeconds,
      limits.accountMaxFailuresPerHour,
      limits.ipMaxFailuresPerHour,
      WINDOW_SECONDS,
    )) as [string, number, number, number, number, number, number];
    if (outcome === 'account_locked' || outcome === 'too_many_attempts') {
      metrics.authLockouts.inc({ scope, reason: outcome });
      const refusal = this.locked(scope, outcome, value);
      if (refusal.rateLimit) ctx.rateLimits?.report(refusal.rateLimit);
      throw refusal;
    }
    // From an address the subject signed in from recently, only the address's ceiling applies.
    ctx.rateLimits?.report(this.standing(scope, known ? 0 : subjectCount, subjectTtl, ipCount, ipTtl));
  }

  /** Failures left in the hour before the subject or the source address is refused. */
  private standing(
    scope: ThrottleScope,
    subjectCount: number,
    subjectTtlMs: number,
    ipCount: number,
    ipTtlMs: number,
  ): RateLimitState {
    const limits = this.config.auth.throttle;
    const bySubject = limits.accountMaxFailuresPerHour - subjectCount;
    const byIp = limits.ipMaxFailuresPerHour - ipCount;
    const ttlMs = byIp < bySubject ? ipTtlMs : subjectTtlMs;
    return {
      policy: POLICY_NAMES[scope],
      limit: limits.accountMaxFailuresPerHour,
      windowSeconds: WINDOW_SECONDS,
      remaining: Math.max(0, Math.min(bySubject, byIp, limits.accountMaxFailuresPerHour)),
      resetSeconds: ttlMs > 0 ? Math.ceil(ttlMs / 1000) : WINDOW_SECONDS,
    };
  }

  /**
   * Reserves one guess of an emailed token of `kind` (invitation, password) from a source address.
   * The subject is the address itself, so failures from one address never hold back another, and
   * every refusal is 429 `too_many_attempts`. Refund with `refundTokenGuess` once the token is known.
   */
  async reserveTokenGuess(kind: string, ctx: ThrottledRequest): Promise<void> {
    await this.reserve('token', `${kind}:${ctx.ip ?? 'unknown'}`, ctx).catch((error: unknown) => {
      if (!(error instanceof TooManyRequestsError)) throw error;
      throw this.locked('token', 'too_many_attempts', (error.retryAfterSeconds ?? 1) * 1000);
    });
  }

  async refundTokenGuess(kind: string, ctx: ThrottledRequest): Promise<void> {
    await this.refund('token', `${kind}:${ctx.ip ?? 'unknown'}`, ctx);
  }

  /** The reserved attempt's secret was right: it stops counting, and this pair's delays are cleared. */
  async refund(scope: ThrottleScope, subject: string, ctx: ThrottledRequest): Promise<void> {
    const k = this.keys(scope, subject, ctx.ip);
    const [subjectCount, subjectTtl, ipCount, ipTtl] = (await this.redis.eval(
      REFUND_SCRIPT,
      4,
      k.pair,
      k.lock,
      k.subject,
      k.ip,
    )) as [number, number, number, number];
    ctx.rateLimits?.report(this.standing(scope, subjectCount, subjectTtl, ipCount, ipTtl));
  }

  /**
   * The subject signed in from this address: for `knownAddressSeconds` it is not locked out there
   * by failures from elsewhere (its own delays from this address still apply).
   */
  async rememberAddress(scope: ThrottleScope, subject: string, ip: string | undefined): Promise<void> {
    const seconds = this.config.auth.throttle.knownAddressSeconds;
    if (seconds <= 0 || !ip) return;
    await this.redis.set(this.keys(scope, subject, ip).known, '1', 'EX', seconds);
  }

  /**
   * Forgets everything kept about a subject (erasure): its counters, lock-outs and remembered
   * addresses, whatever the source address. MATCH patterns do not get the client's key prefix,
   * so it is added here and taken off the keys found before deleting them.
   */
  async forgetSubject(scope: ThrottleScope, subject: string): Promise<number> {
    const { subject: subjectKey, pair } = this.keys(scope, subject, '*');
    const prefix = `${this.config.redis.keyPrefix}:`;
    const patterns = [pair, pair.replace(':pair:', ':lock:'), pair.replace(':pair:', ':known:')];
    const found = new Set<string>([subjectKey]);
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}${pattern}`, 'COUNT', 500);
        cursor = next;
        for (const k of keys) found.add(k.startsWith(prefix) ? k.slice(prefix.length) : k);
      } while (cursor !== '0');
    }
    return this.redis.del(...found);
  }

  private locked(
    scope: ThrottleScope,
    code: 'account_locked' | 'too_many_attempts',
    ttlMs: number,
  ): TooManyRequestsError {
    const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return new TooManyRequestsError({
      rateLimit: {
        policy: POLICY_NAMES[scope],
        limit: this.config.auth.throttle.accountMaxFailuresPerHour,
        windowSeconds: WINDOW_SECONDS,
        remaining: 0,
        resetSeconds: retryAfterSeconds,
      },
      code,
      detail:
        code === 'account_locked'
          ? `Too many failed attempts for this account; try again in ${retryAfterSeconds} s.`
          : `Too many failed attempts from this address; try again in ${retryAfterSeconds} s.`,
      retryAfterSeconds,
    });
  }
}
