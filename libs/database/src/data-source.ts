import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DataSource } from 'typeorm';
import pg from 'pg';
import { migrations } from './migrations/index.js';

export interface DataSourceParams {
  url: string;
  poolSize?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  applicationName?: string;
  /** Longest wait for a new connection to PostgreSQL (default 10 s: migrations, CLI). */
  connectTimeoutMs?: number;
  /**
   * Longest wait for a connection from a full pool (default: the connect timeout). A burst of
   * requests queues for the pool rather than being refused; a database that is down still answers
   * within the connect timeout, since every new connection is bounded by it.
   */
  poolWaitMs?: number;
  /** Server-side limit of each statement (0 or unset: none). */
  statementTimeoutMs?: number;
}

/** The options every DataSource of fusiongate uses: migrations only, never `synchronize`. */
export function dataSourceOptions(params: DataSourceParams): DataSourceOptions {
  return {
    type: 'postgres',
    url: params.url,
    entities: params.entities ?? [],
    migrations,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: params.poolSize ?? 10,
      application_name: params.applicationName ?? 'fusiongate',
      // pg-pool bounds both the wait for a pooled client and a new connection by this one
      // value; the client class below bounds the connection itself by the shorter connect timeout.
      connectionTimeoutMillis: Math.max(params.poolWaitMs ?? 0, params.connectTimeoutMs ?? 10_000),
      Client: boundedConnectClient(params.connectTimeoutMs ?? 10_000),
      ...(params.statementTimeoutMs ? { statement_timeout: params.statementTimeoutMs } : {}),
      // A peer that vanished without closing (host down, partition) is noticed, not waited on forever.
      keepAlive: true,
    },
  };
}

/** Applies pending migrations on a database and returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions({ url, poolSize: 1 }), logging: false });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** A pg client whose connection attempt gives up after `connectTimeoutMs`. */
function boundedConnectClient(connectTimeoutMs: number): typeof pg.Client {
  return class BoundedConnectClient extends pg.Client {
    constructor(config: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
    }
  };
}
