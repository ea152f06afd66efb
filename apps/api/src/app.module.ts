import { Module, type DynamicModule, type NestInterceptor } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { LocationInterceptor, ProblemDetailsFilter, ROUTE_INTERCEPTORS } from '#libs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { AuthLifecycleModule, AuthModule } from '#libs/auth';
import { AuditApiModule } from './audit/audit-api.module.js';
import { AuthApiModule } from './auth/auth-api.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { HealthController } from './health/health.controller.js';
import { JobsApiModule } from './jobs/jobs-api.module.js';
import { GrantsApiModule } from './grants/grants-api.module.js';
import { ModelsApiModule } from './models/models-api.module.js';
import { OrganizationsApiModule } from './orgs/organizations-api.module.js';
import { UsersApiModule } from './users/users-api.module.js';
import { SsoApiModule } from './sso/sso-api.module.js';
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
        // One guard decides: deny by default, authentication, route authorization, step-up.
        { provide: APP_GUARD, useClass: AuthGuard },
        // The interceptors of the routes marked @Idempotent(), @ETagged() or @CreatedLocation(), bound to
        // those routes only (no other route pays for them), in this order:
        // Idempotency-Key on creates, outermost, so a replay is the whole answer;
        // ETag / If-None-Match / If-Match; then Location on creates.
        IdempotencyInterceptor,
        ETagInterceptor,
        LocationInterceptor,
        {
          provide: ROUTE_INTERCEPTORS,
          useFactory: (...chain: NestInterceptor[]) => chain,
          inject: [IdempotencyInterceptor, ETagInterceptor, LocationInterceptor],
        },
      ],
    };
  }
}
