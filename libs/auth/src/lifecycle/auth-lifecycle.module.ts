import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from '../auth.module.js';
import { UserLifecycleScheduler } from './user-lifecycle.scheduler.js';

/** The periodic account review; imported by the API app (not by the CLI). */
@Module({
  imports: [ScheduleModule.forRoot(), AuthModule],
  providers: [UserLifecycleScheduler],
  exports: [UserLifecycleScheduler],
})
export class AuthLifecycleModule {}
