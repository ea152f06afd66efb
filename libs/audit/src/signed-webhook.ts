import { createHmac } from 'node:crypto';

/**
 * POSTs a JSON body to a webhook, signed when a secret is set: `X-Fusiongate-Signature:
 * sha256=HMAC(secret, "<X-Fusiongate-Timestamp>.<body>")`, so receivers can check origin and
 * reject replays. Three tries with backoff (250 ms, 1 s), 5 s each; throws the last error.
 */
export async function postSignedWebhook(url: string, payload: unknown, secret?: string): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-fusiongate-timestamp': timestamp };
  if (secret) {
    headers['x-fusiongate-signature'] =
      `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * 4 ** (attempt - 1)));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(5_000),
        redirect: 'error',
      });
      if (response.ok) return;
      lastError = new Error(`webhook answered ${response.status}`);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
