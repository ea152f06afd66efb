import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUserAndLogin, login, strongPassword, totpCode } from '../support/identity.js';
import { startTestMailbox, type TestMailbox } from '../support/mail.js';
import { awayFromTotpStepEdge } from '../support/people.js';
import { createTenant } from '../support/tenant.js';

/** Security notices reach the account owner's mailbox (a real SMTP server started here). */
describe('security notices by mail', () => {
  let mailbox: TestMailbox;
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const signIn = (email: string, password: string, from: string, totp?: string) =>
    http()
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', from)
      .send({ email, password, ...(totp ? { totp } : {}) });
  const noticesTo = (email: string, subject: string) =>
    mailbox.to(email).filter((m) => m.subject.toLowerCase().includes(subject.toLowerCase()));

  beforeAll(async () => {
    mailbox = await startTestMailbox();
    t = await createTestApp({ env: { SMTP_URL: mailbox.url, TRUST_PROXY: 'true' } });
  });
  afterAll(async () => {
    await t?.close();
    await mailbox?.close();
  });

  it('a sign-in from an address the account never used is reported once; known addresses are not', async () => {
    const user = await createUserAndLogin(t); // first sign-in ever, from 127.0.0.1: nothing to compare with
    expect((await signIn(user.email, user.password, '127.0.0.1')).status).toBe(200);
    expect((await signIn(user.email, user.password, '198.51.100.5')).status).toBe(200);
    const [mail] = await mailbox.waitFor((m) => m.to.includes(user.email) && m.subject.startsWith('New sign-in'));
    expect(mail.text).toContain('198.51.100.5');
    expect((await signIn(user.email, user.password, '198.51.100.5')).status).toBe(200);
    expect((await signIn(user.email, user.password, '127.0.0.1')).status).toBe(200);
    // A failed attempt from yet another address is not a sign-in.
    expect((await signIn(user.email, 'wrong-password-123', '192.0.2.44')).status).toBe(401);
    await mailbox.settle(500);
    expect(noticesTo(user.email, 'New sign-in')).toHaveLength(1);
  });

  it('password changed, two-factor turned off and an API key created each reach the owner', async () => {
    const tenant = await createTenant(t);
    const owner = await createUserAndLogin(t, { mfa: true });
    const newPassword = strongPassword();
    const changed = await http()
      .post('/api/v1/auth/password')
      .set(authHeader(owner.tokens))
      .send({ currentPassword: owner.password, newPassword });
    expect(changed.status).toBe(200);
    const [pw] = await mailbox.waitFor((m) => m.to.includes(owner.email) && m.subject.includes('password was changed'));
    expect(pw.text).toContain('your other sessions were signed out');

    await awayFromTotpStepEdge();
    const wrong = await http().post('/api/v1/auth/mfa/disable').set(authHeader(owner.tokens)).send({ code: '000000' });
    expect(wrong.status).toBe(401);
    const off = await http()
      .post('/api/v1/auth/mfa/disable')
      .set(authHeader(owner.tokens))
      .send({ code: await totpCode(owner.totpSecret!, 1) });
    expect(off.status).toBe(204);
    await mailbox.waitFor(
      (m) => m.to.includes(owner.email) && m.subject.startsWith('Two-factor authentication was turned off'),
    );

    const key = await http()
      .post(`/api/v1/orgs/${tenant.orgId}/api-keys`)
      .set(tenant.admin.auth)
      .send({ name: 'render <farm>', permissions: ['model:read'] });
    expect(key.status).toBe(201);
    const [keyMail] = await mailbox.waitFor((m) => m.to.includes(tenant.admin.email) && m.subject.includes('API key'));
    expect(keyMail.text).toContain('"render <farm>"');
    expect(keyMail.text).toContain(`(${key.body.prefix}…)`);
    expect(keyMail.html).toContain('render &lt;farm&gt;');

    // Refused changes send nothing.
    const refused = await http()
      .post(`/api/v1/orgs/${tenant.orgId}/api-keys`)
      .set(tenant.guest.auth)
      .send({ name: 'sneaky', permissions: ['model:read'] });
    expect(refused.status).toBe(403);
    await mailbox.settle(500);
    expect(noticesTo(owner.email, 'Two-factor')).toHaveLength(1);
    expect(noticesTo(tenant.guest.email, 'API key')).toEqual([]);
    await login(t, owner.email, newPassword);
  });

  it('a platform admin resetting someone’s two factors alerts them', async () => {
    const operator = await createUserAndLogin(t, { platformAdmin: true, mfa: true });
    const person = await createUserAndLogin(t, { mfa: true });
    const reset = await http().post(`/api/v1/users/${person.id}/mfa/reset`).set(authHeader(operator.tokens));
    expect(reset.status).toBe(200);
    const [mail] = await mailbox.waitFor(
      (m) => m.to.includes(person.email) && m.subject.startsWith('Two-factor authentication was turned off'),
    );
    expect(mail.text).toContain('A platform administrator reset the two-factor authentication');
  });
});
