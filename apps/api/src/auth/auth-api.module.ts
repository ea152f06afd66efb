import { Module } from '@nestjs/common';
import { AuthModule } from '../../../../libs/auth/src/index.js';
import { AuthController } from './auth.controller.js';
import { JwksController } from './jwks.controller.js';
import { PasswordResetController } from './password-reset.controller.js';
import { AccountSetupController } from '../users/account-setup.controller.js';

/** HTTP routes of identity: `/api/v1/auth/*`, `/.well-known/jwks.json`, and account creation by admins. */
@Module({
  imports: [AuthModule],
  controllers: [AuthController, JwksController, PasswordResetController, AccountSetupController],
})
export class AuthApiModule {}
