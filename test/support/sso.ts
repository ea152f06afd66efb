import { TestBrowser } from './browser.js';

/** Where a sign-in ended: the front-end URL's fragment (`code` or `error`), or the API's own answer. */
export interface SignInResult {
  status: number;
  code?: string;
  error?: string;
  body?: unknown;
  location?: string;
}

/** Credentials typed on the test identity provider's login page. */
export interface IdpLogin {
  login: string;
  password: string;
  /** Tick "I used my second factor" (the ID token then says amr pwd+otp). */
  otp?: boolean;
  /** Press "Cancel" instead of signing in. */
  cancel?: boolean;
}

/**
 * Drives a browser from `GET /auth/oidc/{provider}/authorize` through the provider's login page
 * to the moment it would call fusiongate's callback, and returns that callback URL unfetched. A
 * browser already signed in at the provider goes straight back (as with any real provider).
 * `tamper` may rewrite the provider's authorization URL first (e.g. its nonce).
 */
export async function signInUntilCallback(
  browser: TestBrowser,
  apiUrl: string,
  provider: string,
  login: IdpLogin,
  options: { tamper?: (authorizationUrl: URL) => URL; query?: Record<string, string> } = {},
): Promise<string> {
  const authorize = new URL(`${apiUrl}/api/v1/auth/oidc/${provider}/authorize`);
  for (const [k, v] of Object.entries(options.query ?? {})) authorize.searchParams.set(k, v);
  const start = await browser.request(authorize.href);
  if (start.status !== 302) throw new Error(`authorize answered ${start.status}: ${await start.text()}`);
  let idpUrl = new URL(start.headers.get('location')!);
  if (options.tamper) idpUrl = options.tamper(idpUrl);
  const isCallback = (u: URL) => u.href.startsWith(`${apiUrl}/api/v1/auth/oidc/callback`);
  const page = await browser.follow(idpUrl.href, { stopAt: isCallback });
  // Already signed in at the provider (its own session cookie): it sends the browser straight back.
  if (!page.response) return page.url;
  if (page.response.status !== 200) throw new Error(`the provider's login page answered ${page.response.status}`);
  const done = await browser.submitForm(
    page.url,
    await page.response.text(),
    {
      login: login.login,
      password: login.password,
      ...(login.otp ? { otp: 'yes' } : {}),
      ...(login.cancel ? { cancel: 'yes' } : {}),
    },
    isCallback,
  );
  if (done.response) throw new Error(`the provider answered ${done.response.status}: ${await done.response.text()}`);
  return done.url;
}

/** Calls fusiongate's callback in `browser` and reads where it sent the browser. */
export async function finishSignIn(browser: TestBrowser, callbackUrl: string): Promise<SignInResult> {
  const response = await browser.request(callbackUrl);
  const location = response.headers.get('location') ?? undefined;
  if (response.status === 302 && location) {
    const fragment = new URLSearchParams(new URL(location).hash.slice(1));
    return {
      status: 302,
      location,
      code: fragment.get('code') ?? undefined,
      error: fragment.get('error') ?? undefined,
    };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body };
}
