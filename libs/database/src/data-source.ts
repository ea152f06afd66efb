import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';

export interface DataSourceParams {
  url: string;
  poolSize?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  applicationName?: string;
  /** Longest wait for a connection, new or from the pool (default 10 s: migrations, CLI). */
  connectTimeoutMs?: number;
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
      connectionTimeoutMillis: params.connectTimeoutMs ?? 10_000,
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
