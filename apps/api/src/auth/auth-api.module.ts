import { Module } from '@nestjs/common';
import { AuthModule } from '#libs/auth';
import { AuthController } from './auth.controller.js';
import { JwksController } from './jwks.controller.js';
import { SessionsController } from './sessions.controller.js';
import { PasswordResetController } from './password-reset.controller.js';
import { AccountSetupController } from '../users/account-setup.controller.js';

/**
 * HTTP routes of identity: `/api/v1/auth/*` (sessions and password reset included),
 * `/.well-known/jwks.json`, and account creation by platform admins.
 */
@Module({
  imports: [AuthModule],
  controllers: [AuthController, SessionsController, JwksController, PasswordResetController, AccountSetupController],
})
export class AuthApiModule {}
