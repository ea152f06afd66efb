import { Module } from '@nestjs/common';
import { AuthModule } from '../../../../libs/auth/src/index.js';
import { AuthController } from './auth.controller.js';
import { JwksController } from './jwks.controller.js';

/** HTTP routes of identity: `/api/v1/auth/*` and `/.well-known/jwks.json`. */
@Module({ imports: [AuthModule], controllers: [AuthController, JwksController] })
export class AuthApiModule {}
