import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, type RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { UserService } from './user.service.js';

/** platform_setting key marking that the first administrator was created (by the CLI or at first start). */
export const FIRST_ADMIN_SETTING = 'identity.first_admin';
/** Email of the administrator `npm start` creates on an empty database. */
export const DEFAULT_ADMIN_EMAIL = 'admin@fusiongate.local';

export interface CreatedAdmin {
  id: string;
  email: string;
  /** Set when the password was generated here; shown once, never stored in clear. */
  generatedPassword?: string;
}

/** A generated password: 24 random characters, comfortably past the strength rules. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Creates platform administrators outside the API: `bootstrap-admin` and the first start. */
@Injectable()
export class FirstAdminService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserService,
  ) {}

  /** Creates a platform admin (a generated password when none is given); 409 when the email exists. */
  async create(ctx: RequestContext, email: string, password?: string): Promise<CreatedAdmin> {
    const generatedPassword = password === undefined ? generatePassword() : undefined;
    return this.transactions.run(ctx, async (ctx, manager) => {
      const user = await this.users.create(ctx, {
        email,
        displayName: 'Administrator',
        password: password ?? generatedPassword,
        isPlatformAdmin: true,
      });
      await manager.query(`INSERT INTO platform_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
        FIRST_ADMIN_SETTING,
        JSON.stringify({ userId: user.id, at: new Date().toISOString() }),
      ]);
      return { id: user.id, email: user.email, generatedPassword };
    });
  }

  /**
   * On an empty installation, creates the first administrator once and returns its credentials;
   * afterwards (or when accounts already exist) returns null. The setting row's primary key makes
   * concurrent first starts agree: the second waits for the first and then finds the row.
   */
  async ensure(ctx: RequestContext, email = DEFAULT_ADMIN_EMAIL): Promise<CreatedAdmin | null> {
    return this.transactions.run(ctx, async (ctx, manager) => {
      const claimed = (await manager.query(
        `INSERT INTO platform_setting (key, value) VALUES ($1, '{}'::jsonb) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [FIRST_ADMIN_SETTING],
      )) as unknown[];
      if (claimed.length === 0) return null;
      const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM user_account`)) as {
        count: number;
      }[];
      if (count > 0) return null;
      return this.create(ctx, email).catch((error: unknown) => {
        if (error instanceof ConflictError) return null;
        throw error;
      });
    });
  }
}
