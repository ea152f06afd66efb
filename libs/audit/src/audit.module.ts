import { Global, Module } from '@nestjs/common';
import { AlertService } from './alerts/alert.service.js';
import { AuditAnchor } from './anchor.js';
import { AuditErasure } from './audit-erasure.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditReadService } from './audit-read.service.js';
import { AuditVerifier } from './audit-verifier.js';
import { AuditScheduler } from './audit.scheduler.js';
import { AuditSequencer } from './audit-sequencer.js';
import { AuditService } from './audit.service.js';
import { CheckpointService } from './checkpoint.service.js';
import { RetentionService } from './retention.service.js';
import { AuditSigningKeys } from './signing-keys.js';

/**
 * The audit trail. Global, so any domain module can inject AuditService without importing it.
 * Needs ConfigModule and DatabaseModule.
 */
@Global()
@Module({
  providers: [
    AuditService,
    AuditSequencer,
    AlertService,
    AuditSigningKeys,
    AuditAnchor,
    CheckpointService,
    AuditVerifier,
    RetentionService,
    AuditQueryService,
    AuditReadService,
    AuditScheduler,
    AuditErasure,
  ],
  exports: [
    AuditService,
    AuditSequencer,
    AuditErasure,
    AlertService,
    CheckpointService,
    AuditVerifier,
    RetentionService,
    AuditQueryService,
    AuditReadService,
  ],
})
export class AuditModule {}
