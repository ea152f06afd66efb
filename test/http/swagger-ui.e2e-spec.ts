import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { launchChromium } from '../support/chromium.js';
import { createUser, type TestUser } from '../support/identity.js';

/** Screenshots of each step, kept by CI as test artifacts (git-ignored). */
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'swagger-ui');
/** A host name that is not localhost, resolved by Chromium alone to the test's listener. */
const INTERNAL_HOST = 'docs.studio.test';
/** Not the default, so the description is seen to follow the configuration. */
const ACCESS_TOKEN_TTL_SECONDS = 1200;

/** The fields of an `<img>` read in the page (the test's TypeScript has no DOM types). */
interface LoadedImage {
  complete: boolean;
  naturalWidth: number;
}

interface Answer {
  status: number;
  body: string;
  /** The "Server response" row on the page. */
  row: Locator;
}

/**
 * An administrator works in Swagger UI as a person would: expands operations, clicks "Try it out",
 * types into the fields, presses Execute and reads the answer on the page.
 */
class SwaggerUi {
  private shot = 0;

  constructor(readonly page: Page) {}

  async screenshot(name: string): Promise<void> {
    this.shot += 1;
    await this.page.screenshot({
      path: join(ARTIFACTS, `${String(this.shot).padStart(2, '0')}-${name}.png`),
      fullPage: false,
    });
  }

  /** The operation block of `method path`, expanded, with "Try it out" on. */
  async open(method: string, path: string): Promise<Locator> {
    const block = this.page
      .locator(`.opblock.opblock-${method}`)
      .filter({ has: this.page.locator(`.opblock-summary-path[data-path="${path}"]`) });
    await block.scrollIntoViewIfNeeded();
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').click();
    const tryOut = block.getByRole('button', { name: 'Try it out' });
    if (await tryOut.isVisible()) await tryOut.click();
    return block;
  }

  async fill(block: Locator, parameter: string, value: string): Promise<void> {
    await block.locator(`tr[data-param-name="${parameter}"] input`).fill(value);
  }

  async body(block: Locator, json: unknown): Promise<void> {
    await block.locator('textarea.body-param__text').fill(JSON.stringify(json, null, 2));
  }

  /** Presses Execute and reads the status and body Swagger UI shows under "Server response". */
  async execute(block: Locator): Promise<Answer> {
    const clear = block.locator('button.btn-clear');
    if (await clear.isVisible()) await clear.click();
    await block.locator('button.execute').click();
    const row = block.locator('.live-responses-table tbody tr.response');
    await row.waitFor();
    // An undocumented status reads "403Undocumented".
    const status = Number.parseInt((await row.locator('td.response-col_status').textContent()) ?? '', 10);
    const pre = row.locator('.response-col_description pre').first();
    const body = (await pre.count()) > 0 ? ((await pre.textContent()) ?? '') : '';
    await row.scrollIntoViewIfNeeded();
    return { status, body, row };
  }

  /** Authorize → bearer: replaces whatever token was there. */
  async authorize(token: string): Promise<void> {
    await this.page.locator('.auth-wrapper button.authorize').click();
    const modal = this.page.locator('.modal-ux');
    const bearer = modal.locator('.auth-container').filter({ hasText: 'bearer' });
    const logout = bearer.locator('button', { hasText: 'Logout' });
    if (await logout.isVisible()) await logout.click();
    await bearer.locator('input').fill(token);
    await bearer.locator('button.authorize', { hasText: 'Authorize' }).click();
    await bearer.locator('button', { hasText: 'Logout' }).waitFor();
    await this.screenshot('authorized');
    await bearer.locator('button.btn-done').click();
    await modal.waitFor({ state: 'detached' });
  }
}

