import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { MailerService, type MailTemplate } from '#libs/mail';
import { AuthEvents, type AuthEvent } from '../auth-events.js';

/**
 * Security notices by mail, from identity's events: a sign-in from an address the account never
 * signed in from, two-factor turned off (or reset by a platform admin), the password changed or
 * reset, an API key created. Sent
 * once the event's transaction commits (never for a rolled-back change); the account's own
 * address is read at that moment. Nothing is sent without SMTP.
 */
@Injectable()
export class SecurityNoticeService implements OnModuleInit {
  private readonly logger = new Logger('SecurityNotices');

  constructor(
    private readonly events: AuthEvents,
    private readonly mailer: MailerService,
    private readonly transactions: Transactions,
  ) {}

  onModuleInit(): void {
    if (!this.mailer.enabled) return;
    this.events.subscribe((ctx, event, manager) => this.onEvent(ctx, event, manager));
  }

  private onEvent(ctx: RequestContext, event: AuthEvent, manager?: EntityManager): void {
    const at = new Date();
    const ip = ctx.ip;
    let recipient: string | undefined;
    let notice: (() => Promise<MailTemplate | undefined>) | undefined;
    switch (event.action) {
      case 'auth.login.succeeded':
        recipient = event.subjectId;
        notice = async () =>
          (await this.isNewAddress(event.subjectId!, ip, event.details?.sessionId))
            ? { kind: 'new_sign_in', at, ip, userAgent: ctx.userAgent?.slice(0, 200) }
            : undefined;
        break;
      case 'auth.mfa.disabled':
      case 'auth.mfa.reset':
        recipient = event.subjectId;
        notice = async () => ({ kind: 'mfa_disabled', at, ip, byAdministrator: event.action === 'auth.mfa.reset' });
        break;
      case 'auth.password.changed':
      case 'auth.password.reset':
        recipient = event.subjectId;
        notice = async () => ({ kind: 'password_changed', at, ip, byReset: event.action === 'auth.password.reset' });
        break;
      case 'apikey.created':
        recipient = ctx.actor.userId;
        notice = async () => ({
          kind: 'api_key_created',
          at,
          ip,
          keyName: String(event.details?.name ?? ''),
          prefix: String(event.details?.prefix ?? ''),
        });
        break;
      default:
        return;
    }
    if (!recipient || !notice) return;
    const userId = recipient;
    const build = notice;
    // Mail goes out after commit without holding the committer up; failures are logged.
    void this.transactions.afterCommit(manager, () => {
      void this.deliver(userId, build).catch((error: unknown) =>
        this.logger.error({ err: error }, 'A security notice could not be sent'),
      );
    });
  }

  private async deliver(userId: string, build: () => Promise<MailTemplate | undefined>): Promise<void> {
    const template = await build();
    if (!template) return;
    const [user] = (await this.transactions
      .manager()
      .query(`SELECT email FROM user_account WHERE id = $1`, [userId])) as { email: string }[];
    if (user) await this.mailer.send(user.email, template);
  }

  /**
   * True when the account has signed in before, never from `ip` (the session just opened aside).
   * The very first sign-in has nothing to compare with and sends nothing.
   */
  private async isNewAddress(userId: string, ip: string | undefined, sessionId: unknown): Promise<boolean> {
    if (!ip) return false;
    const [row] = (await this.transactions.manager().query(
      `SELECT count(*)::int AS earlier, count(*) FILTER (WHERE ip = $2)::int AS here
         FROM auth_session WHERE user_id = $1 AND id <> $3::uuid`,
      [userId, ip, typeof sessionId === 'string' ? sessionId : '00000000-0000-0000-0000-000000000000'],
    )) as { earlier: number; here: number }[];
    return row.earlier > 0 && row.here === 0;
  }
}
