import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule, AuthService } from '#libs/auth';
import { OrganizationsModule } from '#libs/organizations';
import { OidcClients } from './oidc-clients.js';
import { OidcProviderEntity } from './oidc-provider.entity.js';
import { SsoLoginService } from './sso-login.service.js';
import { SsoProviderService } from './sso-provider.service.js';
import { UserIdentityEntity } from './user-identity.entity.js';

/**
 * Single sign-on (OpenID Connect): the platform's provider and organizations' own, sign-in with
 * account linking and role mapping, and the "SSO required" rule on password sign-in.
 */
@Module({
  imports: [AuthModule, OrganizationsModule, TypeOrmModule.forFeature([OidcProviderEntity, UserIdentityEntity])],
  providers: [OidcClients, SsoLoginService, SsoProviderService],
  exports: [SsoLoginService, SsoProviderService],
})
export class SsoModule implements OnModuleInit {
  constructor(
    private readonly auth: AuthService,
    private readonly sso: SsoLoginService,
  ) {}

  /** Password sign-in asks single sign-on whether the account must use it instead. */
  onModuleInit(): void {
    this.auth.addPasswordSignInRule((ctx, user) => this.sso.assertPasswordAllowed(ctx, user.id));
  }
}
