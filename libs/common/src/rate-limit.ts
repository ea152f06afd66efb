import type { FastifyReply } from 'fastify';

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
