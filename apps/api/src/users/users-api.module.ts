import { Module, type OnModuleInit } from '@nestjs/common';
import { AuthModule, UserAdministrationService } from '#libs/auth';
import { MembershipService, OrganizationsModule } from '#libs/organizations';
import { UsersController } from './users.controller.js';

/** Platform administration of accounts: `/api/v1/users/*` (platform administrators only). */
@Module({ imports: [AuthModule, OrganizationsModule], controllers: [UsersController] })
export class UsersApiModule implements OnModuleInit {
  constructor(
    private readonly users: UserAdministrationService,
    private readonly memberships: MembershipService,
  ) {}

  /**
   * Erasure reaches the organizations' data through their own service (memberships, project
   * memberships, grants, invitations to the email). Fusion jobs keep the erased account's id: they
   * are the organization's work, name no one once the account is a tombstone, and their inputs are
   * already gone.
   */
  onModuleInit(): void {
    this.users.onErase(async (ctx, subject, manager) => {
      await this.memberships.eraseMemberIn(ctx, manager, { userId: subject.id, email: subject.email });
    });
    this.users.retainOnErasure('job');
  }
}
