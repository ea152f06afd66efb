export * from './app-config.js';
export * from './config.module.js';
export type { ConfigValues, OidcProviderSettings } from './config.schema.js';
export { envSchema } from './config.schema.js';
