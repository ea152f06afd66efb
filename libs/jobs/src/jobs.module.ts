import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '#libs/auth';
import { AppConfig } from '#libs/config';
import { ModelRegistryModule } from '#libs/model-registry';
import { OrganizationsModule } from '#libs/organizations';
import { StorageModule } from '#libs/storage';
import { JobBlobs } from './job-blobs.js';
import { JobEvents } from './job-events.js';
import { JobExecutionService } from './job-execution.service.js';
import { JobMaintenanceService } from './job-maintenance.service.js';
import { JobQueue } from './job-queue.js';
import { JobUploads } from './job-uploads.js';
import { JobEntity } from './job.entity.js';
import { JobService } from './job.service.js';
import { FUSION_QUEUE } from './jobs.constants.js';
import { QuotaService } from './quota.service.js';
import { JobSegments } from './video/job-segments.js';
import { VideoProgress } from './video/video-progress.js';
import { VideoQueue } from './video/video-queue.js';

const EXPORTED = [
  JobService,
  JobExecutionService,
  JobMaintenanceService,
  JobQueue,
  JobEvents,
  JobBlobs,
  JobUploads,
  JobSegments,
  VideoQueue,
  VideoProgress,
];

/**
 * Fusion jobs: records, the Bull queue (producer side; consumers live in apps/worker), quotas,
 * progress events, inputs and results in the blob store. Used by the API and by the worker.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([JobEntity]),
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.redis.url,
        prefix: `${config.redis.keyPrefix}:bull`,
        defaultJobOptions: {
          attempts: config.jobs.attempts,
          backoff: { type: 'exponential', delay: config.jobs.backoffMs },
          removeOnComplete: true,
          removeOnFail: 1_000,
        },
        settings: {
          lockDuration: config.jobs.lockDurationMs,
          stalledInterval: config.jobs.stalledIntervalMs,
          maxStalledCount: 2,
        },
      }),
    }),
    BullModule.registerQueue({ name: FUSION_QUEUE }),
    AuthModule,
    ModelRegistryModule,
    OrganizationsModule,
    StorageModule,
  ],
  providers: [...EXPORTED, QuotaService],
  exports: [BullModule, ...EXPORTED],
})
export class JobsModule {}
