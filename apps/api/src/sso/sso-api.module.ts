import { Module } from '@nestjs/common';
import { SsoModule } from '#libs/sso';
import { SsoProvidersController } from './sso-providers.controller.js';
import { SsoController } from './sso.controller.js';

/** Single sign-on: `/api/v1/auth/oidc/*` and `/api/v1/orgs/:orgId/sso/providers`. */
@Module({ imports: [SsoModule], controllers: [SsoController, SsoProvidersController] })
export class SsoApiModule {}
