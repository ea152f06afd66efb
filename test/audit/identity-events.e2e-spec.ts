import request from 'supertest';
import { AuditService } from '#libs/audit';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin, login, totpCode } from '../support/identity.js';
import { eventually } from '../support/eventually.js';

interface EventRow {
  action: string;
  outcome: string;
  actor_type: string;
  actor_id: string;
  resource_type: string | null;
  resource_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** Identity's security events land in the platform chain, with the right outcome and no secrets. */
describe('identity events in the audit trail', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({
      env: { AUTH_ARGON2_MEMORY_KIB: '1024', AUTH_ARGON2_TIME_COST: '1', ALERT_LOGIN_FAILURE_ACCOUNTS: '3' },
    });
  });
  afterAll(() => t.close());

  const eventsFor = async (resourceId: string) =>
    (
      await t.env.db.query<EventRow>(
        `SELECT action, outcome, actor_type, actor_id, resource_type, resource_id, ip, details
           FROM audit_event WHERE organization_id IS NULL AND resource_id = $1 ORDER BY pos`,
        [resourceId],
      )
    ).rows;

  it('records login success and failure, refresh, refresh reuse and logout', async () => {
    const user = await createUser(t);
    await http().post('/api/v1/auth/login').send({ email: user.email, password: 'Wrong-password-123' }).expect(401);
    const tokens = await login(t, user.email, user.password);
    const refreshed = await http().post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
    // A replay past the grace period in which a racing client would still get the same successor.
    await t.env.db.query(
      `UPDATE refresh_token SET rotated_at = rotated_at - interval '1 hour' WHERE rotated_at IS NOT NULL AND session_id IN (SELECT id FROM auth_session WHERE user_id = $1)`,
      [user.id],
    );
    await http().post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
    const again = await login(t, user.email, user.password);
    await http()
      .post('/api/v1/auth/logout')
      .set(authHeader(again))
      .expect((r) => expect(r.status).toBeLessThan(300));

    const events = await eventsFor(user.id);
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['user.created', 'allowed'],
      ['auth.login.failed', 'failed'],
      ['auth.login.succeeded', 'allowed'],
      ['auth.refresh.succeeded', 'allowed'],
      ['auth.login.succeeded', 'allowed'],
      ['auth.logout', 'allowed'],
    ]);
    expect(events[1]).toMatchObject({ actor_type: 'anonymous', resource_type: 'user', details: {} });
    // The email typed is kept beside the hashed content, where erasure reaches it.
    const { rows: personal } = await t.env.db.query(
      `SELECT p.data FROM audit_event_personal p JOIN audit_event e ON e.id = p.event_id
        WHERE e.action = 'auth.login.failed' AND e.resource_id = $1`,
      [user.id],
    );
    expect(personal).toEqual([{ data: [{ path: ['email'], value: user.email }] }]);
    expect(events[5]).toMatchObject({ actor_type: 'user', actor_id: user.id });
    const reuse = await t.env.db.query<EventRow>(
      `SELECT action, outcome FROM audit_event WHERE action = 'auth.refresh.reused'`,
    );
    expect(reuse.rows).toEqual([{ action: 'auth.refresh.reused', outcome: 'denied' }]);
    const all = JSON.stringify((await t.env.db.query(`SELECT * FROM audit_event`)).rows);
    for (const secret of [user.password, tokens.refreshToken, refreshed.body.refreshToken, tokens.accessToken]) {
      expect(all).not.toContain(secret);
    }
  });

  it('records MFA enrolment, a wrong code (kept although its transaction rolls back) and disable', async () => {
    const user = await createUserAndLogin(t);
    const setup = await http().post('/api/v1/auth/mfa/setup').set(authHeader(user.tokens)).expect(200);
    await http().post('/api/v1/auth/mfa/enable').set(authHeader(user.tokens)).send({ code: '000000' }).expect(401);
    await http()
      .post('/api/v1/auth/mfa/enable')
      .set(authHeader(user.tokens))
      .send({ code: await totpCode(setup.body.secret, -1) })
      .expect(200);
    await http()
      .post('/api/v1/auth/mfa/disable')
      .set(authHeader(user.tokens))
      .send({ code: await totpCode(setup.body.secret) })
      .expect(204);
    const events = await eventsFor(user.id);
    expect(events.map((e) => [e.action, e.outcome]).slice(-3)).toEqual([
      ['auth.mfa.failed', 'failed'],
      ['auth.mfa.enabled', 'allowed'],
      ['auth.mfa.disabled', 'allowed'],
    ]);
    expect(JSON.stringify(events)).not.toContain(setup.body.secret);
  });

  it('raises an alert when one IP fails logins for many accounts', async () => {
    for (const email of ['a@example.test', 'b@example.test', 'c@example.test']) {
      await http().post('/api/v1/auth/login').send({ email, password: 'Wrong-password-123' }).expect(401);
    }
    await t.app.get(AuditService).flush();
    const alerts = await eventually('the alert', async () => {
      const rows = await t.env.db.query(
        `SELECT rule, subject, details FROM alert WHERE rule = 'login_failures_many_accounts'`,
      );
      return rows.rows.length ? rows.rows : undefined;
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0].details).toMatchObject({ accounts: 3 });
  });
});
