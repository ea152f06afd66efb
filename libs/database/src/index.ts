export * from './data-source.js';
export * from './database.module.js';
export * from './transactions.js';
export * from './redis.js';
export * from './provision.js';
export { migrations } from './migrations/index.js';
export { startEmbeddedPostgres } from './embedded/embedded-postgres.js';
export { freePort } from './embedded/free-port.js';
export { startEmbeddedRedis, EmbeddedRedisUnavailableError } from './embedded/embedded-redis.js';
