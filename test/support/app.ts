import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { AppConfig } from '#libs/config';
import { createTestDatabase, type TestDatabase } from './database.js';
import { createTestRedis, type TestRedis } from './redis.js';

export interface TestEnvironment {
  db: TestDatabase;
  redis: TestRedis;
  dataDir: string;
  /** Configuration built the way production builds it, from an environment. */
  config(env?: Record<string, string>): AppConfig;
  /** The environment variables behind `config()`, for processes spawned on the same services. */
  variables(env?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** One database (template copy), one Redis key prefix and one data directory for a test file. */
export async function createTestEnvironment(): Promise<TestEnvironment> {
  const [db, redis, dataDir] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    mkdtemp(join(tmpdir(), 'fusiongate-test-')),
  ]);
  const secretsKey = randomBytes(32).toString('base64');
  const variables = (env: Record<string, string> = {}): Record<string, string> => ({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.prefix,
    DATA_DIR: dataDir,
    SECRETS_KEY: secretsKey,
    ...env,
  });
  return {
    db,
    redis,
    dataDir,
    variables,
    config: (env = {}) => AppConfig.fromEnv(variables(env)),
    async close() {
      await Promise.all([db.drop(), redis.cleanup(), rm(dataDir, { recursive: true, force: true })]);
    },
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  env: TestEnvironment;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * The whole API, wired as in production, on this file's own database and Redis prefix. Drive it
 * with `app.inject()` (no socket) or `supertest(app.getHttpServer())`.
 */
export async function createTestApp(
  options: {
    env?: Record<string, string>;
    environment?: TestEnvironment;
    /** Wraps the app's root module, e.g. to add a controller under test. */
    rootModule?: (config: AppConfig) => DynamicModule;
  } = {},
): Promise<TestApp> {
  const env = options.environment ?? (await createTestEnvironment());
  const config = env.config(options.env);
  const app = await createApiApp(config, options.rootModule?.(config));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    env,
    config,
    async close() {
      await app.close();
      if (!options.environment) await env.close();
    },
  };
}
