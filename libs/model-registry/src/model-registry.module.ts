import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PoliciesModule } from '../../policies/src/policies.module.js';
import { StorageModule } from '../../storage/src/storage.module.js';
import { ModelEntity } from './models/model.entity.js';
import { ModelVersionEntity } from './models/model-version.entity.js';
import { ModelVersionService } from './models/model-version.service.js';
import { ModelService } from './models/model.service.js';

/**
 * Models, versions, artifact validation and export control. Brings the policy engine
 * (PoliciesModule) and uses the audit trail (AuditService) when its global module is present.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ModelEntity, ModelVersionEntity]), StorageModule, PoliciesModule],
  providers: [ModelService, ModelVersionService],
  exports: [ModelService, ModelVersionService, TypeOrmModule, PoliciesModule],
})
export class ModelRegistryModule {}
