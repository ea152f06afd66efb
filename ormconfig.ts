// DataSource for the TypeORM CLI (`npm run migration:generate`): same options the apps use.
import { DataSource } from 'typeorm';
import { AppConfig } from './libs/config/src/index.js';
import { dataSourceOptions } from './libs/database/src/index.js';

const config = AppConfig.fromEnv();
if (!config.database.url) throw new Error('Set DATABASE_URL to generate migrations against a PostgreSQL database.');

export default new DataSource(dataSourceOptions({ url: config.database.url, entities: ['dist/libs/**/*.entity.js'] }));
