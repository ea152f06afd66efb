import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from './app.js';
import { authHeader, login, strongPassword, totpCode, type Tokens } from './identity.js';
import type { TestMailbox } from './mail.js';

/** Someone who joined an organization the way a new artist does: invited, registered, signed in. */
export interface JoinedMember {
  id: string;
  email: string;
  password: string;
  displayName: string;
  /** Base32 TOTP secret when the member enrolled two factors (their role required it, or `mfa: true`). */
  totpSecret?: string;
  tokens: Tokens;
  auth: { authorization: string };
}

/**
 * Invites `email` to the organization as `inviter` (through `POST /orgs/:orgId/members`) and returns
 * the invitation token: from the answer without mail, from the message that reached `mailbox` with
 * mail. Fails the test on any other answer.
 */
export async function inviteByEmail(
  t: TestApp,
  inviter: { authorization: string },
  orgId: string,
  options: { email: string; role: string; mailbox?: TestMailbox },
): Promise<{ invitationId: string; token: string }> {
  const res = await request(t.app.getHttpServer())
    .post(`/api/v1/orgs/${orgId}/members`)
    .set(inviter)
    .send({ email: options.email, role: options.role });
  if (res.status !== 201 || res.body.status !== 'invited')
    throw new Error(`inviting ${options.email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const invitation = res.body.invitation as { id: string; delivery: string; token?: string };
  if (invitation.delivery === 'token') return { invitationId: invitation.id, token: invitation.token! };
  if (!options.mailbox) throw new Error(`the invitation of ${options.email} was mailed; pass the mailbox`);
  const [mail] = await options.mailbox.waitFor(
    (m) => m.to.includes(options.email.toLowerCase()) && /invited/.test(m.subject) && m.token !== undefined,
  );
  options.mailbox.messages.splice(options.mailbox.messages.indexOf(mail), 1);
  return { invitationId: invitation.id, token: mail.token! };
}

/** The 30-second TOTP step boundary is at least 3 s away (codes computed now stay valid). */
export async function awayFromTotpStepEdge(): Promise<void> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 26) await new Promise((r) => setTimeout(r, (30 - intoStep + 0.2) * 1000));
}

/**
 * Enrols TOTP for a signed-in user through `/auth/mfa/setup` and `/auth/mfa/enable`, then signs in
 * again with a code, as the role's MFA requirement demands. Returns the secret and the new tokens.
 */
export async function enrolTotpAndSignIn(
  t: TestApp,
  account: { email: string; password: string; tokens: Tokens },
): Promise<{ totpSecret: string; tokens: Tokens }> {
  const server = t.app.getHttpServer();
  const setup = await request(server).post('/api/v1/auth/mfa/setup').set(authHeader(account.tokens));
  if (setup.status !== 200) throw new Error(`mfa/setup answered ${setup.status}: ${JSON.stringify(setup.body)}`);
  const totpSecret = setup.body.secret as string;
  await awayFromTotpStepEdge();
  // A code works once: enable with the previous step's code (accepted within ±1 step), sign in with the current one.
  const enable = await request(server)
    .post('/api/v1/auth/mfa/enable')
    .set(authHeader(account.tokens))
    .send({ code: await totpCode(totpSecret, -1) });
  if (enable.status !== 200) throw new Error(`mfa/enable answered ${enable.status}: ${JSON.stringify(enable.body)}`);
  const tokens = await login(t, account.email, account.password, await totpCode(totpSecret));
  return { totpSecret, tokens };
}

/**
 * A member created the way the product creates them, entirely over HTTP: `inviter` invites the
 * email, the invitee registers with the token (`POST /invitations/register`), enrols two factors
 * when the role requires it (or `mfa: true`) and signs in. Works with and without mail.
 */
export async function joinThroughInvitation(
  t: TestApp,
  inviter: { authorization: string },
  orgId: string,
  options: { role: string; email?: string; displayName?: string; mailbox?: TestMailbox; mfa?: boolean },
): Promise<JoinedMember> {
  const email = options.email ?? `member-${randomBytes(6).toString('hex')}@example.test`;
  const password = strongPassword();
  const displayName = options.displayName ?? `Member ${email.split('@')[0]}`;
  const { token } = await inviteByEmail(t, inviter, orgId, { email, role: options.role, mailbox: options.mailbox });
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/invitations/register')
    .send({ token, password, displayName });
  if (res.status !== 201) throw new Error(`registering ${email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  const registered = res.body as Tokens & { userId: string; requiredActions: string[] };
  let tokens: Tokens = registered;
  let totpSecret: string | undefined;
  if (options.mfa || registered.requiredActions.includes('mfa_enrolment_required')) {
    ({ totpSecret, tokens } = await enrolTotpAndSignIn(t, { email, password, tokens }));
  }
  return { id: registered.userId, email, password, displayName, totpSecret, tokens, auth: authHeader(tokens) };
}
