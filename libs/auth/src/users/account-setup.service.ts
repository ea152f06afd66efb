import { Injectable } from '@nestjs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { MailerService } from '#libs/mail';
import { AuthEvents } from '../auth-events.js';
import { PasswordTokenService } from '../password-reset/password-token.service.js';
import { UserEntity } from './user.entity.js';
import { UserService } from './user.service.js';

export interface AccountSetupInput {
  email: string;
  displayName?: string;
  isPlatformAdmin?: boolean;
  expiresAt?: Date | null;
}

/** How the new account's owner learns their set-up link. */
export type SetupDelivery =
  | { delivery: 'email'; expiresAt: Date }
  /** Mail is configured but the SMTP server refused it: send a new link later (nothing else to undo). */
  | { delivery: 'email_failed'; expiresAt: Date }
  /** No SMTP: the token goes back to the admin, once, to hand over. */
  | { delivery: 'token'; token: string; expiresAt: Date };

/**
 * Accounts created by a platform admin: no password yet, and a single-use link (valid
 * `INVITATION_TTL_HOURS`) with which the owner chooses one at `POST /auth/password/reset`.
 */
@Injectable()
export class AccountSetupService {
  constructor(
    private readonly transactions: Transactions,
    private readonly users: UserService,
    private readonly tokens: PasswordTokenService,
    private readonly mailer: MailerService,
    private readonly events: AuthEvents,
  ) {}

  /** Creates the account and its set-up link; 409 `email_taken` when the email has an account. */
  async create(ctx: RequestContext, input: AccountSetupInput): Promise<{ user: UserEntity; setup: SetupDelivery }> {
    const { user, token, expiresAt, inviterName } = await this.transactions.run(ctx, async (ctx, manager) => {
      const user = await this.users.create(ctx, { ...input, password: undefined });
      const issued = await this.tokens.issueIn(manager, user.id, 'setup');
      const [inviter] = ctx.actor.userId
        ? ((await manager.query(`SELECT display_name FROM user_account WHERE id = $1`, [ctx.actor.userId])) as {
            display_name: string;
          }[])
        : [];
      await this.events.record(
        ctx,
        { action: 'user.setup_link_issued', subjectId: user.id, details: { mailed: this.mailer.enabled } },
        manager,
      );
      return { user, ...issued, inviterName: inviter?.display_name };
    });
    if (!this.mailer.enabled) return { user, setup: { delivery: 'token', token, expiresAt } };
    const sent = await this.mailer.send(user.email, {
      kind: 'account_setup',
      link: this.mailer.link('account-setup', token),
      expiresAt,
      inviterName,
    });
    return { user, setup: { delivery: sent ? 'email' : 'email_failed', expiresAt } };
  }
}
