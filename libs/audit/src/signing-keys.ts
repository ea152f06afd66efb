import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { InternalError } from '#libs/common';
import { AppConfig } from '#libs/config';

const AAD = Buffer.from('fusiongate:audit-signing-key:v1');

/** AES-256-GCM with the platform secrets key: base64(iv | tag | ciphertext). */
export function sealSecret(key: Buffer, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

export function openSecret(key: Buffer, sealed: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(AAD);
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

interface KeyRow {
  id: string;
  public_key: string;
  private_key_enc: string;
}

/**
 * The Ed25519 key that signs audit checkpoints. Created on first use; the private key is stored
 * encrypted with the platform secrets key (AES-256-GCM), the public key in clear so anyone with
 * read access can check checkpoints.
 */
@Injectable()
export class AuditSigningKeys {
  private active?: { id: string; privateKey: KeyObject };
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Signs `payload` with the active key (creating it when there is none). */
  async sign(
    payload: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ keyId: string; signature: string }> {
    const key = await this.activeKey(manager);
    return { keyId: key.id, signature: sign(null, Buffer.from(payload), key.privateKey).toString('base64') };
  }

  /** The id of the key `sign` uses (creating the key when there is none). */
  async activeKeyId(manager: EntityManager = this.dataSource.manager): Promise<string> {
    return (await this.activeKey(manager)).id;
  }

  /** Whether the active key is loaded in this process (signing then needs no extra connection). */
  get loaded(): boolean {
    return this.active !== undefined;
  }

  /** Whether `signature` over `payload` was made by key `keyId`. */
  async verify(keyId: string, payload: string, signature: string): Promise<boolean> {
    const publicKey = await this.publicKey(keyId);
    if (!publicKey) return false;
    return verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64'));
  }

  /** The public keys (SPKI PEM), for operators who pin them outside the database. */
  async listPublicKeys(): Promise<{ id: string; publicKey: string; active: boolean; createdAt: Date }[]> {
    const rows: { id: string; public_key: string; active: boolean; created_at: Date }[] = await this.dataSource.query(
      `SELECT id, public_key, active, created_at FROM audit_signing_key ORDER BY created_at`,
    );
    return rows.map((r) => ({ id: r.id, publicKey: r.public_key, active: r.active, createdAt: r.created_at }));
  }

  /** The public key (SPKI PEM) of `keyId`, as anchors carry it; undefined when unknown or not genuine. */
  async publicKeyPem(keyId: string): Promise<string | undefined> {
    return (await this.publicKey(keyId))?.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * The public key of `keyId`. The key row must be genuine: its sealed private key opens with the
   * secrets key and matches the public key. Whoever can write the database but does not hold the
   * secrets key cannot slip in a key pair of their own and sign checkpoints with it.
   */
  private async publicKey(keyId: string): Promise<KeyObject | undefined> {
    const cached = this.publicKeys.get(keyId);
    if (cached) return cached;
    const rows: { public_key: string; private_key_enc: string }[] = await this.dataSource.query(
      `SELECT public_key, private_key_enc FROM audit_signing_key WHERE id = $1`,
      [keyId],
    );
    if (!rows[0]) return undefined;
    let key: KeyObject;
    try {
      key = createPublicKey(rows[0].public_key);
      const secretsKey = this.config.secretsKey;
      if (secretsKey) {
        const privateKey = createPrivateKey({
          key: openSecret(secretsKey, rows[0].private_key_enc),
          format: 'der',
          type: 'pkcs8',
        });
        const derived = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
        if (!derived.equals(key.export({ type: 'spki', format: 'der' }))) return undefined;
      }
    } catch {
      return undefined;
    }
    this.publicKeys.set(keyId, key);
    return key;
  }

  private async activeKey(manager: EntityManager): Promise<{ id: string; privateKey: KeyObject }> {
    if (this.active) return this.active;
    const secretsKey = this.config.secretsKey;
    if (!secretsKey) {
      throw new InternalError({ code: 'secrets_key_missing', detail: 'No secrets key is configured.' });
    }
    let rows: KeyRow[] = await manager.query(
      `SELECT id, public_key, private_key_enc FROM audit_signing_key WHERE active`,
    );
    if (!rows[0]) {
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const pem = privateKey.export({ type: 'pkcs8', format: 'der' });
      // Two processes may race to create the first key: the partial unique index keeps one.
      await manager.query(
        `INSERT INTO audit_signing_key (public_key, private_key_enc) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [publicKey.export({ type: 'spki', format: 'pem' }), sealSecret(secretsKey, pem)],
      );
      rows = await manager.query(`SELECT id, public_key, private_key_enc FROM audit_signing_key WHERE active`);
    }
    const row = rows[0];
    const privateKey = createPrivateKey({
      key: openSecret(secretsKey, row.private_key_enc),
      format: 'der',
      type: 'pkcs8',
    });
    this.active = { id: row.id, privateKey };
    return this.active;
  }
}
