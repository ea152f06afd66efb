import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { LocationInterceptor, ProblemDetailsFilter } from '#libs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { AuthenticationGuard, AuthLifecycleModule, AuthModule, StepUpGuard } from '#libs/auth';
import { PoliciesGuard } from '#libs/policies';
import { AuditApiModule } from './audit/audit-api.module.js';
import { AuthApiModule } from './auth/auth-api.module.js';
import { HealthController } from './health/health.controller.js';
import { JobsApiModule } from './jobs/jobs-api.module.js';
import { GrantsApiModule } from './grants/grants-api.module.js';
import { ModelsApiModule } from './models/models-api.module.js';
import { OrganizationsApiModule } from './orgs/organizations-api.module.js';
import { UsersApiModule } from './users/users-api.module.js';
import { SsoApiModule } from './sso/sso-api.module.js';
import { loggerOptions } from './logging.js';
import { MetricsController, MetricsListener } from './metrics/metrics.js';
import { ETagInterceptor } from './etag.interceptor.js';
import { IdempotencyInterceptor } from './idempotency.interceptor.js';

/** The HTTP edge: feature modules are added here, each with its controllers. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DiscoveryModule,
        LoggerModule.forRoot(loggerOptions(config)),
        DatabaseModule.forRoot({ applicationName: 'fusiongate-api' }),
        AuditApiModule,
        AuthModule,
        AuthApiModule,
        ModelsApiModule,
        GrantsApiModule,
        JobsApiModule,
        OrganizationsApiModule,
        UsersApiModule,
        SsoApiModule,
        AuthLifecycleModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        MetricsListener,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Authentication first (sets request.ctx, deny by default); authorization guards follow.
        { provide: APP_GUARD, useExisting: AuthenticationGuard },
        { provide: APP_GUARD, useExisting: PoliciesGuard },
        // Sensitive routes (@StepUp()) last: only a caller who may act is asked for a fresh factor.
        { provide: APP_GUARD, useExisting: StepUpGuard },
        // Idempotency-Key on the creates marked @Idempotent(); outermost, so a replay is the whole answer.
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        // ETag / If-None-Match / If-Match on the routes marked @ETagged().
        { provide: APP_INTERCEPTOR, useClass: ETagInterceptor },
        // Location on creates marked @CreatedLocation().
        { provide: APP_INTERCEPTOR, useClass: LocationInterceptor },
      ],
    };
  }
}
