import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AbacPolicyEntity } from './abac-policy.entity.js';
import { AbacPolicyService } from './abac-policy.service.js';
import { GrantService } from './grant.service.js';
import { ModelGrantEntity } from './model-grant.entity.js';
import { PoliciesGuard } from './policies.guard.js';
import { PolicyVersionService } from './policy-version.service.js';
import { PolicyService } from './policy.service.js';
import { ProfileLoader } from './profile.loader.js';

/**
 * The policy engine. Needs ConfigModule and DatabaseModule; records audit events when AuditModule
 * (global) is present. The API registers PoliciesGuard as an APP_GUARD after authentication.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ModelGrantEntity, AbacPolicyEntity])],
  providers: [ProfileLoader, PolicyVersionService, PolicyService, GrantService, AbacPolicyService, PoliciesGuard],
  exports: [PolicyVersionService, PolicyService, GrantService, AbacPolicyService, PoliciesGuard],
})
export class PoliciesModule {}
