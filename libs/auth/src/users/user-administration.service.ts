import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditErasure } from '#libs/audit';
import { ConflictError, isUuid, newestFirstPage, NotFoundError, type Page, type RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { PrincipalCache } from '../sessions/principal-cache.js';
import { RecoveryCodeService } from '../mfa/recovery-code.service.js';
import { SessionService } from '../sessions/session.service.js';
import { AttemptThrottleService } from '../throttle/attempt-throttle.service.js';
import { UserEntity, type UserStatus } from './user.entity.js';

export interface UserListQuery {
  /** Part of the email or display name, any case. */
  search?: string;
  status?: UserStatus;
  limit?: number;
  cursor?: string;
}

export interface UserPatch {
  status?: 'active' | 'disabled';
  /** Why the account is disabled (shown to administrators). */
  disabledReason?: string;
  expiresAt?: Date | null;
  isPlatformAdmin?: boolean;
}

/** The person being erased, as the handlers see them before anything is removed. */
export interface ErasureSubject {
  id: string;
  email: string;
  displayName: string;
}

/**
 * Removes what another module keeps about a person, inside the erasure's transaction (rows it
 * owns: memberships, invitations to the email, ...). Throwing aborts the whole erasure.
 */
export type ErasureHandler = (ctx: RequestContext, subject: ErasureSubject, manager: EntityManager) => Promise<void>;

/** What an erasure removed (counts only: the answer names nobody). */
export interface ErasureResult {
  userId: string;
  sessions: number;
  apiKeys: number;
  /** Rows of other tables that belonged to the account (foreign key ON DELETE CASCADE). */
  ownedRows: number;
  auditLabels: number;
  auditPersonalValues: number;
  auditRedactedEvents: number;
}

/** Serialises every change that could leave the platform without an active administrator. */
const PLATFORM_ADMINS_LOCK = 7_365_001;

const userNotFound = () => new NotFoundError({ code: 'user_not_found', detail: 'No such user.' });
const userErased = () => new ConflictError({ code: 'user_erased', detail: 'This account was erased.' });

/**
 * Platform administration of accounts: list and search, disable/enable, expiry, the platform-admin
 * flag, session revocation, MFA reset and erasure (GDPR art. 17). The platform always keeps one
 * active platform administrator: changes that would remove the last one are refused, and they
 * queue on one advisory lock so parallel requests cannot each remove "another" one.
 */
@Injectable()
export class UserAdministrationService {
  private readonly erasureHandlers: ErasureHandler[] = [];
  private readonly retained = new Set<string>();

  constructor(
    private readonly transactions: Transactions,
    private readonly principals: PrincipalCache,
    private readonly sessions: SessionService,
    private readonly events: AuthEvents,
    private readonly auditErasure: AuditErasure,
    private readonly throttle: AttemptThrottleService,
    private readonly recoveryCodes: RecoveryCodeService,
  ) {}

  /** Registers what another module erases about a person (its own tables, its own rules). */
  onErase(handler: ErasureHandler): void {
    this.erasureHandlers.push(handler);
  }

  /**
   * Names a table whose rows reference an account ON DELETE CASCADE but outlive its erasure,
   * naming the pseudonymous id only (fusion jobs are the organization's work).
   */
  retainOnErasure(table: string): void {
    this.retained.add(table);
  }

  /** Accounts, newest first; `search` matches email or display name, any case. */
  async list(ctx: RequestContext, query: UserListQuery): Promise<Page<UserEntity>> {
    const qb = this.transactions.manager(ctx).getRepository(UserEntity).createQueryBuilder('u');
    if (query.search) {
      const pattern = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(`(lower(u.email) LIKE :pattern OR lower(u.display_name) LIKE :pattern)`, { pattern });
    }
    if (query.status) qb.andWhere('u.status = :status', { status: query.status });
    return newestFirstPage(qb, 'u', query);
  }

  /** 404 `user_not_found` for unknown (or malformed) ids. */
  async get(ctx: RequestContext, userId: string): Promise<UserEntity> {
    if (!isUuid(userId)) throw userNotFound();
    const user = await this.transactions.manager(ctx).getRepository(UserEntity).findOneBy({ id: userId });
    if (!user) throw userNotFound();
    return user;
  }

  /**
   * Disables or re-enables an account, sets or clears its expiry, grants or withdraws the
   * platform-admin flag. Disabling ends every session; all changes apply on the next request.
   */
  async update(ctx: RequestContext, userId: string, patch: UserPatch): Promise<UserEntity> {
    const result = await this.transactions.run(ctx, async (ctx, manager) => {
      const user = await this.lockForChange(manager, userId);
      // Any new expiry on the last administrator would lock the platform out when it passes.
      const stillAdmin =
        (patch.isPlatformAdmin ?? user.isPlatformAdmin) &&
        (patch.status ?? user.status) === 'active' &&
        (patch.expiresAt === undefined || patch.expiresAt === null);
      if (isActiveAdmin(user, ctx.now) && !stillAdmin) await this.assertAnotherActiveAdmin(manager, userId);

      const changes: Partial<UserEntity> = {};
      if (patch.status !== undefined && patch.status !== user.status) {
        changes.status = patch.status;
        changes.disabledReason =
          patch.status === 'disabled' ? (patch.disabledReason ?? 'disabled by an administrator') : null;
      }
      if (patch.expiresAt !== undefined && !sameInstant(patch.expiresAt, user.expiresAt))
        changes.expiresAt = patch.expiresAt;
      if (patch.isPlatformAdmin !== undefined && patch.isPlatformAdmin !== user.isPlatformAdmin)
        changes.isPlatformAdmin = patch.isPlatformAdmin;
      if (Object.keys(changes).length === 0) return { user, revoked: [] as string[] };
      await manager.getRepository(UserEntity).update({ id: userId }, changes);

      let revoked: string[] = [];
      if (changes.status !== undefined) {
        if (changes.status === 'disabled') {
          revoked = await this.sessions.withdrawSecondFactorIn(manager, userId, undefined, 'account_disabled');
        }
        await this.events.record(
          ctx,
          {
            action: changes.status === 'disabled' ? 'user.disabled' : 'user.enabled',
            subjectId: userId,
            details: { reason: changes.disabledReason ?? undefined, revokedSessions: revoked.length },
          },
          manager,
        );
      }
      const fields = (['expiresAt', 'isPlatformAdmin'] as const).filter((f) => changes[f] !== undefined);
      if (fields.length) {
        const pick = (u: Pick<UserEntity, 'expiresAt' | 'isPlatformAdmin'>) =>
          Object.fromEntries(fields.map((f) => [f === 'isPlatformAdmin' ? 'platformAdmin' : f, u[f]]));
        await this.events.record(
          ctx,
          {
            action: 'user.updated',
            subjectId: userId,
            details: { before: pick(user), after: pick({ ...user, ...changes }) },
          },
          manager,
        );
      }
      return { user: await manager.getRepository(UserEntity).findOneByOrFail({ id: userId }), revoked };
    });
    await this.sessions.forget(result.revoked);
    await this.principals.invalidateUser(userId);
    return result.user;
  }

  /** Ends every session of the user: their next request answers 401, their refresh tokens are dead. */
  async revokeSessions(ctx: RequestContext, userId: string): Promise<{ revokedSessions: number }> {
    const revoked = await this.transactions.run(ctx, async (ctx, manager) => {
      await this.lockForChange(manager, userId, { adminLock: false });
      const revoked = await this.sessions.withdrawSecondFactorIn(manager, userId, undefined, 'revoked_by_admin');
      await this.events.record(
        ctx,
        { action: 'user.sessions.revoked', subjectId: userId, details: { revokedSessions: revoked.length } },
        manager,
      );
      return revoked;
    });
    await this.sessions.forget(revoked);
    return { revokedSessions: revoked.length };
  }

  /**
   * Turns the user's MFA off (a lost authenticator): secrets and recovery codes are deleted and every session ends,
   * so whoever holds a session from before cannot keep a second factor that no longer exists. The
   * user signs in with their password and enrols again. Recorded as `auth.mfa.reset`, which the
   * security notices send to the user.
   */
  async resetMfa(ctx: RequestContext, userId: string): Promise<{ revokedSessions: number }> {
    const revoked = await this.transactions.run(ctx, async (ctx, manager) => {
      const user = await this.lockForChange(manager, userId, { adminLock: false });
      if (!user.mfaEnabled)
        throw new ConflictError({ code: 'mfa_not_enabled', detail: 'This account has no second factor to reset.' });
      await manager
        .getRepository(UserEntity)
        .update(
          { id: userId },
          { mfaEnabled: false, mfaSecretEnc: null, mfaPendingSecretEnc: null, mfaLastStep: null },
        );
      await this.recoveryCodes.deleteIn(manager, userId);
      const revoked = await this.sessions.withdrawSecondFactorIn(manager, userId, undefined, 'mfa_reset');
      await this.events.record(
        ctx,
        { action: 'auth.mfa.reset', subjectId: userId, details: { revokedSessions: revoked.length } },
        manager,
      );
      return revoked;
    });
    await this.sessions.forget(revoked);
    return { revokedSessions: revoked.length };
  }

  /**
   * Erases a person (GDPR art. 17). Removed: email, display name, password and MFA secrets,
   * sessions, API keys, memberships and what the registered handlers remove (invitations to the
   * email, project memberships, personal grants), every row that references the account ON
   * DELETE CASCADE (except retained tables), and the person's labels and personal values in the
   * audit trail. Kept: the account row as a tombstone (`erased`, its id the pseudonym audit
   * events and fusion jobs name), and the audit events themselves, which stay verifiable.
   */
  async erase(ctx: RequestContext, userId: string): Promise<ErasureResult> {
    await this.auditErasure.settle();
    const result = await this.transactions.run(ctx, async (ctx, manager) => {
      const user = await this.lockForChange(manager, userId);
      if (isActiveAdmin(user, ctx.now)) await this.assertAnotherActiveAdmin(manager, userId);
      const subject: ErasureSubject = { id: user.id, email: user.email, displayName: user.displayName };
      for (const handler of this.erasureHandlers) await handler(ctx, subject, manager);

      // DELETE … RETURNING answers [rows, affected count] through the manager.
      const [sessions] = (await manager.query(`DELETE FROM auth_session WHERE user_id = $1 RETURNING id`, [
        userId,
      ])) as [{ id: string }[], number];
      const [, apiKeys] = (await manager.query(`DELETE FROM api_key WHERE created_by = $1`, [userId])) as [
        unknown,
        number,
      ];
      const ownedRows = await this.deleteOwnedRows(manager, userId);
      const audit = await this.auditErasure.erase(ctx.withManager(manager), {
        userId,
        email: user.email,
        displayName: user.displayName,
      });
      await manager.query(
        `UPDATE user_account SET status = 'erased', erased_at = now(), email = $2, display_name = $3,
                password_hash = NULL, password_changed_at = NULL, mfa_enabled = false, mfa_secret_enc = NULL,
                mfa_pending_secret_enc = NULL, mfa_last_step = NULL, disabled_reason = NULL,
                is_platform_admin = false, expires_at = NULL, last_login_at = NULL, updated_at = now()
          WHERE id = $1`,
        [userId, erasedEmail(userId), ERASED_DISPLAY_NAME],
      );
      const result: ErasureResult = {
        userId,
        sessions: sessions.length,
        apiKeys,
        ownedRows,
        auditLabels: audit.labels,
        auditPersonalValues: audit.personalValues,
        auditRedactedEvents: audit.redactedEvents,
      };
      const { userId: _id, ...counts } = result;
      await this.events.record(ctx, { action: 'user.erased', subjectId: userId, details: counts }, manager);
      return { result, sessionIds: sessions.map((s) => s.id), email: user.email };
    });
    await this.sessions.forget(result.sessionIds);
    // Sign-in throttling keeps hashed subjects with addresses (remembered for AUTH_KNOWN_ADDRESS_DAYS).
    await this.throttle.forgetSubject('login', result.email);
    await this.throttle.forgetSubject('totp', userId);
    return result.result;
  }

  /**
   * Deletes the rows of other tables that reference the account with ON DELETE CASCADE (the
   * schema's statement that they belong to it: sessions, memberships, factors, ...), except the
   * retained tables. Read from the catalogue, so tables added later are covered too.
   */
  private async deleteOwnedRows(manager: EntityManager, userId: string): Promise<number> {
    const references = (await manager.query(
      `SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = 'user_account'::regclass AND c.confdeltype = 'c'
          AND array_length(c.conkey, 1) = 1
        ORDER BY 1, 2`,
    )) as { table_name: string; column_name: string }[];
    let deleted = 0;
    for (const { table_name, column_name } of references) {
      if (this.retained.has(table_name.replace(/^"|"$/g, ''))) continue;
      const [, n] = (await manager.query(
        `DELETE FROM ${quoteIdent(table_name)} WHERE ${quoteIdent(column_name)} = $1`,
        [userId],
      )) as [unknown, number];
      deleted += n;
    }
    return deleted;
  }

  /**
   * Locks the account row (404 unknown, 409 erased); with `adminLock`, first takes the lock that
   * serialises changes to the set of active platform administrators.
   */
  private async lockForChange(
    manager: EntityManager,
    userId: string,
    options: { adminLock?: boolean } = {},
  ): Promise<UserEntity> {
    if (!isUuid(userId)) throw userNotFound();
    if (options.adminLock !== false) await manager.query(`SELECT pg_advisory_xact_lock($1)`, [PLATFORM_ADMINS_LOCK]);
    const user = await manager
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('u.id = :userId', { userId })
      .getOne();
    if (!user) throw userNotFound();
    if (user.status === 'erased') throw userErased();
    return user;
  }

  /**
   * Administrators with an expiry do not count: otherwise two could each be given one (or one
   * given an expiry while the other is removed) and the platform would end with none.
   */
  private async assertAnotherActiveAdmin(manager: EntityManager, userId: string): Promise<void> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM user_account
        WHERE is_platform_admin AND status = 'active' AND expires_at IS NULL AND id <> $1`,
      [userId],
    )) as { n: number }[];
    if (row.n === 0) {
      throw new ConflictError({
        code: 'last_platform_admin',
        detail: 'This is the last active platform administrator without an expiry; make another one first.',
      });
    }
  }
}

/** The display name an erased account keeps. */
export const ERASED_DISPLAY_NAME = 'Erased account';

/** The email an erased account keeps: unique, not a person's, and undeliverable (RFC 2606 `.invalid`). */
export function erasedEmail(userId: string): string {
  return `${userId}@erased.invalid`;
}

function isActiveAdmin(user: UserEntity, now: Date): boolean {
  return (
    user.isPlatformAdmin &&
    user.status === 'active' &&
    (user.expiresAt === null || user.expiresAt.getTime() > now.getTime())
  );
}

function sameInstant(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}

function quoteIdent(name: string): string {
  // regclass::text is already quoted where needed (and schema-qualified off the search path).
  if (/^("[^"]+"|[a-z_][a-z0-9_$]*)(\.("[^"]+"|[a-z_][a-z0-9_$]*))?$/.test(name)) return name;
  throw new Error(`Unexpected identifier ${name}`);
}
