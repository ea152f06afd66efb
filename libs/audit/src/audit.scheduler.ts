import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { CheckpointService } from './checkpoint.service.js';
import { RetentionService } from './retention.service.js';

/**
 * Periodic signed checkpoints and retention, in every process that loads the audit module and
 * enables them (AUDIT_CHECKPOINT_INTERVAL_MS, AUDIT_RETENTION_INTERVAL_MS; 0 turns one off).
 */
@Injectable()
export class AuditScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditScheduler');
  private readonly timers: NodeJS.Timeout[] = [];
  private running?: Promise<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly checkpoints: CheckpointService,
    private readonly retention: RetentionService,
  ) {}

  onModuleInit(): void {
    const { checkpointIntervalMs, retentionIntervalMs } = this.config.audit;
    if (checkpointIntervalMs > 0) {
      this.every(checkpointIntervalMs, () => this.checkpoints.checkpointAll('periodic'));
    }
    if (retentionIntervalMs > 0) this.every(retentionIntervalMs, () => this.retention.applyAll());
  }

  async onApplicationShutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.running;
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    const timer = setInterval(() => {
      if (this.running) return;
      this.running = task()
        .catch((error: unknown) => this.logger.error({ err: error }, 'Scheduled audit task failed'))
        .finally(() => (this.running = undefined));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
