import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { AuthEvents } from '../auth-events.js';
import { PrincipalCache } from '../sessions/principal-cache.js';

export interface InactiveUser {
  id: string;
  email: string;
  displayName: string;
  lastLoginAt: Date | null;
  createdAt: Date;
}

/** Account hygiene: expiring accounts past `expiresAt`, and listing those nobody has used lately. */
@Injectable()
export class UserLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly principals: PrincipalCache,
    private readonly events: AuthEvents,
    private readonly config: AppConfig,
  ) {}

  get defaultInactiveDays(): number {
    return this.config.auth.inactiveDays;
  }

  /** Disables every active account whose expiry has passed; returns their ids. */
  async disableExpired(ctx: RequestContext): Promise<string[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE user_account SET status = 'disabled', disabled_reason = 'expired', updated_at = now()
        WHERE status = 'active' AND expires_at IS NOT NULL AND expires_at <= now()
        RETURNING id`,
    )) as [{ id: string }[], number];
    for (const { id } of rows) {
      await this.principals.invalidateUser(id);
      await this.events.record(ctx, { action: 'user.expired', subjectId: id });
    }
    return rows.map((r) => r.id);
  }

  /** Active accounts without a login for `days` (default from config), oldest first. */
  async listInactive(_ctx: RequestContext, days = this.config.auth.inactiveDays): Promise<InactiveUser[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, email, display_name, last_login_at, created_at FROM user_account
        WHERE status = 'active' AND coalesce(last_login_at, created_at) < now() - make_interval(days => $1)
        ORDER BY coalesce(last_login_at, created_at)`,
      [days],
    )) as { id: string; email: string; display_name: string; last_login_at: Date | null; created_at: Date }[];
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      displayName: r.display_name,
      lastLoginAt: r.last_login_at,
      createdAt: r.created_at,
    }));
  }
}
