import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createEmptyDatabase } from '#test/support/database';
import { startEmbeddedPostgres } from './embedded/embedded-postgres.js';
import { migrations } from './migrations/index.js';
import { runMigrations } from './data-source.js';

async function appliedMigrations(url: string): Promise<{ names: string[]; tables: string[] }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const names = (await client.query<{ name: string }>('SELECT name FROM schema_migration ORDER BY id')).rows.map(
      (r) => r.name,
    );
    const tables = (
      await client.query<{ tablename: string }>(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
      )
    ).rows.map((r) => r.tablename);
    return { names, tables };
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  const expected = migrations.map((m) => m.name);

  it('apply on a clean PostgreSQL, and a second run applies nothing', async () => {
    const db = await createEmptyDatabase();
    try {
      expect(await runMigrations(db.url)).toEqual(expected);
      expect(await runMigrations(db.url)).toEqual([]);
      const { names, tables } = await appliedMigrations(db.url);
      expect(names).toEqual(expected);
      expect(tables).toContain('platform_setting');
    } finally {
      await db.drop();
    }
  });

  it('apply on the embedded PGlite database and persist across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fusiongate-pglite-'));
    try {
      const first = await startEmbeddedPostgres(dir);
      try {
        expect(await runMigrations(first.url)).toEqual(expected);
      } finally {
        await first.stop();
      }
      const second = await startEmbeddedPostgres(dir);
      try {
        expect(await runMigrations(second.url)).toEqual([]);
        expect((await appliedMigrations(second.url)).names).toEqual(expected);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
