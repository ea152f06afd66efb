import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, type TestUser, type Tokens } from '../support/identity.js';
import { createTenant } from '../support/tenant.js';
import { FAST_AUTH_ENV } from './support.js';

interface SessionItem {
  id: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  mfa: boolean;
  current: boolean;
}

describe('my sessions: list, sign out one, sign out everywhere', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const sessions = (tokens: Tokens, query: Record<string, string> = {}) =>
    http().get('/api/v1/auth/sessions').query(query).set(authHeader(tokens));
  const me = (tokens: Tokens) => http().get('/api/v1/auth/me').set(authHeader(tokens));

  beforeAll(async () => {
    // No principal cache: every request reads the session, as after the cache's few seconds.
    t = await createTestApp({ env: { ...FAST_AUTH_ENV, AUTH_PRINCIPAL_CACHE_SECONDS: '0' } });
  });
  afterAll(() => t.close());

  /** Signs in from a named device. */
  async function signInFrom(user: TestUser, device: string): Promise<Tokens> {
    const res = await http()
      .post('/api/v1/auth/login')
      .set('user-agent', device)
      .send({ email: user.email, password: user.password });
    expect(res.status).toBe(200);
    return res.body as Tokens;
  }

  it('lists my live sessions, newest first, with device, address, times and which one is this', async () => {
    const user = await createUser(t);
    const laptop = await signInFrom(user, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0');
    const phone = await signInFrom(user, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1');
    const ended = await signInFrom(user, 'curl/8.5.0');
    await http().post('/api/v1/auth/logout').set(authHeader(ended)).expect(204);
    const someoneElse = await createUser(t);
    await signInFrom(someoneElse, 'Other/1.0');

    const res = await sessions(phone);
    expect(res.status).toBe(200);
    const items = res.body.items as SessionItem[];
    expect(items.map((s) => s.userAgent)).toEqual([
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Safari/604.1',
      'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
    ]);
    expect(items.map((s) => s.current)).toEqual([true, false]);
    for (const s of items) {
      expect(s.ip).toMatch(/127\.0\.0\.1|::1/);
      expect(Date.parse(s.createdAt)).toBeLessThanOrEqual(Date.parse(s.lastUsedAt));
      expect(Date.parse(s.expiresAt)).toBeGreaterThan(Date.now());
      expect(s.mfa).toBe(false);
    }
    expect(res.body.nextCursor).toBeNull();
    expect(JSON.stringify(res.body)).not.toContain(laptop.refreshToken);

    const page = await sessions(laptop, { limit: '1' });
    expect(page.body.items).toHaveLength(1);
    const rest = await sessions(laptop, { limit: '1', cursor: page.body.nextCursor });
    expect([page.body.items[0].id, rest.body.items[0].id]).toEqual(items.map((s) => s.id));
    expect(rest.body.items[0].current).toBe(true);
    const forged = await sessions(laptop, { cursor: 'bm90LWEtY3Vyc29y' });
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('cursor_invalid');
  });

  it('shows when a session was last used', async () => {
    const user = await createUser(t);
    const tokens = await signInFrom(user, 'Desk/1.0');
    // As if the session had been idle for an hour.
    await t.env.db.query(
      `UPDATE auth_session SET created_at = now() - interval '2 hours', last_used_at = now() - interval '1 hour' WHERE user_id = $1`,
      [user.id],
    );
    await me(tokens).expect(200);
    const [session] = (await sessions(tokens)).body.items as SessionItem[];
    expect(Date.now() - Date.parse(session.lastUsedAt)).toBeLessThan(60_000);
    expect(Date.now() - Date.parse(session.createdAt)).toBeGreaterThan(3600_000);
  });

  it('signs out one of my other sessions: its next request and refresh are refused', async () => {
    const user = await createUser(t);
    const kept = await signInFrom(user, 'Kept/1.0');
    const lost = await signInFrom(user, 'Lost/1.0');
    const lostId = ((await sessions(lost)).body.items as SessionItem[]).find((s) => s.current)!.id;

    await http().delete(`/api/v1/auth/sessions/${lostId}`).set(authHeader(kept)).expect(204);
    const next = await me(lost);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('token_invalid');
    expect((await http().post('/api/v1/auth/refresh').send({ refreshToken: lost.refreshToken })).status).toBe(401);
    expect((await me(kept)).status).toBe(200);
    expect(((await sessions(kept)).body.items as SessionItem[]).map((s) => s.userAgent)).toEqual(['Kept/1.0']);

    // Gone is gone: a second delete finds nothing.
    const again = await http().delete(`/api/v1/auth/sessions/${lostId}`).set(authHeader(kept));
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('session_not_found');

    const { rows } = await t.env.db.query(
      `SELECT details FROM audit_event WHERE action = 'auth.session.revoked' AND resource_id = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ details: { sessionId: lostId, current: false } }]);
  });

  it("answers 404 for another user's session, which keeps working", async () => {
    const owner = await createUser(t);
    const intruder = await createUser(t);
    const ownerTokens = await signInFrom(owner, 'Owner/1.0');
    const intruderTokens = await signInFrom(intruder, 'Intruder/1.0');
    const ownerSession = ((await sessions(ownerTokens)).body.items as SessionItem[])[0].id;

    const res = await http().delete(`/api/v1/auth/sessions/${ownerSession}`).set(authHeader(intruderTokens));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('session_not_found');
    const unknown = await http()
      .delete('/api/v1/auth/sessions/00000000-0000-4000-8000-000000000000')
      .set(authHeader(intruderTokens));
    expect(unknown.body).toMatchObject({ status: 404, code: 'session_not_found' });
    const malformed = await http().delete('/api/v1/auth/sessions/not-a-uuid').set(authHeader(intruderTokens));
    expect(malformed.body).toMatchObject({ status: 404, code: 'session_not_found' });
    expect((await me(ownerTokens)).status).toBe(200);
    expect(((await sessions(intruderTokens)).body.items as SessionItem[]).map((s) => s.id)).not.toContain(ownerSession);
  });

  it('signs out the current session through the same route', async () => {
    const user = await createUser(t);
    const tokens = await signInFrom(user, 'Self/1.0');
    const id = ((await sessions(tokens)).body.items as SessionItem[])[0].id;
    await http().delete(`/api/v1/auth/sessions/${id}`).set(authHeader(tokens)).expect(204);
    expect((await me(tokens)).status).toBe(401);
  });

  it('signs out everywhere else, keeping this session', async () => {
    const user = await createUser(t);
    const here = await signInFrom(user, 'Here/1.0');
    const others = [await signInFrom(user, 'A/1.0'), await signInFrom(user, 'B/1.0'), await signInFrom(user, 'C/1.0')];
    const bystander = await createUser(t);
    const bystanderTokens = await signInFrom(bystander, 'Bystander/1.0');

    const res = await http().post('/api/v1/auth/sessions/revoke-all').set(authHeader(here)).send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revokedSessions: 3 });
    for (const tokens of others) {
      expect((await me(tokens)).status).toBe(401);
      expect((await http().post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status).toBe(401);
    }
    expect((await me(here)).status).toBe(200);
    expect((await me(bystanderTokens)).status).toBe(200);
    expect(((await sessions(here)).body.items as SessionItem[]).map((s) => s.userAgent)).toEqual(['Here/1.0']);
  });

  it('signs out everywhere including here with keepCurrent: false', async () => {
    const user = await createUser(t);
    const here = await signInFrom(user, 'Here/1.0');
    const other = await signInFrom(user, 'There/1.0');
    const bad = await http().post('/api/v1/auth/sessions/revoke-all').set(authHeader(here)).send({ keepCurrent: 'no' });
    expect(bad.status).toBe(400);
    expect((await me(other)).status).toBe(200);

    const res = await http()
      .post('/api/v1/auth/sessions/revoke-all')
      .set(authHeader(here))
      .send({ keepCurrent: false });
    expect(res.body).toEqual({ revokedSessions: 2 });
    expect((await me(here)).status).toBe(401);
    expect((await me(other)).status).toBe(401);
    const { rows } = await t.env.db.query(
      `SELECT details FROM audit_event WHERE action = 'auth.sessions.revoked_all' AND resource_id = $1`,
      [user.id],
    );
    expect(rows).toEqual([{ details: { revokedSessions: 2, keepCurrent: false } }]);
  });

  it('is for people: API keys cannot list or end sessions', async () => {
    const tenant = await createTenant(t);
    const key = await http()
      .post(`/api/v1/orgs/${tenant.orgId}/api-keys`)
      .set(tenant.admin.auth)
      .send({ name: 'bot', permissions: ['model:read'] });
    expect(key.status).toBe(201);
    const res = await http().get('/api/v1/auth/sessions').set('x-api-key', key.body.secret);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('api_key_not_allowed');
    const all = await http().post('/api/v1/auth/sessions/revoke-all').set('x-api-key', key.body.secret).send({});
    expect(all.status).toBe(403);
    expect((await http().get('/api/v1/auth/sessions')).status).toBe(401);
  });
});
