export * from './audit.types.js';
export * from './audit.module.js';
export * from './audit.service.js';
export * from './canonical.js';
export * from './redact.js';
export { chainKey, type StoredEvent, type PreparedEvent } from './audit-chain.js';
export * from './alerts/alert.service.js';
export * from './alerts/alert-rules.js';
