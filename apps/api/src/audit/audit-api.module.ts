import { Module } from '@nestjs/common';
import { AuditModule } from '../../../../libs/audit/src/index.js';

/** The audit trail (global AuditService for every domain module) and its HTTP routes. */
@Module({
  imports: [AuditModule],
})
export class AuditApiModule {}
