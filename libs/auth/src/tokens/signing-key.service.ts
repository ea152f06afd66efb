import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK, type KeyObject } from 'jose';
import { DataSource, IsNull } from 'typeorm';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { SecretBox } from '../crypto/secret-box.js';
import { SigningKeyEntity } from './signing-key.entity.js';

/** The only algorithm tokens are signed with, and the only one verification accepts. */
export const JWT_ALGORITHM = 'EdDSA';
const KEY_PURPOSE = 'jwt-signing-key';
/** Clock skew tolerated on top of the token lifetime before a retired key is dropped. */
const RETIRED_KEY_GRACE_SECONDS = 120;
/** How often an instance re-reads the key set, so keys rotated elsewhere are picked up. */
const RELOAD_INTERVAL_MS = 30_000;
/** An unknown `kid` triggers at most one reload per this interval (forged kids cannot hammer the database). */
const UNKNOWN_KID_RELOAD_MS = 1_000;

type Key = CryptoKey | KeyObject;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: Key;
  retiredAt: Date | null;
}

/**
 * JWT signing keys, kept in the database (private halves encrypted with the secrets key) so every
 * API and worker instance signs and verifies with the same set. One key signs; retired keys keep
 * verifying until the tokens they signed have expired.
 */
@Injectable()
export class SigningKeyService {
  private readonly logger = new Logger(SigningKeyService.name);
  private keys = new Map<string, LoadedKey>();
  private active?: { kid: string; privateKey: Key };
  private loadedAt = 0;
  private lastUnknownReload = 0;
  private loading?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly transactions: Transactions,
  ) {}

  /** The key to sign with, creating the first one when the database holds none. */
  async signingKey(): Promise<{ kid: string; privateKey: Key }> {
    if (!this.active || Date.now() - this.loadedAt > RELOAD_INTERVAL_MS) await this.reload();
    if (!this.active) {
      await this.createKey(false);
      await this.reload();
    }
    return this.active!;
  }

  /** The public key for `kid`, or undefined when it is unknown or too old to trust. */
  async verificationKey(kid: string): Promise<Key | undefined> {
    if (Date.now() - this.loadedAt > RELOAD_INTERVAL_MS) await this.reload();
    let key = this.keys.get(kid);
    if (!key && Date.now() - this.lastUnknownReload > UNKNOWN_KID_RELOAD_MS) {
      this.lastUnknownReload = Date.now();
      await this.reload();
      key = this.keys.get(kid);
    }
    return key && this.usable(key) ? key.publicKey : undefined;
  }

  /** Public keys for `/.well-known/jwks.json`: the signing key and retired keys still in use. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.signingKey();
    return { keys: [...this.keys.values()].filter((k) => this.usable(k)).map((k) => k.publicJwk) };
  }

  /** Retires the signing key and starts signing with a new one. Returns the new kid. */
  async rotate(): Promise<string> {
    const kid = await this.createKey(true);
    await this.reload();
    this.logger.log(`Signing key rotated; now signing with ${kid}`);
    return kid;
  }

  private usable(key: LoadedKey): boolean {
    if (!key.retiredAt) return true;
    const horizon = (this.config.auth.accessTokenTtlSeconds + RETIRED_KEY_GRACE_SECONDS) * 1000;
    return key.retiredAt.getTime() + horizon > Date.now();
  }

  private async createKey(retireCurrent: boolean): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: JWT_ALGORITHM, use: 'sig' };
    const privateKeyEnc = this.box.encrypt(JSON.stringify(await exportJWK(privateKey)), KEY_PURPOSE);
    await this.transactions.run(RequestContext.system('signing-keys'), async (_, manager) => {
      const repo = manager.getRepository(SigningKeyEntity);
      if (retireCurrent) {
        await repo.update({ retiredAt: IsNull() }, { retiredAt: new Date() });
      }
      // The partial unique index admits one active key: a concurrent first boot loses quietly.
      await manager.query(
        `INSERT INTO signing_key (kid, algorithm, public_jwk, private_key_enc)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [kid, JWT_ALGORITHM, JSON.stringify(publicJwk), privateKeyEnc],
      );
    });
    return kid;
  }

  private reload(): Promise<void> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<void> {
    const horizon = new Date(Date.now() - (this.config.auth.accessTokenTtlSeconds + RETIRED_KEY_GRACE_SECONDS) * 1000);
    const rows = await this.dataSource
      .getRepository(SigningKeyEntity)
      .createQueryBuilder('k')
      .where('k.retired_at IS NULL OR k.retired_at > :horizon', { horizon })
      .getMany();
    const keys = new Map<string, LoadedKey>();
    let active: { kid: string; privateKey: Key } | undefined;
    for (const row of rows) {
      const previous = this.keys.get(row.kid);
      const publicKey = previous?.publicKey ?? ((await importJWK(row.publicJwk, JWT_ALGORITHM)) as Key);
      keys.set(row.kid, { kid: row.kid, publicJwk: row.publicJwk, publicKey, retiredAt: row.retiredAt });
      if (!row.retiredAt) {
        const privateKey =
          this.active?.kid === row.kid
            ? this.active.privateKey
            : ((await importJWK(
                JSON.parse(this.box.decrypt(row.privateKeyEnc, KEY_PURPOSE)) as JWK,
                JWT_ALGORITHM,
              )) as Key);
        active = { kid: row.kid, privateKey };
      }
    }
    this.keys = keys;
    this.active = active;
    this.loadedAt = Date.now();
  }
}
