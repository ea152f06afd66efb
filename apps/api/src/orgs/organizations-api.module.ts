import { Module, type OnModuleInit } from '@nestjs/common';
import { ApiKeyService, AuthModule } from '#libs/auth';
import { MembershipService, OrganizationsModule } from '#libs/organizations';
import { ApiKeysController } from '../api-keys/api-keys.controller.js';
import { AuthzController } from '../authz/authz.controller.js';
import { InvitationsController, OrganizationInvitationsController } from '../members/invitations.controller.js';
import { MembersController } from '../members/members.controller.js';
import { PoliciesController } from '../policies/policies.controller.js';
import { ProjectsController } from '../projects/projects.controller.js';
import { RolesController } from '../roles/roles.controller.js';
import { OrganizationsController } from './organizations.controller.js';

/**
 * Organizations, members, roles, projects, API keys, ABAC policies and `authz/*`. Exports the
 * policy engine so the app's guard can authorize routes.
 */
@Module({
  imports: [OrganizationsModule, AuthModule],
  controllers: [
    OrganizationsController,
    MembersController,
    InvitationsController,
    OrganizationInvitationsController,
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
    private readonly memberships: MembershipService,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /** A member's API keys end with the membership (same transaction), so re-adding them revives none. */
  onModuleInit(): void {
    this.memberships.onMembershipEnded(async (ctx, organizationId, userId) => {
      await this.apiKeys.revokeCreatedBy(ctx, organizationId, userId);
    });
  }
}
