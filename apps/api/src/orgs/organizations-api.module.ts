import { Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthModule } from '../../../../libs/auth/src/index.js';
import { isUuid } from '../../../../libs/common/src/index.js';
import { ModelEntity, modelRow } from '../../../../libs/model-registry/src/index.js';
import { OrganizationsModule } from '../../../../libs/organizations/src/index.js';
import { PolicyService } from '../../../../libs/policies/src/index.js';
import { ApiKeysController } from '../api-keys/api-keys.controller.js';
import { AuthzController } from '../authz/authz.controller.js';
import { InvitationsController, MembersController } from '../members/members.controller.js';
import { PoliciesController } from '../policies/policies.controller.js';
import { ProjectsController } from '../projects/projects.controller.js';
import { RolesController } from '../roles/roles.controller.js';
import { OrganizationsController } from './organizations.controller.js';

/**
 * Organizations, members, roles, projects, API keys, ABAC policies and `authz/*`. Exports the
 * policy engine so the app can register PoliciesGuard.
 */
@Module({
  imports: [OrganizationsModule, AuthModule],
  controllers: [
    OrganizationsController,
    MembersController,
    InvitationsController,
    RolesController,
    ProjectsController,
    ApiKeysController,
    PoliciesController,
    AuthzController,
  ],
  exports: [OrganizationsModule],
})
export class OrganizationsApiModule implements OnModuleInit {
  constructor(
    private readonly policies: PolicyService,
    private readonly dataSource: DataSource,
  ) {}

  /** Models become checkable by id in `authz/check` unless the registry registered its own loader. */
  onModuleInit(): void {
    if (this.policies.loaderFor('Model')) return;
    this.policies.registerLoader('Model', async (organizationId, id) => {
      if (!isUuid(id)) return null;
      const model = await this.dataSource.getRepository(ModelEntity).findOneBy({ id, organizationId });
      return model ? modelRow(model) : null;
    });
  }
}
