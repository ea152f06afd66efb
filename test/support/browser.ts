/**
 * A small browser for redirect flows: real HTTP (fetch), a cookie jar per host that honours
 * `Max-Age=0` deletions, redirects followed one hop at a time so a test can stop at (or tamper
 * with) any of them, and HTML form submission.
 */
export class TestBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** One request, no redirect following; cookies sent and stored. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = this.jar.get(target.host);
    const headers: Record<string, string> = {};
    if (cookies?.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(target, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(target.host, line);
    return response;
  }

  /**
   * Follows redirects from `url` until an answer is not a redirect, or the next location matches
   * `stopAt` (returned unfetched, so the test decides what to do with it).
   */
  async follow(
    url: string,
    options: { stopAt?: (location: URL) => boolean; method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: string; response?: Response }> {
    let current = url;
    let init: { method?: string; form?: Record<string, string> } = { method: options.method, form: options.form };
    for (let hop = 0; hop < 20; hop++) {
      if (hop > 0 && options.stopAt?.(new URL(current))) return { url: current };
      const response = await this.request(current, init);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return { url: current, response };
      await response.arrayBuffer();
      current = new URL(location, current).href;
      init = {};
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Fills and submits the first form of an HTML page (its `action` resolved against the page URL). */
  async submitForm(
    pageUrl: string,
    html: string,
    fields: Record<string, string>,
    stopAt?: (location: URL) => boolean,
  ): Promise<{ url: string; response?: Response }> {
    const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
    if (!form) throw new Error(`no form on ${pageUrl}`);
    const action = new URL(
      form[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
      pageUrl,
    ).href;
    return this.follow(action, { method: 'POST', form: fields, stopAt });
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  private store(host: string, line: string): void {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    this.jar.set(host, cookies);
    const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
    if (expired) cookies.delete(name);
    else cookies.set(name, value);
  }
}
