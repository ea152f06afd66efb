import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnauthorizedError, type RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { sha256Hex } from '../crypto/secret-box.js';
import { AttemptThrottleService } from '../throttle/attempt-throttle.service.js';

/** How many recovery codes an enrolment (or a regeneration) hands out. */
export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32 in lower case: no i, l, o, u, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** 16 characters of 5 bits: 80 bits, so a stored SHA-256 cannot be reversed by trying codes. */
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** `xxxx-xxxx-xxxx-xxxx`, case-insensitive, dashes or spaces between groups optional. */
export const RECOVERY_CODE_PATTERN = /^[0-9a-z]{4}(?:[- ]?[0-9a-z]{4}){3}$/i;

/** Whether `code` has the shape of a recovery code (rather than a 6-digit TOTP code). */
export function isRecoveryCode(code: string): boolean {
  return RECOVERY_CODE_PATTERN.test(code.trim());
}

/** Canonical form: lower case, no separators, Crockford's look-alikes (i, l → 1; o → 0) folded. */
function normalize(code: string): string {
  return code.trim().toLowerCase().replace(/[- ]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
}

const digest = (userId: string, code: string) => sha256Hex(`${userId}:${normalize(code)}`);

const codeInvalid = () =>
  new UnauthorizedError({ code: 'credentials_invalid', detail: 'The recovery code is not valid.' });

function newCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * MFA recovery codes: ten random single-use codes, shown once when two-factor is turned on (or
 * regenerated), stored as SHA-256 digests. A code stands in for a TOTP code at sign-in, step-up
 * and MFA disable; it is consumed by one conditional UPDATE, so of two parallel uses only one
 * passes. Guesses share the TOTP throttle of the account. Codes only work while MFA is on.
 */
@Injectable()
export class RecoveryCodeService {
  constructor(
    private readonly transactions: Transactions,
    private readonly throttle: AttemptThrottleService,
    private readonly events: AuthEvents,
  ) {}

  /** Inside the caller's transaction: drops the user's codes and stores new ones; returns them (shown once). */
  async replaceIn(manager: EntityManager, userId: string): Promise<string[]> {
    const codes = new Set<string>();
    while (codes.size < RECOVERY_CODE_COUNT) codes.add(newCode());
    await manager.query(`DELETE FROM mfa_recovery_code WHERE user_id = $1`, [userId]);
    const list = [...codes];
    await manager.query(`INSERT INTO mfa_recovery_code (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
      userId,
      list.map((code) => digest(userId, code)),
    ]);
    return list;
  }

  /** Inside the caller's transaction: the user's codes stop existing (MFA turned off). */
  async deleteIn(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(`DELETE FROM mfa_recovery_code WHERE user_id = $1`, [userId]);
  }

  /**
   * Uses one code of a user with MFA on: throws 401 `credentials_invalid` when it is unknown, used,
   * or MFA is off, and 429 when the account's code guesses are throttled. Returns how many remain.
   */
  async consume(ctx: RequestContext, userId: string, code: string, manager?: EntityManager): Promise<number> {
    await this.throttle.reserve('totp', userId, ctx).catch(async (error: unknown) => {
      await this.events.record(ctx, {
        action: 'auth.login.throttled',
        subjectId: userId,
        details: { factor: 'recovery_code' },
      });
      throw error;
    });
    const used = await this.transactions.run(ctx.with({ manager }), async (_ctx, tx) => {
      // The row lock of the UPDATE serialises parallel uses; the loser sees used_at set and matches nothing.
      const [rows] = (await tx.query(
        `UPDATE mfa_recovery_code c SET used_at = now()
           FROM user_account u
          WHERE c.user_id = $1 AND c.code_hash = $2 AND c.used_at IS NULL AND u.id = c.user_id AND u.mfa_enabled
          RETURNING c.id`,
        [userId, isRecoveryCode(code) ? digest(userId, code) : ''],
      )) as [{ id: string }[], number];
      if (rows.length !== 1) return undefined;
      const [{ remaining }] = (await tx.query(
        `SELECT count(*)::int AS remaining FROM mfa_recovery_code WHERE user_id = $1 AND used_at IS NULL`,
        [userId],
      )) as { remaining: number }[];
      await this.events.record(
        ctx,
        { action: 'auth.mfa.recovery_code_used', subjectId: userId, details: { remaining } },
        tx,
      );
      return { remaining };
    });
    if (!used) {
      await this.events.record(ctx, {
        action: 'auth.mfa.failed',
        subjectId: userId,
        details: { factor: 'recovery_code' },
      });
      throw codeInvalid();
    }
    await this.throttle.refund('totp', userId, ctx);
    return used.remaining;
  }

  /** How many unused codes the user has left. */
  async remaining(ctx: RequestContext, userId: string): Promise<number> {
    const [{ remaining }] = (await this.transactions
      .manager(ctx)
      .query(`SELECT count(*)::int AS remaining FROM mfa_recovery_code WHERE user_id = $1 AND used_at IS NULL`, [
        userId,
      ])) as { remaining: number }[];
    return remaining;
  }
}
