import { Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../../../libs/config/src/index.js';
import { FaceFusionEngine } from '../../../../libs/inference/src/index.js';

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
