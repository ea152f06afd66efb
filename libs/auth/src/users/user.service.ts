import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  BadRequestError,
  ConflictError,
  hasInvisibleCharacters,
  NotFoundError,
  type RequestContext,
} from '#libs/common';
import { Transactions } from '#libs/database';
import { AuthEvents } from '../auth-events.js';
import { PrincipalCache } from '../sessions/principal-cache.js';
import { PasswordHasher } from './password-hasher.js';
import { UserEntity } from './user.entity.js';

export interface CreateUserInput {
  email: string;
  displayName?: string;
  /** Omitted for accounts that sign in another way first (invitations); they cannot log in yet. */
  password?: string;
  isPlatformAdmin?: boolean;
  expiresAt?: Date | null;
}

/** Emails compare case-insensitively; they are stored trimmed, with their case as given. */
export function normalizeEmail(email: string): string {
  return email.trim();
}

/** Accounts: creation, lookup, status and expiry. */
@Injectable()
export class UserService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly transactions: Transactions,
    private readonly principals: PrincipalCache,
    private readonly events: AuthEvents,
  ) {}

  /** Creates an account; 409 `email_taken` when the email exists in any letter case. */
  async create(ctx: RequestContext, input: CreateUserInput): Promise<UserEntity> {
    const email = normalizeEmail(input.email);
    if (input.displayName !== undefined && hasInvisibleCharacters(input.displayName)) {
      const message = 'displayName must not contain control, zero-width or bidirectional formatting characters';
      throw new BadRequestError({
        code: 'validation_failed',
        detail: message,
        extensions: { errors: [{ field: 'displayName', message }] },
      });
    }
    if (input.password !== undefined) this.hasher.assertAcceptable(input.password);
    const passwordHash = input.password !== undefined ? await this.hasher.hash(input.password) : null;
    return this.transactions.run(ctx, async (ctx, manager) => {
      const inserted = (await manager.query(
        `INSERT INTO user_account (email, display_name, password_hash, password_changed_at, is_platform_admin, expires_at)
         VALUES ($1, $2, $3, CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, $4, $5)
         ON CONFLICT ((lower(email))) DO NOTHING
         RETURNING id`,
        [
          email,
          input.displayName ?? email.split('@')[0],
          passwordHash,
          input.isPlatformAdmin ?? false,
          input.expiresAt ?? null,
        ],
      )) as { id: string }[];
      if (inserted.length === 0)
        throw new ConflictError({ code: 'email_taken', detail: 'An account with this email already exists.' });
      const user = await manager.getRepository(UserEntity).findOneByOrFail({ id: inserted[0].id });
      await this.events.record(
        ctx,
        { action: 'user.created', subjectId: user.id, details: { platformAdmin: user.isPlatformAdmin } },
        manager,
      );
      return user;
    });
  }

  async findById(ctx: RequestContext, id: string): Promise<UserEntity | null> {
    return this.transactions.manager(ctx).getRepository(UserEntity).findOneBy({ id });
  }

  /** 404 `user_not_found` when absent. */
  async getById(ctx: RequestContext, id: string): Promise<UserEntity> {
    const user = await this.findById(ctx, id);
    if (!user) throw new NotFoundError({ code: 'user_not_found', detail: 'No such user.' });
    return user;
  }

  /** Case-insensitive lookup. */
  async findByEmail(ctx: RequestContext, email: string): Promise<UserEntity | null> {
    return this.transactions
      .manager(ctx)
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: normalizeEmail(email) })
      .getOne();
  }

  /** Disables or re-enables an account; a disabled user's next request fails. */
  async setStatus(
    ctx: RequestContext,
    userId: string,
    status: 'active' | 'disabled',
    reason?: string,
  ): Promise<UserEntity> {
    const user = await this.transactions.run(ctx, async (ctx, manager) => {
      const repo = manager.getRepository(UserEntity);
      const user = await repo.findOneBy({ id: userId });
      if (!user) throw new NotFoundError({ code: 'user_not_found', detail: 'No such user.' });
      await repo.update(
        { id: userId },
        { status, disabledReason: status === 'disabled' ? (reason ?? 'disabled') : null },
      );
      await this.events.record(
        ctx,
        { action: status === 'disabled' ? 'user.disabled' : 'user.enabled', subjectId: userId, details: { reason } },
        manager,
      );
      return { ...user, status };
    });
    await this.principals.invalidateUser(userId);
    return user;
  }

  /** Sets or clears the account expiry (contractors, interns). */
  async setExpiry(ctx: RequestContext, userId: string, expiresAt: Date | null): Promise<void> {
    const result = await this.transactions.manager(ctx).getRepository(UserEntity).update({ id: userId }, { expiresAt });
    if (!result.affected) throw new NotFoundError({ code: 'user_not_found', detail: 'No such user.' });
    await this.principals.invalidateUser(userId);
  }
}
