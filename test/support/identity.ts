import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { generate, generateSecret } from 'otplib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SecretBox, TOTP_SECRET_PURPOSE, UserService, type UserEntity } from '#libs/auth';
import { RequestContext } from '#libs/common';
import type { TestApp } from './app.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** Base32 TOTP secret when the user was created with `mfa: true`. */
  totpSecret?: string;
  entity: UserEntity;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** A password that passes the strength rules. */
export function strongPassword(): string {
  return `Tst-${randomBytes(12).toString('base64url')}`;
}

/**
 * Creates an account directly through the services (no HTTP). The password hash uses a low argon2
 * cost so suites stay fast; verification reads the cost from the hash, so login works as usual.
 * With `mfa: true` TOTP is enrolled and `totpSecret` returned (see `totpCode`).
 */
export async function createUser(
  t: TestApp,
  options: {
    email?: string;
    password?: string;
    platformAdmin?: boolean;
    mfa?: boolean;
    displayName?: string;
    expiresAt?: Date;
  } = {},
): Promise<TestUser> {
  const ctx = RequestContext.system('test-fixture');
  const email = options.email ?? `user-${randomBytes(6).toString('hex')}@example.test`;
  const password = options.password ?? strongPassword();
  const users = t.app.get(UserService);
  const created = await users.create(ctx, {
    email,
    displayName: options.displayName,
    isPlatformAdmin: options.platformAdmin ?? false,
    expiresAt: options.expiresAt ?? null,
  });
  const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  const dataSource = t.app.get(DataSource);
  await dataSource.query(`UPDATE user_account SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [
    created.id,
    hash,
  ]);
  let totpSecret: string | undefined;
  if (options.mfa) {
    // Enrolled directly (no code consumed), so any current code works for the first login.
    totpSecret = generateSecret();
    await dataSource.query(`UPDATE user_account SET mfa_enabled = true, mfa_secret_enc = $2 WHERE id = $1`, [
      created.id,
      t.app.get(SecretBox).encrypt(totpSecret, TOTP_SECRET_PURPOSE),
    ]);
  }
  const entity = await users.getById(ctx, created.id);
  return { id: created.id, email, password, totpSecret, entity };
}

/** The TOTP code of `secret` now, or `stepOffset` 30-second steps away. */
export function totpCode(secret: string, stepOffset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepOffset * 30 });
}

/** Logs in through HTTP and returns the token pair; fails the test on any other answer. */
export async function login(t: TestApp, email: string, password: string, totp?: string): Promise<Tokens> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/auth/login')
    .send({ email, password, ...(totp ? { totp } : {}) });
  if (res.status !== 200) throw new Error(`login of ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

/** Creates a user and logs them in, in one call. */
export async function createUserAndLogin(
  t: TestApp,
  options: Parameters<typeof createUser>[1] = {},
): Promise<TestUser & { tokens: Tokens }> {
  const user = await createUser(t, options);
  const tokens = await login(
    t,
    user.email,
    user.password,
    user.totpSecret ? await totpCode(user.totpSecret) : undefined,
  );
  return { ...user, tokens };
}

/** `{ authorization: 'Bearer …' }` for supertest's `.set()`. */
export function authHeader(token: string | Tokens): { authorization: string } {
  return { authorization: `Bearer ${typeof token === 'string' ? token : token.accessToken}` };
}
