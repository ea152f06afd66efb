import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Takes one slot in each key when every key has fewer than its limit, atomically. A key is a
 * sorted set of slot tokens scored by their expiry, so a slot of a process that died mid-upload
 * frees itself (the TTL safety net) without a counter ever drifting.
 * KEYS: the sets; ARGV: now (ms), expiry (ms), token, then one limit per key.
 * Returns 0 when taken, else the 1-based index of the first key at its limit.
 */
const TAKE = `
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[3 + i]) then return i end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', key, tonumber(ARGV[2]))
end
return 0
`;

/** A limit on uploads in progress at once, over every API instance sharing the Redis. */
export interface SlotLimit {
  /** Redis key (the client's key prefix applies). */
  key: string;
  limit: number;
  /** What the limit counts per, for messages. */
  per: string;
}

/** Held slots; release them exactly once when the upload is over. */
export interface HeldSlots {
  release(): Promise<void>;
}

/**
 * Counts uploads in progress per user and per organization in Redis. `take` either holds one slot
 * under every limit or none (and names the limit that was full).
 */
export class UploadSlots {
  constructor(
    private readonly redis: Redis,
    /** How long a slot lives at most, should its upload never release it. */
    private readonly ttlMs: number,
  ) {}

  async take(limits: SlotLimit[]): Promise<{ held: HeldSlots } | { full: SlotLimit }> {
    const token = randomBytes(12).toString('base64url');
    const keys = limits.map((l) => l.key);
    const result = Number(
      await this.redis.eval(TAKE, keys.length, ...keys, Date.now(), this.ttlMs, token, ...limits.map((l) => l.limit)),
    );
    if (result > 0) return { full: limits[result - 1] };
    let released = false;
    return {
      held: {
        release: async () => {
          if (released) return;
          released = true;
          const multi = this.redis.multi();
          for (const key of keys) multi.zrem(key, token);
          await multi.exec();
        },
      },
    };
  }
}
