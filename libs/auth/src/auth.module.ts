import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyEntity } from './api-keys/api-key.entity.js';
import { ApiKeyService } from './api-keys/api-key.service.js';
import { AuthEvents } from './auth-events.js';
import { AuthService } from './auth.service.js';
import { SecretBox } from './crypto/secret-box.js';
import { ApiKeyStrategy, JwtStrategy } from './guard/auth.strategies.js';
import { Authenticator } from './guard/authenticator.js';
import { RecoveryCodeEntity } from './mfa/recovery-code.entity.js';
import { RecoveryCodeService } from './mfa/recovery-code.service.js';
import { TotpService } from './mfa/totp.service.js';
import { StepUpService } from './step-up/step-up.service.js';
import { PrincipalCache } from './sessions/principal-cache.js';
import { RefreshTokenEntity, SessionEntity } from './sessions/session.entity.js';
import { SessionService } from './sessions/session.service.js';
import { AttemptThrottleService } from './throttle/attempt-throttle.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { VerifiedTokenCache } from './tokens/verified-token-cache.js';
import { SigningKeyEntity } from './tokens/signing-key.entity.js';
import { SigningKeyService } from './tokens/signing-key.service.js';
import { UserLifecycleService } from './lifecycle/user-lifecycle.service.js';
import { FirstAdminService } from './users/first-admin.service.js';
import { PasswordHasher } from './users/password-hasher.js';
import { UserEntity } from './users/user.entity.js';
import { UserService } from './users/user.service.js';
import { MailModule } from '#libs/mail';
import { SecurityNoticeService } from './notices/security-notices.service.js';
import { PasswordTokenService } from './password-reset/password-token.service.js';
import { AccountSetupService } from './users/account-setup.service.js';
import { UserAdministrationService } from './users/user-administration.service.js';

const services = [
  AccessTokenService,
  AccountSetupService,
  PasswordTokenService,
  SecurityNoticeService,
  ApiKeyService,
  ApiKeyStrategy,
  AttemptThrottleService,
  AuthEvents,
  AuthService,
  Authenticator,
  FirstAdminService,
  JwtStrategy,
  PasswordHasher,
  PrincipalCache,
  RecoveryCodeService,
  SecretBox,
  SessionService,
  SigningKeyService,
  StepUpService,
  TotpService,
  UserLifecycleService,
  UserService,
  UserAdministrationService,
  VerifiedTokenCache,
];

/**
 * Identity: accounts, passwords, sessions and tokens, TOTP and recovery codes, step-up, API keys
 * and brute-force defence.
 * Needs ConfigModule and DatabaseModule (both global).
 */
@Module({
  imports: [
    MailModule,
    TypeOrmModule.forFeature([
      UserEntity,
      SigningKeyEntity,
      SessionEntity,
      RefreshTokenEntity,
      ApiKeyEntity,
      RecoveryCodeEntity,
    ]),
  ],
  providers: services,
  exports: services,
})
export class AuthModule {}
