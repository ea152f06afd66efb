import { Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid } from '#libs/common';
import { AuthzService } from './authz.service.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AbacPolicyEntity } from './abac-policy.entity.js';
import { AbacPolicyService } from './abac-policy.service.js';
import { GrantService } from './grant.service.js';
import { ModelGrantEntity } from './model-grant.entity.js';
import { RouteAuthorizer } from './route-authorizer.js';
import { PolicyVersionService } from './policy-version.service.js';
import { PolicyService } from './policy.service.js';
import { PrincipalDirectoryRef } from './principal-directory.js';
import { ProfileLoader } from './profile.loader.js';

/**
 * The policy engine. Needs ConfigModule and DatabaseModule; records audit events when AuditModule
 * (global) is present; reads principals through the directory another library registers with
 * {@link PrincipalDirectoryRef} (OrganizationsModule does). The API's global guard calls RouteAuthorizer after authentication.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ModelGrantEntity, AbacPolicyEntity])],
  providers: [
    PrincipalDirectoryRef,
    ProfileLoader,
    PolicyVersionService,
    PolicyService,
    GrantService,
    AbacPolicyService,
    AuthzService,
    RouteAuthorizer,
  ],
  exports: [
    PrincipalDirectoryRef,
    PolicyVersionService,
    PolicyService,
    GrantService,
    AbacPolicyService,
    AuthzService,
    RouteAuthorizer,
  ],
})
export class PoliciesModule implements OnModuleInit {
  constructor(
    private readonly policies: PolicyService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const repo = this.dataSource.getRepository(AbacPolicyEntity);
    this.policies.registerLoader('Policy', async (organizationId, id) => {
      const row = isUuid(id) ? await repo.findOneBy({ id, organizationId }) : null;
      return row && { id: row.id, organizationId: row.organizationId };
    });
  }
}