describe('Swagger UI for administrators (Chromium)', () => {
  let t: TestApp;
  let port: number;
  let browser: Browser;
  let admin: TestUser;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    t = await createTestApp({ env: { AUTH_ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_TTL_SECONDS) } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    admin = await createUser(t, { platformAdmin: true, email: `admin-${port}@studio.test` });
    browser = await launchChromium([`--host-resolver-rules=MAP ${INTERNAL_HOST} 127.0.0.1`]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page whose waits allow for a busy CI machine (Jest's own timeout still bounds the test). */
  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(90_000);
    return page;
  }

  it('signs in, authorizes, creates an organization, enrols two factors and uploads a model version', async () => {
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${port}/docs`);
    const ui = new SwaggerUi(page);
    await page.locator('.opblock').first().waitFor();
    // The description tells an admin how to get a token and for how long it holds.
    const info = page.locator('.information-container');
    await expect(info.textContent()).resolves.toContain('Authorize');
    await expect(info.textContent()).resolves.toContain('Access tokens last 20 minutes');
    await ui.screenshot('docs');

    // Sign in with "Try it out" on login.
    const login = await ui.open('post', '/api/v1/auth/login');
    await ui.body(login, { email: admin.email, password: admin.password });
    const signedIn = await ui.execute(login);
    expect(signedIn.status).toBe(200);
    const first = JSON.parse(signedIn.body) as { accessToken: string; expiresIn: number };
    expect(first.expiresIn).toBe(ACCESS_TOKEN_TTL_SECONDS);
    await ui.screenshot('signed-in');
    await ui.authorize(first.accessToken);

    // Create an organization: the platform admin becomes its admin.
    const createOrg = await ui.open('post', '/api/v1/orgs');
    await ui.body(createOrg, { name: 'Northlight VFX', slug: 'northlight' });
    const org = await ui.execute(createOrg);
    expect(org.status).toBe(201);
    const orgId = (JSON.parse(org.body) as { id: string }).id;
    await ui.screenshot('organization-created');

    // Organization admins need two factors: without them, creating a model is refused.
    const createModel = await ui.open('post', '/api/v1/orgs/{orgId}/models');
    await ui.fill(createModel, 'orgId', orgId);
    const model = { name: 'Swapper', slug: 'swapper', kind: 'face_swapper', family: 'inswapper' };
    await ui.body(createModel, model);
    const refused = await ui.execute(createModel);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'mfa_required' });

    // Enrol TOTP: the setup answers the secret and where to see its QR code.
    const setupBlock = await ui.open('post', '/api/v1/auth/mfa/setup');
    const setup = await ui.execute(setupBlock);
    expect(setup.status).toBe(200);
    const { secret, qrCodeUrl } = JSON.parse(setup.body) as { secret: string; qrCodeUrl: string };
    expect(qrCodeUrl).toBe('/api/v1/auth/mfa/setup/qr.png');
    await ui.screenshot('mfa-setup');

    // The QR code is displayed as an image an authenticator app can scan from the screen.
    const shown = await ui.execute(await ui.open('get', qrCodeUrl));
    expect(shown.status).toBe(200);
    const qr = shown.row.locator('.response-col_description img');
    // Loaded and decoded: a broken image has no natural width.
    await page.waitForFunction((img) => (img as unknown as LoadedImage).complete, await qr.elementHandle());
    await expect(qr.evaluate((img) => (img as unknown as LoadedImage).naturalWidth)).resolves.toBeGreaterThanOrEqual(
      100,
    );
    await qr.scrollIntoViewIfNeeded();
    await ui.screenshot('mfa-qr-code');

    // Enable with a code computed from the secret the page showed; the answer says to sign in again.
    // Codes are computed when typed: the previous step's code to enable, the current one to sign in
    // (a code works once, and only later steps after it).
    const code = (stepOffset: number) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepOffset * 30 });
    // Typed in the last seconds of its step, the previous step's code could be two steps old by the
    // time the server reads it: start typing early in a step (time passing on purpose).
    const intoStep = (Date.now() / 1000) % 30;
    if (intoStep > 18) await new Promise((resolve) => setTimeout(resolve, (30 - intoStep) * 1000 + 250));
    const enableBlock = await ui.open('post', '/api/v1/auth/mfa/enable');
    await ui.body(enableBlock, { code: await code(-1) });
    const enabled = await ui.execute(enableBlock);
    expect(enabled.status).toBe(200);
    expect(JSON.parse(enabled.body)).toMatchObject({
      recoveryCodes: expect.arrayContaining([expect.stringMatching(/^\w{4}-\w{4}-\w{4}-\w{4}$/)]),
      signInAgain: true,
      message: expect.stringMatching(/sign in again/),
    });
    await ui.screenshot('mfa-enabled');

    // Sign in again with a fresh code and Authorize with the new token.
    const login2 = await ui.open('post', '/api/v1/auth/login');
    await ui.body(login2, {
      email: admin.email,
      password: admin.password,
      totp: await code(0),
    });
    const second = await ui.execute(login2);
    expect(second.status).toBe(200);
    await ui.authorize((JSON.parse(second.body) as { accessToken: string }).accessToken);

    // Now the model is created and a version uploaded with the file input.
    await ui.open('post', '/api/v1/orgs/{orgId}/models');
    const created = await ui.execute(createModel);
    expect(created.status).toBe(201);
    const modelId = (JSON.parse(created.body) as { id: string }).id;

    const uploadBlock = await ui.open('post', '/api/v1/orgs/{orgId}/models/{modelId}/versions');
    await ui.fill(uploadBlock, 'orgId', orgId);
    await ui.fill(uploadBlock, 'modelId', modelId);
    const onnx = Buffer.from(buildInswapperModel());
    await uploadBlock.locator('input[type="file"]').setInputFiles({
      name: 'swapper.onnx',
      mimeType: 'application/octet-stream',
      buffer: onnx,
    });
    const uploaded = await ui.execute(uploadBlock);
    await ui.screenshot('version-uploaded');
    expect(uploaded.status).toBe(201);
    expect(JSON.parse(uploaded.body)).toMatchObject({ version: 1, status: 'ready', sizeBytes: onnx.length });
    expect(errors).toEqual([]);
    await page.close();
  });

  it(`renders from a host name that is not localhost over plain HTTP (${INTERNAL_HOST})`, async () => {
    const page = await newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`));
    const answer = await page.goto(`http://${INTERNAL_HOST}:${port}/docs`);
    expect(answer?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    await expect(page.locator('.opblock').count()).resolves.toBeGreaterThan(20);
    await expect(page.locator(`.opblock-summary-path[data-path="/api/v1/auth/login"]`).isVisible()).resolves.toBe(true);
    await expect(page.locator('.information-container').textContent()).resolves.toContain('Getting a token');
    await page.screenshot({ path: join(ARTIFACTS, 'internal-host-docs.png') });
    expect(problems).toEqual([]);
    await page.close();
  });
});
