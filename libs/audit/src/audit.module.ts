import { Global, Module } from '@nestjs/common';
import { AlertService } from './alerts/alert.service.js';
import { AuditService } from './audit.service.js';

/**
 * The audit trail. Global, so any domain module can inject AuditService without importing it.
 * Needs ConfigModule and DatabaseModule.
 */
@Global()
@Module({
  providers: [AuditService, AlertService],
  exports: [AuditService, AlertService],
})
export class AuditModule {}
