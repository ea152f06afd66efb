import { Module, type OnModuleInit } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { isUuid } from '#libs/common';
import { AppConfig } from '#libs/config';
import { OrganizationsModule } from '#libs/organizations';
import { PoliciesModule } from '#libs/policies';
import { PolicyService } from '#libs/policies';
import { StorageModule } from '#libs/storage';
import { ArtifactStore } from './artifact/artifact-store.js';
import { ArtifactValidationPool } from './artifact/artifact-validator.js';
import { modelRow } from './models/model-rows.js';
import { ModelEntity } from './models/model.entity.js';
import { ModelVersionEntity } from './models/model-version.entity.js';
import { ModelVersionService } from './models/model-version.service.js';
import { ModelService } from './models/model.service.js';

/**
 * Models, versions, artifact validation and export control. Brings the policy engine
 * (PoliciesModule) and uses the audit trail (AuditService) when its global module is present.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ModelEntity, ModelVersionEntity]),
    StorageModule,
    PoliciesModule,
    OrganizationsModule,
  ],
  providers: [
    ModelService,
    ModelVersionService,
    ArtifactStore,
    {
      // One pool per process: validation memory is bounded by its size, whatever the uploads.
      provide: ArtifactValidationPool,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new ArtifactValidationPool({
          concurrency: config.registry.validationConcurrency,
          maxQueue: config.registry.validationQueue,
          timeoutMs: config.registry.validationTimeoutMs,
          maxHeapMb: config.registry.validationMaxHeapMb,
          loadMaxBytes: config.registry.validationLoadMaxBytes,
        }),
    },
  ],
  exports: [ModelService, ModelVersionService, ArtifactStore, TypeOrmModule, PoliciesModule],
})
export class ModelRegistryModule implements OnModuleInit {
  constructor(
    private readonly policies: PolicyService,
    @InjectRepository(ModelEntity) private readonly models: Repository<ModelEntity>,
  ) {}

  /** Makes models checkable by id in `authz/check` and `authz/explain`. */
  onModuleInit(): void {
    this.policies.registerLoader('Model', async (organizationId, id) => {
      if (!isUuid(id)) return null;
      const model = await this.models.findOneBy({ id, organizationId });
      return model ? modelRow(model) : null;
    });
  }
}
