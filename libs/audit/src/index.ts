export * from './audit.types.js';
export * from './audit-actions.js';
export * from './audit.module.js';
export * from './audit.service.js';
export * from './canonical.js';
export * from './redact.js';
export * from './personal-data.js';
export * from './audit-erasure.js';
export {
  appendToChain,
  chainKey,
  insertEventRows,
  insertEvents,
  EVENT_COLUMNS,
  type StoredEvent,
  type WrittenEvent,
  type PreparedEvent,
} from './audit-chain.js';
export * from './audit-sequencer.js';
export * from './alerts/alert.service.js';
export * from './alerts/alert-rules.js';
export * from './audit-query.service.js';
export * from './audit-read.service.js';
export * from './audit-verifier.js';
export * from './checkpoint.service.js';
export * from './anchor.js';
export * from './retention.service.js';
export { AuditSigningKeys, sealSecret, openSecret } from './signing-keys.js';
