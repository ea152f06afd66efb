import type { DataSourceOptions, MixedList, EntitySchema } from 'typeorm';
import { DataSource } from 'typeorm';
import { migrations } from './migrations/index.js';

export interface DataSourceParams {
  url: string;
  poolSize?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  applicationName?: string;
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
      connectionTimeoutMillis: 10_000,
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
