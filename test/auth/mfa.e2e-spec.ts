import { decodeJwt } from 'jose';
import { generate } from 'otplib';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, login, totpCode } from '../support/identity.js';
import { FAST_AUTH_ENV } from './support.js';

describe('two-factor authentication (TOTP)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp({ env: FAST_AUTH_ENV });
  });
  afterAll(() => t.close());

  it('enrols with setup + enable, stores the secret encrypted, then demands a code at login', async () => {
    const user = await createUser(t, { email: 'mfa-owner@example.test' });
    const tokens = await login(t, user.email, user.password);

    const setup = await http().post('/api/v1/auth/mfa/setup').set(authHeader(tokens));
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*mfa-owner%40example\.test\?.*secret=/);
    expect(setup.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);

    const wrong = await http().post('/api/v1/auth/mfa/enable').set(authHeader(tokens)).send({ code: '000000' });
    expect(wrong.status).toBe(401);
    const enabled = await http()
      .post('/api/v1/auth/mfa/enable')
      .set(authHeader(tokens))
      .send({ code: await totpCode(setup.body.secret, -1) });
    expect(enabled.status).toBe(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);

    const { rows } = await t.env.db.query(`SELECT mfa_enabled, mfa_secret_enc FROM user_account WHERE id = $1`, [
      user.id,
    ]);
    expect(rows[0].mfa_enabled).toBe(true);
    expect(rows[0].mfa_secret_enc).toMatch(/^v1\./);
    expect(rows[0].mfa_secret_enc).not.toContain(setup.body.secret);

    const without = await http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(without.status).toBe(401);
    expect(without.body.code).toBe('mfa_required');
    expect(without.body).not.toHaveProperty('accessToken');

    const withCode = await login(t, user.email, user.password, await totpCode(setup.body.secret));
    expect(decodeJwt(withCode.accessToken).amr).toEqual(['pwd', 'otp', 'mfa']);
    const me = await http().get('/api/v1/auth/me').set(authHeader(withCode));
    expect(me.body).toMatchObject({ mfaEnabled: true, mfa: true });
  });

  it('accepts a code once: replay in the same window is refused', async () => {
    const user = await createUser(t, { mfa: true });
    const code = await totpCode(user.totpSecret!);
    await login(t, user.email, user.password, code);
    const replay = await http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password, totp: code });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('credentials_invalid');
  });

  it('tolerates one step of clock skew, not two', async () => {
    const user = await createUser(t, { mfa: true });
    const now = Math.floor(Date.now() / 1000);
    const twoAhead = await generate({ secret: user.totpSecret!, epoch: now + 75 });
    const rejected = await http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password, totp: twoAhead });
    expect(rejected.status).toBe(401);
    const oneAhead = await totpCode(user.totpSecret!, 1);
    await expect(login(t, user.email, user.password, oneAhead)).resolves.toHaveProperty('accessToken');
  });

  it('disabling needs a current code', async () => {
    const user = await createUser(t, { mfa: true });
    const tokens = await login(t, user.email, user.password, await totpCode(user.totpSecret!));
    const wrong = await http().post('/api/v1/auth/mfa/disable').set(authHeader(tokens)).send({ code: '123456' });
    expect(wrong.status).toBe(401);
    const ok = await http()
      .post('/api/v1/auth/mfa/disable')
      .set(authHeader(tokens))
      .send({ code: await totpCode(user.totpSecret!, 1) });
    expect(ok.status).toBe(204);
    const plain = await login(t, user.email, user.password);
    expect(decodeJwt(plain.accessToken).amr).toEqual(['pwd']);
  });

  it('disabling ends every other session and the caller’s own stops claiming otp', async () => {
    const user = await createUser(t, { mfa: true });
    const current = await login(t, user.email, user.password, await totpCode(user.totpSecret!, -1));
    const other = await login(t, user.email, user.password, await totpCode(user.totpSecret!));
    expect(decodeJwt(other.accessToken).amr).toContain('otp');

    const off = await http()
      .post('/api/v1/auth/mfa/disable')
      .set(authHeader(current))
      .send({ code: await totpCode(user.totpSecret!, 1) });
    expect(off.status).toBe(204);

    const otherMe = await http().get('/api/v1/auth/me').set(authHeader(other));
    expect(otherMe.status).toBe(401);
    const otherRefresh = await http().post('/api/v1/auth/refresh').send({ refreshToken: other.refreshToken });
    expect(otherRefresh.status).toBe(401);

    const refreshed = await http().post('/api/v1/auth/refresh').send({ refreshToken: current.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.accessToken).amr).toEqual(['pwd']);
    const me = await http().get('/api/v1/auth/me').set(authHeader(refreshed.body.accessToken));
    expect(me.body).toMatchObject({ mfaEnabled: false, mfa: false });
  });

  it('shows the pending enrolment as a PNG QR code to its owner only, and says to sign in again once on', async () => {
    const owner = await createUser(t);
    const other = await createUser(t);
    const tokens = await login(t, owner.email, owner.password);
    const otherTokens = await login(t, other.email, other.password);
    const qrCode = (token: typeof tokens) => http().get('/api/v1/auth/mfa/setup/qr.png').set(authHeader(token));
    const png = (dataUrl: string) => Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');

    expect((await http().get('/api/v1/auth/mfa/setup/qr.png')).status).toBe(401);
    const early = await qrCode(tokens);
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(early.body.code).toBe('mfa_setup_required');

    const first = await http().post('/api/v1/auth/mfa/setup').set(authHeader(tokens));
    expect(first.body.qrCodeUrl).toBe('/api/v1/auth/mfa/setup/qr.png');
    const shown = await qrCode(tokens);
    expect(shown.status).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.body).toEqual(png(first.body.qrCodeDataUrl));
    // Another account's pending enrolment is never shown: theirs has none.
    expect((await qrCode(otherTokens)).body.code).toBe('mfa_setup_required');

    // A new setup replaces the pending secret, and with it the image.
    const second = await http().post('/api/v1/auth/mfa/setup').set(authHeader(tokens));
    expect(second.body.secret).not.toBe(first.body.secret);
    const replaced = await qrCode(tokens);
    expect(replaced.body).toEqual(png(second.body.qrCodeDataUrl));
    expect(replaced.body).not.toEqual(shown.body);

    const enabled = await http()
      .post('/api/v1/auth/mfa/enable')
      .set(authHeader(tokens))
      .send({ code: await totpCode(second.body.secret) });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({ signInAgain: true, message: expect.stringContaining('sign in again') });
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    // The token used to enable does not carry the factor; a new sign-in with a code does.
    expect((await http().get('/api/v1/auth/me').set(authHeader(tokens))).body).toMatchObject({ mfa: false });
    const after = await qrCode(tokens);
    expect(after.status).toBe(409);
    expect(after.body.code).toBe('mfa_already_enabled');
  });

  it('refuses a second setup while MFA is on', async () => {
    const user = await createUser(t, { mfa: true });
    const tokens = await login(t, user.email, user.password, await totpCode(user.totpSecret!));
    const res = await http().post('/api/v1/auth/mfa/setup').set(authHeader(tokens));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('mfa_already_enabled');
  });
});
