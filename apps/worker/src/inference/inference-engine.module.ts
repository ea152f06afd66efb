import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '#libs/common';
import { AppConfig } from '#libs/config';
import { FaceFusionEngine, type SessionReport } from '#libs/inference';

/** Turns the engine's per-thread session reports into the worker's model metrics. */
function sessionMetrics(): (report: SessionReport) => void {
  const held = new Map<number, { bytes: number; sessions: number }>();
  return (report) => {
    for (const event of report.events) {
      if (event.type === 'lookup') metrics.modelSessionCache.inc({ result: event.hit ? 'hit' : 'miss' });
      else metrics.modelLoad.observe({ provider: event.provider }, event.seconds);
    }
    held.set(report.threadId, { bytes: report.bytes, sessions: report.sessions });
    let bytes = 0;
    let sessions = 0;
    for (const h of held.values()) {
      bytes += h.bytes;
      sessions += h.sessions;
    }
    metrics.modelSessionBytes.set(bytes);
    metrics.modelSessions.set(sessions);
  };
}

/**
 * The worker's face-fusion engine, built once from configuration (pool size, execution provider,
 * session cache budget, pixel limit, codec) and closed with the application.
 */
@Module({
  providers: [
    {
      provide: FaceFusionEngine,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const logger = new Logger('InferenceEngine');
        const { inference } = config;
        const engine = await FaceFusionEngine.create({
          workers: inference.workers,
          executionProvider: inference.executionProvider,
          intraOpThreads: inference.intraOpThreads,
          memoryBudgetBytes: inference.memoryBudgetBytes,
          maxPixels: inference.maxPixels,
          codec: inference.codec,
          log: (message) => logger.log(message),
          onSessionReport: sessionMetrics(),
        });
        logger.log(
          `Face-fusion engine ready: ${engine.settings.executionProvider} provider requested, ` +
            `${inference.workers ?? 'default'} worker thread(s), codec ${engine.settings.codec}`,
        );
        return engine;
      },
    },
  ],
  exports: [FaceFusionEngine],
})
export class InferenceEngineModule implements OnApplicationShutdown {
  constructor(private readonly engine: FaceFusionEngine) {}

  async onApplicationShutdown(): Promise<void> {
    await this.engine.close();
  }
}
