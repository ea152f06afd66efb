import { Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PolicyService, PrincipalDirectoryRef, sqlSubjectLoader } from '#libs/policies';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PoliciesModule } from '#libs/policies';
import { ApiKeyService, AuthModule } from '#libs/auth';
import { MailModule } from '#libs/mail';
import { InvitationEntity } from './invitation.entity.js';
import { InvitationService } from './invitation.service.js';
import { MembershipEntity } from './membership.entity.js';
import { MembershipService } from './membership.service.js';
import { OrganizationDirectory } from './organization-directory.js';
import { OrganizationEntity } from './organization.entity.js';
import { OrganizationService } from './organization.service.js';
import { ProjectEntity, ProjectMemberEntity } from './project.entity.js';
import { ProjectService } from './project.service.js';
import { RoleEntity } from './role.entity.js';
import { RoleService } from './role.service.js';

/**
 * Tenants, roles, memberships, invitations and projects. Re-exports the policy engine and supplies
 * its principal directory (the policy engine reads none of these tables itself).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      OrganizationEntity,
      RoleEntity,
      MembershipEntity,
      ProjectEntity,
      ProjectMemberEntity,
      InvitationEntity,
    ]),
    PoliciesModule,
    AuthModule,
    MailModule,
  ],
  providers: [
    OrganizationDirectory,
    OrganizationService,
    RoleService,
    MembershipService,
    InvitationService,
    ProjectService,
  ],
  exports: [OrganizationService, RoleService, MembershipService, InvitationService, ProjectService, PoliciesModule],
})
export class OrganizationsModule implements OnModuleInit {
  constructor(
    private readonly policies: PolicyService,
    private readonly dataSource: DataSource,
    private readonly directoryRef: PrincipalDirectoryRef,
    private readonly directory: OrganizationDirectory,
    private readonly apiKeys: ApiKeyService,
  ) {}

  /**
   * Supplies the policy engine's principal directory, and makes projects, roles, members, API keys
   * and the organization checkable by id in `authz/check`.
   */
  onModuleInit(): void {
    this.directoryRef.use(this.directory);
    this.policies.registerLoader('ApiKey', async (organizationId, id) => {
      const key = await this.apiKeys.find(id, { organizationId });
      return key && { id: key.id, organizationId: key.organizationId, projectId: key.projectId };
    });
    const byId = (sql: string) => sqlSubjectLoader(this.dataSource, sql);
    this.policies.registerLoader(
      'Project',
      byId(`SELECT id, organization_id AS "organizationId" FROM project WHERE id = $1 AND organization_id = $2`),
    );
    this.policies.registerLoader(
      'Role',
      byId(`SELECT id, organization_id AS "organizationId" FROM role WHERE id = $1 AND organization_id = $2`),
    );
    this.policies.registerLoader(
      'Member',
      byId(
        `SELECT user_id AS "userId", organization_id AS "organizationId" FROM membership WHERE user_id = $1 AND organization_id = $2`,
      ),
    );
    this.policies.registerLoader('Organization', byId(`SELECT id FROM organization WHERE id = $1 AND id = $2`));
  }
}
