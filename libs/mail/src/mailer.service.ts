import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '#libs/config';
import { renderMail, type MailTemplate } from './templates.js';

/** Pages of the web front end that mails link to; each reads its token from the URL fragment. */
export type MailLinkPage = 'invitation' | 'account-setup' | 'password-reset';

const PAGES: Record<MailLinkPage, string> = {
  invitation: '/invitations/register',
  'account-setup': '/account/setup',
  'password-reset': '/password/reset',
};

/**
 * Outgoing mail through nodemailer (`SMTP_URL`). Without it `enabled` is false and nothing is
 * sent: callers hand tokens back to whoever created them instead. Never logs a body or a link
 * (they carry tokens), only the template and whether it went out.
 */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly logger = new Logger('Mailer');
  private readonly transport?: Transporter;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly config: AppConfig) {
    if (config.mail.smtpUrl) {
      this.transport = nodemailer.createTransport({
        url: config.mail.smtpUrl,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
    }
  }

  /** Whether mail goes out (SMTP_URL is set). */
  get enabled(): boolean {
    return this.transport !== undefined;
  }

  /**
   * The link a mail carries to `page` of the front end at PUBLIC_URL. The token sits in the
   * fragment, which browsers never send to servers, so it stays out of access logs and Referer.
   */
  link(page: MailLinkPage, token: string): string {
    return `${this.config.mail.publicUrl}${PAGES[page]}#token=${encodeURIComponent(token)}`;
  }

  /** Sends one mail; true once the SMTP server took it, false when mail is off or it failed (logged). */
  async send(to: string, template: MailTemplate): Promise<boolean> {
    if (!this.transport) return false;
    const sending = this.deliver(to, template);
    this.inFlight.add(sending);
    try {
      return await sending;
    } finally {
      this.inFlight.delete(sending);
    }
  }

  private async deliver(to: string, template: MailTemplate): Promise<boolean> {
    const { subject, text, html } = renderMail(template);
    try {
      await this.transport!.sendMail({ from: this.config.mail.from, to, subject, text, html });
      this.logger.log({ mail: template.kind }, 'Mail sent');
      return true;
    } catch (error) {
      this.logger.error({ mail: template.kind, err: (error as Error).message }, 'Mail could not be sent');
      return false;
    }
  }

  /** Lets mails already handed to the SMTP server finish before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.transport?.close();
  }
}
