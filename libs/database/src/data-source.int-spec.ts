import { createServer, type Server } from 'node:net';
import { DataSource, QueryFailedError } from 'typeorm';
import { dependencyUnavailable, RequestContext } from '#libs/common';
import { createTestDatabase, type TestDatabase } from '#test/support/database';
import { dataSourceOptions } from './data-source.js';
import { Transactions } from './transactions.js';

/** A TCP listener that accepts connections and never answers (a frozen database host). */
async function silentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `postgres://nobody:none@127.0.0.1:${port}/none`, server };
}

describe('database connection limits', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('queues a burst beyond the pool for longer than the connect timeout, and serves every request', async () => {
    const ds = new DataSource(
      dataSourceOptions({ url: db.url, poolSize: 2, connectTimeoutMs: 200, poolWaitMs: 10_000 }),
    );
    await ds.initialize();
    try {
      // The load, not a wait: 12 statements holding a connection 150 ms each on a pool of 2, so
      // the last waits ~750 ms for a connection, far past the 200 ms connect timeout.
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => ds.query('SELECT pg_sleep(0.15), $1::int AS i', [i])),
      );
      expect(results.map((r) => r.status)).toEqual(results.map(() => 'fulfilled'));
    } finally {
      await ds.destroy();
    }
  });

  it('refuses after the pool wait when every connection stays busy', async () => {
    const ds = new DataSource(dataSourceOptions({ url: db.url, poolSize: 1, connectTimeoutMs: 200, poolWaitMs: 400 }));
    await ds.initialize();
    try {
      // The one connection held by a statement longer than the pool wait.
      const long = ds.query('SELECT pg_sleep(1.5)');
      const started = Date.now();
      await expect(ds.query('SELECT 1')).rejects.toThrow(/timeout/);
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(350);
      await long;
    } finally {
      await ds.destroy();
    }
  });

  it('gives up on a host that accepts and never answers after the connect timeout, not the pool wait', async () => {
    const { url, server } = await silentServer();
    try {
      const ds = new DataSource({
        ...dataSourceOptions({ url, poolSize: 2, connectTimeoutMs: 300, poolWaitMs: 20_000 }),
        logging: false,
      });
      const started = Date.now();
      const error = await ds.initialize().then(
        () => undefined,
        (e: unknown) => e,
      );
      const waited = Date.now() - started;
      expect(waited).toBeLessThan(2_000);
      // Users get the database's 503, not a 500.
      expect(dependencyUnavailable(error)?.code).toBe('database_unavailable');
    } finally {
      server.close();
    }
  });

  it('reads rows on the pool, or in the context’s transaction where it sees its uncommitted writes', async () => {
    const ds = new DataSource(dataSourceOptions({ url: db.url, poolSize: 2 }));
    await ds.initialize();
    const transactions = new Transactions(ds);
    try {
      await ds.query(`CREATE TABLE read_probe (id int PRIMARY KEY, label text NOT NULL)`);
      await ds.query(`INSERT INTO read_probe VALUES (1, 'one')`);
      const ctx = RequestContext.system('read-probe');
      expect(await transactions.read(ctx, `SELECT id, label FROM read_probe WHERE id = $1`, [1])).toEqual([
        { id: 1, label: 'one' },
      ]);
      const seen = await transactions.run(ctx, async (inner, manager) => {
        await manager.query(`INSERT INTO read_probe VALUES (2, 'two')`);
        return transactions.read<{ id: number }>(inner, `SELECT id FROM read_probe ORDER BY id`, []);
      });
      expect(seen.map((r) => r.id)).toEqual([1, 2]);
      // A value of the wrong form fails as TypeORM's error, with the SQLSTATE the API maps to 400.
      const error = await transactions.read(ctx, `SELECT id FROM read_probe WHERE id = $1`, ['x']).catch((e) => e);
      expect(error).toBeInstanceOf(QueryFailedError);
      expect((error as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('22P02');
    } finally {
      await ds.destroy();
    }
  });
});
