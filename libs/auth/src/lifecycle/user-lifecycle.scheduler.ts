import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Redis } from 'ioredis';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { REDIS } from '#libs/database';
import { UserLifecycleService } from './user-lifecycle.service.js';

const LOCK_KEY = 'auth:lifecycle:lock';

/**
 * Runs the account review every AUTH_LIFECYCLE_INTERVAL_SECONDS (0 turns it off): disables
 * accounts past their expiry and logs the inactive ones. A Redis lock lets one instance run it
 * per interval however many API instances there are.
 */
@Injectable()
export class UserLifecycleScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger('UserLifecycle');

  constructor(
    private readonly lifecycle: UserLifecycleService,
    private readonly registry: SchedulerRegistry,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.auth.lifecycleIntervalSeconds;
    if (seconds <= 0) return;
    const timer = setInterval(() => void this.tick(seconds), seconds * 1000);
    timer.unref();
    this.registry.addInterval('auth-user-lifecycle', timer);
  }

  /** One review; returns false when another instance holds this interval's lock. */
  async tick(intervalSeconds = this.config.auth.lifecycleIntervalSeconds): Promise<boolean> {
    const ttl = Math.max(1, intervalSeconds - 1);
    if (!(await this.redis.set(LOCK_KEY, '1', 'EX', ttl, 'NX').catch(() => null))) return false;
    try {
      const ctx = RequestContext.system('user-lifecycle');
      const expired = await this.lifecycle.disableExpired(ctx);
      if (expired.length) this.logger.log(`Disabled ${expired.length} expired account(s)`);
      const inactive = await this.lifecycle.listInactive(ctx);
      if (inactive.length) {
        this.logger.warn(
          `${inactive.length} account(s) inactive for ${this.config.auth.inactiveDays}+ days, for review (npm run cli -- users:review): ` +
            inactive.map((u) => u.email).join(', '),
        );
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Account review failed');
    }
    return true;
  }
}
