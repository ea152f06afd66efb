import pg from 'pg';
import { runMigrations } from '#libs/database';
import { adminUrl, databaseUrl, templateName } from './database-names.js';

let ensured: Promise<void> | undefined;

/**
 * The migrated template database, built once per migration set (under an advisory lock, so
 * concurrent test files and runs agree); also drops test databases left behind by crashed runs.
 */
export function ensureTemplate(): Promise<void> {
  ensured ??= buildTemplate();
  return ensured;
}

async function buildTemplate(): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${adminUrl()} (${(error as Error).message}). ` +
        'Start it or set TEST_DATABASE_URL; .ci/run starts it when it is down.',
      { cause: error },
    );
  }
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', ['fusiongate-test-template']);
    const template = templateName();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_build`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await runMigrations(databaseUrl(building));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      await admin.query(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true`);
    }
    const cutoff = Math.floor(Date.now() / 1000) - 3 * 3600;
    const stale = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^fg_test_[0-9]+_' AND split_part(datname, '_', 3)::bigint < $1`,
      [cutoff],
    );
    for (const { datname } of stale.rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => undefined);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', ['fusiongate-test-template']).catch(() => undefined);
    await admin.end();
  }
}
