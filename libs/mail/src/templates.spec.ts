import { renderMail, type MailTemplate } from './templates.js';

const at = new Date('2026-12-02T20:15:00.123Z');
const samples: MailTemplate[] = [
  {
    kind: 'invitation',
    organizationName: 'Night & <Day>',
    roleName: 'developer',
    inviterName: '"Mallory" <script>',
    link: 'https://fg.example/invitations/register#token=a"b<c',
    expiresAt: at,
    mfaRequired: true,
  },
  { kind: 'account_setup', link: 'https://fg.example/account/setup#token=t', expiresAt: at },
  { kind: 'password_reset', link: 'https://fg.example/password/reset#token=t', expiresAt: at },
  { kind: 'new_sign_in', at, ip: '198.51.100.5', userAgent: 'curl/8 <x>' },
  { kind: 'mfa_disabled', at, ip: '198.51.100.5' },
  { kind: 'password_changed', at, byReset: true },
  { kind: 'api_key_created', at, keyName: "render's <key>", prefix: 'fgk_abc' },
];

describe('mail templates', () => {
  it.each(samples.map((s) => [s.kind, s] as const))('%s renders a subject, text and escaped HTML', (_, template) => {
    const mail = renderMail(template);
    expect(mail.subject.length).toBeGreaterThan(10);
    expect(mail.text).toContain('— fusiongate');
    // No value reaches the HTML part unescaped.
    expect(mail.html).not.toMatch(/<(script|Day|x|key)>/);
    expect(mail.html).not.toContain('a"b<c');
  });

  it('shows times in UTC to the second, links in full in the text part, and the MFA notice when the role needs it', () => {
    const invitation = renderMail(samples[0]);
    expect(invitation.text).toContain('expires at 2026-12-02 20:15:00 UTC');
    expect(invitation.text).toContain('Accept the invitation: https://fg.example/invitations/register#token=a"b<c');
    expect(invitation.html).toContain('href="https://fg.example/invitations/register#token=a&quot;b&lt;c"');
    expect(invitation.text).toContain('two-factor authentication');
    expect(renderMail({ ...samples[0], mfaRequired: false } as MailTemplate).text).not.toContain('two-factor');
    expect(invitation.html).toContain('Night &amp; &lt;Day&gt;');
  });
});
