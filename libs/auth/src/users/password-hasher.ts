import { Injectable, Logger } from '@nestjs/common';
import argon2 from 'argon2';
import { BadRequestError } from '#libs/common';
import { AppConfig } from '#libs/config';
import { isCommonPassword } from './common-passwords.js';

/** Lower bounds of the issue (OWASP's argon2id minimum): m = 19 MiB, t = 2, p = 1. */
export const ARGON2_MIN_MEMORY_KIB = 19456;
export const ARGON2_MIN_TIME_COST = 2;
export const PASSWORD_MIN_LENGTH = 12;
/** Bounded so one request cannot make argon2 hash megabytes. */
export const PASSWORD_MAX_LENGTH = 1024;

/**
 * argon2id hashing with the configured cost. Production refuses a cost below the minimum; tests
 * lower it through configuration to keep the suite fast.
 */
@Injectable()
export class PasswordHasher {
  private readonly options: argon2.HashOptions;
  private dummyHash?: Promise<string>;

  constructor(config: AppConfig) {
    const { memoryKiB, timeCost } = config.auth.argon2;
    if (memoryKiB < ARGON2_MIN_MEMORY_KIB || timeCost < ARGON2_MIN_TIME_COST) {
      if (config.env === 'production') {
        throw new Error(
          `argon2 cost m=${memoryKiB} KiB, t=${timeCost} is below the minimum m=${ARGON2_MIN_MEMORY_KIB}, t=${ARGON2_MIN_TIME_COST}`,
        );
      }
      if (config.env !== 'test')
        new Logger('PasswordHasher').warn(`argon2 cost lowered to m=${memoryKiB} KiB, t=${timeCost}`);
    }
    this.options = { type: argon2.argon2id, memoryCost: memoryKiB, timeCost, parallelism: 1 };
  }

  /** Refuses passwords that are too short, too long or too common (400 `password_weak`). */
  assertAcceptable(password: string): void {
    if (password.length < PASSWORD_MIN_LENGTH) {
      throw new BadRequestError({
        code: 'password_weak',
        detail: `Passwords need at least ${PASSWORD_MIN_LENGTH} characters.`,
      });
    }
    if (password.length > PASSWORD_MAX_LENGTH) {
      throw new BadRequestError({
        code: 'password_weak',
        detail: `Passwords may have at most ${PASSWORD_MAX_LENGTH} characters.`,
      });
    }
    if (isCommonPassword(password)) {
      throw new BadRequestError({ code: 'password_weak', detail: 'This password is too common; choose another.' });
    }
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { ...this.options, raw: false }) as Promise<string>;
  }

  /** Verifies against a stored hash; with none (unknown account) burns the same time and fails. */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    if (password.length > PASSWORD_MAX_LENGTH) return false;
    if (!hash) {
      this.dummyHash ??= this.hash('not-a-real-password-for-timing');
      await argon2.verify(await this.dummyHash, password).catch(() => false);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
