/**
 * What every benchmark needs before it measures anything: a freshly migrated scratch database on the
 * machine's PostgreSQL, a temporary DATA_DIR, the settings pointing at them, and (for the HTTP
 * benches) the whole API built on them. Everything created here is removed when the bench ends.
 *
 * env: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; BENCH_DATABASE_URL
 *      is read as well), BENCH_REDIS_URL (default redis://127.0.0.1:6379)
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { AppModule } from '../../apps/api/src/app.module.js';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { AppConfig } from '#libs/config';
import { runMigrations } from '#libs/database';

const ADMIN_URL =
  process.env.BENCH_ADMIN_DATABASE_URL ??
  process.env.BENCH_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A migrated database of its own and an empty temporary directory, both private to one bench run. */
export interface Scratch {
  /** Connection URL of the scratch database. */
  url: string;
  /** Temporary directory, removed afterwards. */
  dataDir: string;
}

/**
 * Creates and migrates a database named `fg_bench_<label>_<random>` and a temporary directory, runs
 * `fn` on them, then drops the database and removes the directory whatever `fn` did.
 */
export async function withScratch<T>(label: string, fn: (scratch: Scratch) => Promise<T>): Promise<T> {
  const name = `fg_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(join(tmpdir(), `fg-bench-${label}-`));
  try {
    await runMigrations(url.toString());
    return await fn({ url: url.toString(), dataDir });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The environment an API process needs to run on `scratch` with the machine's Redis (private key prefix). */
export function scratchEnv(scratch: Scratch): Record<string, string> {
  return {
    DATABASE_URL: scratch.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `fg-bench-${randomBytes(3).toString('hex')}`,
    DATA_DIR: scratch.dataDir,
    SECRETS_KEY: randomBytes(32).toString('base64'),
  };
}

/** Production settings (silent logs) on `scratch`; `overrides` win. */
export function scratchConfig(scratch: Scratch, overrides: Record<string, string> = {}): AppConfig {
  return AppConfig.fromEnv({ NODE_ENV: 'production', LOG_LEVEL: 'silent', ...scratchEnv(scratch), ...overrides });
}

/**
 * The whole API on `config`, with `extraModules` (bench-only routes) mounted beside it, initialised and
 * ready for `app.inject()`.
 */
export async function createBenchApp(config: AppConfig, extraModules: Type[] = []): Promise<NestFastifyApplication> {
  const root: DynamicModule = { module: class BenchRoot {}, imports: [AppModule.forRoot(config), ...extraModules] };
  const app = await createApiApp(config, root);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
