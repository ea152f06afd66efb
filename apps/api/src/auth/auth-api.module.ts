import { Module } from '@nestjs/common';
import { AuthModule } from '../../../../libs/auth/src/index.js';
import { AuthController } from './auth.controller.js';
import { JwksController } from './jwks.controller.js';
import { SessionsController } from './sessions.controller.js';

/** HTTP routes of identity: `/api/v1/auth/*` (sessions included) and `/.well-known/jwks.json`. */
@Module({ imports: [AuthModule], controllers: [AuthController, SessionsController, JwksController] })
export class AuthApiModule {}
