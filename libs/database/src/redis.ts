import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

/** Injection token of the shared ioredis client (commands, not pub/sub subscriptions). */
export const REDIS = Symbol('REDIS');

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, ...options });
}

/** How long Redis is skipped by best-effort callers after one of their calls failed. */
export const REDIS_SUSPECT_MS = 1_000;
const suspectUntil = new WeakMap<Redis, number>();

/**
 * Runs a Redis call whose answer is an optimisation (a cache, a marker): on failure, or for
 * REDIS_SUSPECT_MS after one, `fallback` is returned at once, so a frozen Redis costs one command
 * timeout per second per process rather than one per call, and callers fall back to the database.
 */
export async function bestEffort<T, F>(redis: Redis, call: () => Promise<T>, fallback: F): Promise<T | F> {
  if ((suspectUntil.get(redis) ?? 0) > Date.now()) return fallback;
  try {
    return await call();
  } catch {
    suspectUntil.set(redis, Date.now() + REDIS_SUSPECT_MS);
    return fallback;
  }
}

/**
 * Queues lose jobs when Redis evicts keys; anything but `noeviction` earns a warning at boot.
 * Returns the policy found (or undefined when CONFIG is not allowed, as on managed Redis).
 */
export async function checkEvictionPolicy(redis: Redis, logger = new Logger('Redis')): Promise<string | undefined> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy !== 'noeviction') {
      logger.warn(
        `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued jobs may be silently dropped.`,
      );
    }
    return policy;
  } catch {
    logger.warn('Could not read Redis maxmemory-policy (CONFIG GET refused); make sure it is "noeviction".');
    return undefined;
  }
}
