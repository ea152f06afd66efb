import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AppConfig } from '#libs/config';
import { dataSourceOptions } from './data-source.js';
import { MaintenanceMode } from './maintenance.js';
import { checkEvictionPolicy, createRedis, REDIS } from './redis.js';
import { checkSecretsKey } from './secrets-key-check.js';
import { Transactions } from './transactions.js';

/**
 * PostgreSQL (TypeORM, entities registered by each feature module with `forFeature`) and the
 * shared Redis client. Both URLs are resolved before the module is built (see provisionRuntime).
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A node with another secrets key would boot, then fail every sign-in: refuse it here instead.
    if (this.config.secretsKey) await checkSecretsKey(this.dataSource, this.config.secretsKey);
    await checkEvictionPolicy(this.redis);
  }

  static forRoot(options: { applicationName: string }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            if (!config.database.url) throw new Error('DATABASE_URL was not resolved before boot');
            return {
              ...dataSourceOptions({
                url: config.database.url,
                poolSize: config.database.poolSize,
                applicationName: options.applicationName,
                connectTimeoutMs: config.availability.databaseConnectTimeoutMs,
                poolWaitMs: config.availability.databasePoolWaitMs,
                statementTimeoutMs: config.availability.databaseStatementTimeoutMs,
              }),
              autoLoadEntities: true,
              // At boot the database may still be starting (or the embedded one busy): keep trying for a while.
              retryAttempts: 10,
              retryDelay: 1_000,
            };
          },
        }),
      ],
      providers: [
        {
          provide: REDIS,
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            if (!config.redis.url) throw new Error('REDIS_URL was not resolved before boot');
            return createRedis(config.redis.url, {
              connectionName: options.applicationName,
              keyPrefix: `${config.redis.keyPrefix}:`,
              // A frozen Redis costs a request this long at most, never a hang.
              commandTimeout: config.availability.redisCommandTimeoutMs,
            });
          },
        },
        Transactions,
        MaintenanceMode,
      ],
      exports: [REDIS, Transactions, MaintenanceMode],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
