import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ConfigError } from '#libs/config';

/** platform_setting key holding a fingerprint of the secrets key the database's secrets are sealed with. */
export const SECRETS_KEY_SETTING = 'secrets_key_check';

/** The secrets key differs from the one the database was set up with: the process must not start. */
export class SecretsKeyMismatchError extends ConfigError {}

/** HMAC of a fixed label under the key: identifies the key without revealing it. */
function fingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('fusiongate secrets key check v1').digest('hex');
}

/**
 * Refuses a secrets key other than the one this database's secrets (signing keys, TOTP secrets)
 * were sealed with. The first process to start records the key's fingerprint; every later process,
 * on any node, must hold the same key, or it would start, say ready, then fail every sign-in.
 * On a read-only database with no fingerprint yet, nothing can be recorded and the check passes.
 */
export async function checkSecretsKey(dataSource: DataSource, key: Buffer): Promise<void> {
  const mine = fingerprint(key);
  try {
    await dataSource.query(`INSERT INTO platform_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
      SECRETS_KEY_SETTING,
      JSON.stringify({ fingerprint: mine }),
    ]);
  } catch (error) {
    if ((error as { code?: string }).code !== '25006') throw error;
  }
  const rows: { value: { fingerprint?: string } }[] = await dataSource.query(
    `SELECT value FROM platform_setting WHERE key = $1`,
    [SECRETS_KEY_SETTING],
  );
  const recorded = rows[0]?.value.fingerprint;
  if (!recorded) return;
  const a = Buffer.from(recorded);
  const b = Buffer.from(mine);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new SecretsKeyMismatchError(
      'SECRETS_KEY does not match the key this database was set up with: give every API and worker the same SECRETS_KEY (a node without one generates its own under DATA_DIR).',
    );
  }
}
