import { Module } from '@nestjs/common';
import { AuditModule } from '#libs/audit';
import { AuditController } from './audit.controller.js';
import { DenialRecorder } from './denial-recorder.js';

/** The audit trail (global AuditService for every domain module), its HTTP routes, and denial recording. */
@Module({
  imports: [AuditModule],
  controllers: [AuditController],
  providers: [DenialRecorder],
})
export class AuditApiModule {}
