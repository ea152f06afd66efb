import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where a caller stands in one fixed-window quota, for the `RateLimit` / `RateLimit-Policy` headers. */
export interface RateLimitState {
  /** The policy's name, e.g. `model-export`. */
  policy: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Requests left in the current window (0 when refused). */
  remaining: number;
  /** Seconds until the window restarts. */
  resetSeconds: number;
}

/**
 * Writes the IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers):
 * `RateLimit-Policy: "model-export";q=3;w=3600` and `RateLimit: "model-export";r=2;t=1800`.
 */
export function setRateLimitHeaders(reply: FastifyReply, state: RateLimitState): void {
  void reply
    .header('ratelimit-policy', `"${state.policy}";q=${state.limit};w=${state.windowSeconds}`)
    .header('ratelimit', `"${state.policy}";r=${Math.max(0, state.remaining)};t=${Math.max(0, state.resetSeconds)}`);
}

/**
 * The rate limits one request met, reported by the services that counted it (sign-in throttle,
 * fusion quota…) and written as `RateLimit` headers on whatever the request answers, errors
 * included. When several limits apply, the one with the fewest requests left is announced.
 */
export class RateLimitReport {
  private latest = new Map<string, RateLimitState>();

  /** Reports where the caller stands in a policy now; a later report of the same policy replaces it. */
  report(state: RateLimitState): void {
    this.latest.set(state.policy, state);
  }

  /** The most constraining of the limits reported, if any. */
  get current(): RateLimitState | undefined {
    let tightest: RateLimitState | undefined;
    for (const state of this.latest.values()) {
      if (!tightest || state.remaining < tightest.remaining) tightest = state;
    }
    return tightest;
  }
}

const reports = new WeakMap<object, RateLimitReport>();

/** The rate-limit report of an HTTP request, made on first use. */
export function rateLimitReportOf(request: FastifyRequest): RateLimitReport {
  let report = reports.get(request.raw);
  if (!report) reports.set(request.raw, (report = new RateLimitReport()));
  return report;
}

/** Writes the request's reported limit, unless its route already wrote its own headers. */
export function sendReportedRateLimit(request: FastifyRequest, reply: FastifyReply): void {
  const state = reports.get(request.raw)?.current;
  if (state && !reply.hasHeader('ratelimit')) setRateLimitHeaders(reply, state);
}
