import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { AuditModule } from '#libs/audit';
import { JobsModule } from '#libs/jobs';
import { InferenceEngineModule } from './inference/inference-engine.module.js';
import { FusionProcessor } from './processors/fusion.processor.js';
import { JobModelRefs } from './processors/job-model-refs.js';
import { ModelFiles } from './processors/model-files.js';
import { VideoSegmentFusion } from './processors/video-segment-fusion.js';
import { VideoProcessor } from './processors/video.processor.js';
import { WorkerHealth } from './worker-health.js';
import { WorkerTemp } from './processors/worker-temp.js';

/** The worker: no HTTP, same database and Redis as the API; consumes the fusion queue. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ applicationName: 'fusiongate-worker' }),
        AuditModule,
        JobsModule,
        InferenceEngineModule,
      ],
      providers: [
        ModelFiles,
        JobModelRefs,
        FusionProcessor,
        VideoProcessor,
        VideoSegmentFusion,
        WorkerTemp,
        WorkerHealth,
      ],
    };
  }
}
