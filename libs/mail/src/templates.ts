/** What a message says; one variant per mail fusiongate sends. Links carry their token after `#`. */
export type MailTemplate =
  | {
      kind: 'invitation';
      organizationName: string;
      roleName: string;
      inviterName?: string;
      link: string;
      expiresAt: Date;
      mfaRequired: boolean;
    }
  | { kind: 'account_setup'; link: string; expiresAt: Date; inviterName?: string }
  | { kind: 'password_reset'; link: string; expiresAt: Date }
  | { kind: 'new_sign_in'; at: Date; ip?: string; userAgent?: string }
  | { kind: 'mfa_disabled'; at: Date; ip?: string; byAdministrator?: boolean }
  | { kind: 'password_changed'; at: Date; ip?: string; byReset: boolean }
  | { kind: 'api_key_created'; at: Date; ip?: string; keyName: string; prefix: string; organizationName?: string };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const when = (date: Date): string =>
  date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
const from = (ip?: string): string => (ip ? ` from the address ${ip}` : '');
const NOT_YOU =
  'If this was not you, reset your password at once and tell your administrator; the audit trail records this event.';

/** A mail in paragraphs, with an optional button-like link; rendered once as text and once as HTML. */
function compose(subject: string, paragraphs: string[], action?: { label: string; link: string }): RenderedMail {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.link}`] : []), '— fusiongate'].join('\n\n');
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(action ? [`<p><a href="${escapeHtml(action.link)}">${escapeHtml(action.label)}</a></p>`] : []),
    '<p style="color:#666">— fusiongate</p></body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** Subject, plain text and HTML of a template. Every value shown is escaped in the HTML part. */
export function renderMail(template: MailTemplate): RenderedMail {
  switch (template.kind) {
    case 'invitation':
      return compose(
        `You are invited to ${template.organizationName} on fusiongate`,
        [
          `${template.inviterName ?? 'An administrator'} invited you to join ${template.organizationName} as ${template.roleName}.`,
          'Open the link to choose your password and create your account. If you already have a fusiongate account under this address, sign in and accept the invitation instead.',
          ...(template.mfaRequired
            ? [
                'This role requires two-factor authentication: you will set up an authenticator app before you can work in the organization.',
              ]
            : []),
          `The link works once and expires at ${when(template.expiresAt)}.`,
        ],
        { label: 'Accept the invitation', link: template.link },
      );
    case 'account_setup':
      return compose(
        'Your fusiongate account is ready',
        [
          `${template.inviterName ?? 'An administrator'} created a fusiongate account for this address.`,
          `Open the link to choose your password. It works once and expires at ${when(template.expiresAt)}.`,
        ],
        { label: 'Choose your password', link: template.link },
      );
    case 'password_reset':
      return compose(
        'Reset your fusiongate password',
        [
          'Someone asked to reset the password of the fusiongate account under this address.',
          `Open the link to choose a new password; every session of the account will be signed out. It works once and expires at ${when(template.expiresAt)}.`,
          'If you did not ask for this, ignore this mail: your password stays as it is.',
        ],
        { label: 'Choose a new password', link: template.link },
      );
    case 'new_sign_in':
      return compose('New sign-in to your fusiongate account', [
        `Your account was signed in to at ${when(template.at)}${from(template.ip)}, an address it had not used before${template.userAgent ? ` (${template.userAgent})` : ''}.`,
        NOT_YOU,
      ]);
    case 'mfa_disabled':
      return compose('Two-factor authentication was turned off', [
        template.byAdministrator
          ? `A platform administrator reset the two-factor authentication of your fusiongate account at ${when(template.at)}${from(template.ip)}: your authenticator and recovery codes no longer work, and your sessions must sign in again. Set two-factor up again at your next sign-in.`
          : `Two-factor authentication of your fusiongate account was turned off at ${when(template.at)}${from(template.ip)}.`,
        NOT_YOU,
      ]);
    case 'password_changed':
      return compose('Your fusiongate password was changed', [
        `The password of your fusiongate account was ${template.byReset ? 'reset with an emailed link' : 'changed'} at ${when(template.at)}${from(template.ip)}; ${template.byReset ? 'every session was' : 'your other sessions were'} signed out.`,
        NOT_YOU,
      ]);
    case 'api_key_created':
      return compose('A new API key was created with your account', [
        `The API key "${template.keyName}" (${template.prefix}…) was created with your account${template.organizationName ? ` in ${template.organizationName}` : ''} at ${when(template.at)}${from(template.ip)}.`,
        'If this was not you, revoke the key and reset your password at once.',
      ]);
  }
}
