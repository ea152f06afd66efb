import { Logger } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';

/** Injection token of the shared ioredis client (commands, not pub/sub subscriptions). */
export const REDIS = Symbol('REDIS');

export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, ...options });
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
