import { Module } from '@nestjs/common';
import { ModelRegistryModule } from '#libs/model-registry';
import { ModelGrantsController } from './grants.controller.js';

/** Per-model grants under /orgs/:orgId/models/:modelId/grants (the policy engine's GrantService). */
@Module({
  imports: [ModelRegistryModule],
  controllers: [ModelGrantsController],
})
export class GrantsApiModule {}
