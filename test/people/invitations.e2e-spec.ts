import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, createTestEnvironment, type TestApp, type TestEnvironment } from '../support/app.js';
import { authHeader, login, strongPassword } from '../support/identity.js';
import { startTestMailbox, type TestMailbox } from '../support/mail.js';
import { enrolTotpAndSignIn, inviteByEmail, joinThroughInvitation } from '../support/people.js';
import { createTenant, type Tenant } from '../support/tenant.js';

const api = (orgId: string, path = '') => `/api/v1/orgs/${orgId}${path}`;
const newEmail = (label = 'artist') => `${label}-${randomUUID().slice(0, 8)}@example.test`;

/**
 * A studio onboarding its artists: invitations by mail (a real SMTP server started here) or, without
 * mail, by token handed over; registration of invitees who have no account; MFA enrolment before
 * work when the role needs it; and the inviter's list, revoke and resend.
 */
describe('invitations and registration', () => {
  let env: TestEnvironment;
  let mailbox: TestMailbox;
  let t: TestApp; // with SMTP
  let plain: TestApp; // without SMTP: tokens go back to the inviter
  let down: TestApp | undefined; // an SMTP server that refuses connections
  let studio: Tenant;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    mailbox = await startTestMailbox();
    env = await createTestEnvironment();
    t = await createTestApp({
      environment: env,
      env: {
        SMTP_URL: mailbox.url,
        PUBLIC_URL: 'https://fusiongate.studio.example',
        AUTH_JWT_ISSUER: 'fusiongate-test',
        MAIL_FROM: 'Studio <it@studio.example>',
      },
    });
    // Believes X-Forwarded-For, so a test can speak from another address.
    plain = await createTestApp({ environment: env, env: { AUTH_JWT_ISSUER: 'fusiongate-test', TRUST_PROXY: 'true' } });
    studio = await createTenant(t, { name: 'Northlight <VFX>' });
  });
  afterAll(async () => {
    await t?.close();
    await plain?.close();
    await down?.close();
    await env?.close();
    await mailbox?.close();
  });

  const accounts = async (email: string) =>
    Number(
      (
        (await t.app
          .get(DataSource)
          .query(`SELECT count(*) AS n FROM user_account WHERE lower(email) = lower($1)`, [email])) as { n: string }[]
      )[0].n,
    );
  const pending = async (tenant: Tenant) =>
    (await http().get(api(tenant.orgId, '/invitations')).set(tenant.admin.auth)).body.items as {
      id: string;
      email: string;
      status: string;
      sentAt: string | null;
    }[];

  it('invite → mail → register → work: the invitee gets a link, creates the account and is signed in', async () => {
    const email = newEmail();
    const invite = await http()
      .post(api(studio.orgId, '/members'))
      .set(studio.admin.auth)
      .send({ email, role: 'developer' });
    expect(invite.status).toBe(201);
    expect(invite.body.invitation).toMatchObject({ email, delivery: 'email', role: { name: 'developer' } });
    // With mail configured the inviter never sees the token: only the invitee's mailbox does.
    expect(invite.body.invitation.token).toBeUndefined();

    const [mail] = await mailbox.waitFor((m) => m.to.includes(email));
    expect(mail.from).toBe('it@studio.example');
    expect(mail.subject).toBe('You are invited to Northlight <VFX> on fusiongate');
    expect(mail.text).toContain('as developer');
    expect(mail.link).toMatch(/^https:\/\/fusiongate\.studio\.example\/invitations\/register#token=/);
    expect(mail.html).toContain('Northlight &lt;VFX&gt;');
    expect(mail.html).not.toContain('<VFX>');

    const password = strongPassword();
    const registered = await http()
      .post('/api/v1/invitations/register')
      .send({ token: mail.token, password, displayName: 'Ada Lovelace' });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      tokenType: 'Bearer',
      organizationId: studio.orgId,
      role: { name: 'developer' },
      requiredActions: [],
    });
    const me = await http().get('/api/v1/auth/me').set(authHeader(registered.body.accessToken));
    expect(me.body).toMatchObject({ email, displayName: 'Ada Lovelace' });
    // The account works at once in the organization, and with its password afterwards.
    expect((await http().get(api(studio.orgId, '/models')).set(authHeader(registered.body.accessToken))).status).toBe(
      200,
    );
    const tokens = await login(t, email, password);
    const members = await http().get(api(studio.orgId, '/members')).set(authHeader(tokens));
    expect(members.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email, role: expect.objectContaining({ name: 'developer' }) }),
      ]),
    );
    expect(await pending(studio)).not.toEqual(expect.arrayContaining([expect.objectContaining({ email })]));
  });

  it('without mail, the token goes back to the inviter once and registration works the same', async () => {
    const email = newEmail('nomail');
    const invite = await request(plain.app.getHttpServer())
      .post(api(studio.orgId, '/members'))
      .set(studio.admin.auth)
      .send({ email, role: 'tester' });
    expect(invite.body.invitation).toMatchObject({ delivery: 'token', token: expect.any(String) });
    await mailbox.settle(300);
    expect(mailbox.to(email)).toEqual([]);
    const member = await joinThroughInvitation(plain, studio.admin.auth, studio.orgId, { role: 'guest' });
    const models = await request(plain.app.getHttpServer()).get(api(studio.orgId, '/models')).set(member.auth);
    expect(models.status).toBe(200);
  });

  it('when the mail server refuses, the invitation stays pending and can be resent once mail works', async () => {
    // Closed with the others: apps of one environment share its Redis connection.
    down = await createTestApp({
      environment: env,
      env: { SMTP_URL: 'smtp://127.0.0.1:9', AUTH_JWT_ISSUER: 'fusiongate-test' },
    });
    const email = newEmail('bounce');
    const invite = await request(down.app.getHttpServer())
      .post(api(studio.orgId, '/members'))
      .set(studio.admin.auth)
      .send({ email, role: 'guest' });
    expect(invite.status).toBe(201);
    expect(invite.body.invitation).toMatchObject({ email, delivery: 'email_failed' });
    expect(invite.body.invitation.token).toBeUndefined();
    const listed = (await pending(studio)).find((i) => i.email === email);
    expect(listed).toMatchObject({ status: 'pending', sentAt: null });
    const resent = await http()
      .post(api(studio.orgId, `/invitations/${listed!.id}/resend`))
      .set(studio.admin.auth);
    expect(resent.body.delivery).toBe('email');
    const [mail] = await mailbox.waitFor((m) => m.to.includes(email));
    await http()
      .post('/api/v1/invitations/register')
      .send({ token: mail.token, password: strongPassword(), displayName: 'Bounced Once' })
      .expect(201);
  });

  it('a role that requires MFA: the first answer says so, and nothing works in the organization until enrolled', async () => {
    const org = await createTenant(t, { mfaRequiredRoles: ['developer'] });
    const email = newEmail('mfa');
    const { token } = await inviteByEmail(t, org.admin.auth, org.orgId, { email, role: 'developer', mailbox });
    const password = strongPassword();
    const registered = await http()
      .post('/api/v1/invitations/register')
      .send({ token, password, displayName: 'Grace Hopper' });
    expect(registered.status).toBe(201);
    expect(registered.body.requiredActions).toEqual(['mfa_enrolment_required']);
    const first = authHeader(registered.body.accessToken);
    for (const [method, path] of [
      ['get', '/models'],
      ['get', '/members'],
      ['get', ''],
    ] as const) {
      const res = await http()[method](api(org.orgId, path)).set(first);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('mfa_required');
    }
    const key = await http()
      .post(api(org.orgId, '/api-keys'))
      .set(first)
      .send({ name: 'ci', permissions: ['model:read'] });
    expect(key.status).toBe(403);

    const enrolled = await enrolTotpAndSignIn(t, { email, password, tokens: registered.body });
    // The session from before enrolment still lacks the second factor; the new one has it.
    expect((await http().get(api(org.orgId, '/models')).set(first)).status).toBe(403);
    expect((await http().get(api(org.orgId, '/models')).set(authHeader(enrolled.tokens))).status).toBe(200);
  });

  it('every bad input has its code and loses nothing; the invitation still works afterwards', async () => {
    const email = newEmail('careful');
    const { invitationId, token } = await inviteByEmail(t, studio.admin.auth, studio.orgId, {
      email,
      role: 'tester',
      mailbox,
    });
    const register = (body: Record<string, unknown>) => http().post('/api/v1/invitations/register').send(body);
    const good = { token, password: strongPassword(), displayName: 'Katherine Johnson' };

    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...good, token: `${token.slice(0, -4)}AAAA` }, 404, 'invitation_not_found'],
      [{ ...good, password: 'short' }, 400, 'password_weak'],
      [{ ...good, password: 'passwordpassword' }, 400, 'password_weak'],
      [{ ...good, displayName: 'Evil\u202Egnp.exe' }, 400, 'validation_failed'],
      [{ ...good, displayName: '' }, 400, 'validation_failed'],
      [{ token, password: good.password }, 400, 'validation_failed'],
      [{ ...good, organizationId: studio.orgId }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const res = await register(body);
      expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status, code });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await accounts(email)).toBe(0);
    expect(await pending(studio)).toEqual(expect.arrayContaining([expect.objectContaining({ id: invitationId })]));

    // The real registration still works, once; the token is then used up.
    expect((await register(good)).status).toBe(201);
    const reused = await register({ ...good, password: strongPassword() });
    expect(reused.status).toBe(410);
    expect(reused.body.code).toBe('invitation_used');
    expect(await accounts(email)).toBe(1);
  });

  it('an expired invitation answers invitation_expired; resending gives a new token and the old one stops', async () => {
    const email = newEmail('late');
    const { invitationId, token } = await inviteByEmail(t, studio.admin.auth, studio.orgId, {
      email,
      role: 'tester',
      mailbox,
    });
    // INVITATION_TTL_HOURS later (the clock moved on: the row says so).
    await t.app
      .get(DataSource)
      .query(`UPDATE invitation SET expires_at = now() - interval '1 second' WHERE id = $1`, [invitationId]);
    const expired = await http()
      .post('/api/v1/invitations/register')
      .send({ token, password: strongPassword(), displayName: 'Late Larry' });
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe('invitation_expired');
    expect(await pending(studio)).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: invitationId, status: 'expired' })]),
    );

    const resent = await http()
      .post(api(studio.orgId, `/invitations/${invitationId}/resend`))
      .set(studio.admin.auth);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ id: invitationId, delivery: 'email' });
    expect(new Date(resent.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    const [mail] = await mailbox.waitFor((m) => m.to.includes(email));
    expect(mail.token).not.toBe(token);
    expect(
      (await http().post('/api/v1/invitations/register').send({ token, password: strongPassword(), displayName: 'L' }))
        .body.code,
    ).toBe('invitation_not_found');
    const ok = await http()
      .post('/api/v1/invitations/register')
      .send({ token: mail.token, password: strongPassword(), displayName: 'Late Larry' });
    expect(ok.status).toBe(201);
  });

  it('the inviter lists and revokes; a revoked token answers invitation_revoked', async () => {
    const email = newEmail('revoked');
    const { invitationId, token } = await inviteByEmail(t, studio.admin.auth, studio.orgId, {
      email,
      role: 'guest',
      mailbox,
    });
    const listed = (await pending(studio)).find((i) => i.id === invitationId);
    expect(listed).toMatchObject({ email, status: 'pending', role: { name: 'guest' }, invitedBy: studio.admin.id });
    expect(listed).not.toHaveProperty('token');

    // Members without user:manage, and other organizations, cannot see or touch it.
    const byDeveloper = await http().get(api(studio.orgId, '/invitations')).set(studio.developer.auth);
    expect(byDeveloper.status).toBe(403);
    expect(byDeveloper.body.code).toBe('user:manage');
    const other = await createTenant(t);
    expect(
      (
        await http()
          .delete(api(studio.orgId, `/invitations/${invitationId}`))
          .set(other.admin.auth)
      ).status,
    ).toBe(404);
    const wrongOrg = await http()
      .delete(api(other.orgId, `/invitations/${invitationId}`))
      .set(other.admin.auth);
    expect(wrongOrg.status).toBe(404);
    expect(wrongOrg.body.code).toBe('invitation_not_found');

    expect(
      (
        await http()
          .delete(api(studio.orgId, `/invitations/${invitationId}`))
          .set(studio.admin.auth)
      ).status,
    ).toBe(204);
    expect((await pending(studio)).map((i) => i.id)).not.toContain(invitationId);
    const refused = await http()
      .post('/api/v1/invitations/register')
      .send({ token, password: strongPassword(), displayName: 'Too Late' });
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('invitation_revoked');
    expect(await accounts(email)).toBe(0);
    const again = await http()
      .delete(api(studio.orgId, `/invitations/${invitationId}`))
      .set(studio.admin.auth);
    expect(again.status).toBe(404);
  });

  it('lists page by page with a cursor', async () => {
    const org = await createTenant(t);
    for (let i = 0; i < 3; i++)
      await request(plain.app.getHttpServer())
        .post(api(org.orgId, '/members'))
        .set(org.admin.auth)
        .send({ email: newEmail(`page${i}`), role: 'guest' })
        .expect(201);
    const first = await http().get(api(org.orgId, '/invitations?limit=2')).set(org.admin.auth);
    expect(first.body.items).toHaveLength(2);
    const second = await http()
      .get(api(org.orgId, `/invitations?limit=2&cursor=${first.body.nextCursor}`))
      .set(org.admin.auth);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((i: { id: string }) => i.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('someone who already has an account is told to sign in and accept; the invitation stays usable', async () => {
    const email = newEmail('twice');
    const other = await createTenant(t);
    const first = await inviteByEmail(t, other.admin.auth, other.orgId, { email, role: 'guest', mailbox });
    const second = await inviteByEmail(t, studio.admin.auth, studio.orgId, { email, role: 'tester', mailbox });
    const password = strongPassword();
    await http()
      .post('/api/v1/invitations/register')
      .send({ token: first.token, password, displayName: 'Twice' })
      .expect(201);
    const conflict = await http()
      .post('/api/v1/invitations/register')
      .send({ token: second.token, password: strongPassword(), displayName: 'Twice' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('account_exists');
    const tokens = await login(t, email, password);
    const accepted = await http()
      .post('/api/v1/invitations/accept')
      .set(authHeader(tokens))
      .send({ token: second.token });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      organizationId: studio.orgId,
      role: { name: 'tester' },
      requiredActions: [],
    });
  });

  it('parallel uses of one token create exactly one account and one membership', async () => {
    const email = newEmail('race');
    const { token } = await inviteByEmail(t, studio.admin.auth, studio.orgId, { email, role: 'tester', mailbox });
    // Each from its own address, so the per-address guess throttle stays out of the race.
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        request(plain.app.getHttpServer())
          .post('/api/v1/invitations/register')
          .set('x-forwarded-for', `198.51.100.${100 + i}`)
          .send({ token, password: strongPassword(), displayName: `Racer ${i}` }),
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 410, 410, 410, 410, 410]);
    expect(attempts.filter((r) => r.status === 410).every((r) => r.body.code === 'invitation_used')).toBe(true);
    expect(await accounts(email)).toBe(1);
    const [{ n }] = (await t.app
      .get(DataSource)
      .query(
        `SELECT count(*) AS n FROM membership m JOIN user_account u ON u.id = m.user_id WHERE lower(u.email) = lower($1)`,
        [email],
      )) as { n: string }[];
    expect(Number(n)).toBe(1);
  });

  it('guessing tokens from one address is throttled (sequentially and in a burst), other addresses are not held back', async () => {
    const guess = () =>
      http()
        .post('/api/v1/invitations/register')
        .send({ token: randomUUID() + randomUUID(), password: strongPassword(), displayName: 'Guesser' });
    const sequential: number[] = [];
    for (let i = 0; i < 8; i++) sequential.push((await guess()).status);
    expect(sequential.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(sequential).toContain(429);
    const burst = await Promise.all(Array.from({ length: 10 }, guess));
    expect(burst.every((r) => r.status === 429)).toBe(true);
    expect(burst[0].body.code).toBe('too_many_attempts');
    expect(Number(burst[0].headers['retry-after'])).toBeGreaterThan(0);
    // Another address still registers.
    const { token } = await inviteByEmail(plain, studio.admin.auth, studio.orgId, {
      email: newEmail('other'),
      role: 'guest',
    });
    const elsewhere = await request(plain.app.getHttpServer())
      .post('/api/v1/invitations/register')
      .set('x-forwarded-for', '198.51.100.23')
      .send({ token, password: strongPassword(), displayName: 'Elsewhere' });
    expect(elsewhere.status).toBe(201);
    const fromHere = await request(plain.app.getHttpServer())
      .post('/api/v1/invitations/register')
      .set('x-forwarded-for', '127.0.0.1')
      .send({ token: randomUUID() + randomUUID(), password: strongPassword(), displayName: 'Guesser' });
    expect(fromHere.status).toBe(429);
  });

  it('a body over the small public limit is refused before anything is read', async () => {
    const res = await http()
      .post('/api/v1/invitations/register')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ token: 'x'.repeat(40), password: 'p'.repeat(20_000), displayName: 'Big' }));
    expect(res.status).toBe(413);
  });
});
