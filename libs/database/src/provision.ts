import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { startEmbeddedPostgres } from './embedded/embedded-postgres.js';
import { startEmbeddedRedis } from './embedded/embedded-redis.js';

export interface ProvisionedRuntime {
  config: AppConfig;
  /** What was started here (and must be stopped on exit). */
  embedded: { postgres: boolean; redis: boolean };
  stop(): Promise<void>;
}

/** Reads `dataDir/secrets.key`, creating it (mode 0600) on first use. */
async function loadOrCreateSecretsKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'secrets.key');
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length === 32) return key;
    throw new Error(`${file} does not hold a 32-byte base64 key`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
}

/**
 * Fills in what the environment left out: an embedded PostgreSQL (PGlite) when DATABASE_URL is
 * unset, a private redis-server when REDIS_URL is unset, and a secrets key under DATA_DIR.
 */
export async function provisionRuntime(
  config: AppConfig,
  logger = new Logger('Runtime'),
  needs: { redis: boolean } = { redis: true },
): Promise<ProvisionedRuntime> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    let { database, redis } = config;
    const embedded = { postgres: false, redis: false };
    // Redis first: it is up in moments, or missing, which should be said before PostgreSQL's first
    // start spends seconds creating its database.
    if (!redis.url && needs.redis) {
      const r = await startEmbeddedRedis(config.dataDir);
      stops.push(() => r.stop());
      redis = { ...redis, url: r.url };
      embedded.redis = true;
      logger.log(`Embedded Redis ready at ${r.url}`);
    }
    if (!database.url) {
      const started = Date.now();
      const pg = await startEmbeddedPostgres(config.dataDir);
      stops.push(() => pg.stop());
      database = { ...database, url: pg.url, poolSize: Math.min(database.poolSize, 8) };
      embedded.postgres = true;
      logger.log(
        `Embedded PostgreSQL (PGlite) ready in ${Date.now() - started} ms, data in ${config.dataDir}/postgres`,
      );
    }
    const secretsKey = config.secretsKey ?? (await loadOrCreateSecretsKey(config.dataDir));
    return { config: config.with({ database, redis, secretsKey }), embedded, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
