import { createServer, type Server } from 'node:net';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#test/support/database';
import { dependencyUnavailable } from '#libs/common';
import { dataSourceOptions } from './data-source.js';

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
      // 12 statements of 150 ms on 2 connections: the last waits ~750 ms for a connection, far
      // past the 200 ms connect timeout.
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
});
