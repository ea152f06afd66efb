import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { createTestApp, createTestEnvironment, type TestApp, type TestEnvironment } from '../support/app.js';

/** GET over HTTPS, accepting the test's self-signed certificate. */
function getTls(port: number, path: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Swagger UI over plain HTTP on an internal host name must not be told to upgrade its requests to
 * HTTPS (the page would stay blank); with TLS (here or at PUBLIC_URL) the platform asks browsers to
 * stay on HTTPS.
 */
describe('HTTP and HTTPS headers', () => {
  let env: TestEnvironment;
  let plain: TestApp;
  let dir: string;
  let behindProxy: TestApp | undefined;

  beforeAll(async () => {
    env = await createTestEnvironment();
    plain = await createTestApp({ environment: env });
    dir = mkdtempSync(join(tmpdir(), 'fusiongate-tls-'));
  }, 120_000);
  afterAll(async () => {
    await behindProxy?.close();
    await plain.close();
    await env.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('over plain HTTP on an internal host name: no upgrade-insecure-requests, no HSTS, Swagger UI loads', async () => {
    const page = await request(plain.app.getHttpServer()).get('/docs').set('host', 'fusiongate.internal:3000');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.headers['strict-transport-security']).toBeUndefined();
    // Browsers ignore Cross-Origin-Opener-Policy on insecure origins, with a console error.
    expect(page.headers['cross-origin-opener-policy']).toBeUndefined();
    // The page's own scripts and styles are served from the same origin, over the same scheme.
    const scripts = [...(page.text as string).matchAll(/src="([^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^https?:/);
      const script = await request(plain.app.getHttpServer()).get(new URL(src, 'http://x/docs').pathname);
      expect({ src, status: script.status }).toEqual({ src, status: 200 });
    }
  });

  it('with TLS_CERT_FILE and TLS_KEY_FILE: serves HTTPS with HSTS and upgrade-insecure-requests', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=fusiongate.internal',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    expect(made.status).toBe(0);
    const config = env.config({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key, HSTS_MAX_AGE_SECONDS: '86400' });
    const app = await createApiApp(config);
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.getHttpServer().address() as AddressInfo).port;
      const docs = await getTls(port, '/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers['strict-transport-security']).toBe('max-age=86400; includeSubDomains');
      expect(docs.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      expect(docs.headers['cross-origin-opener-policy']).toBe('same-origin');
      const live = await getTls(port, '/health/live');
      expect(live.status).toBe(200);
      // API answers keep HTTPS too; the page-only headers stay with pages.
      expect(live.headers['strict-transport-security']).toBe('max-age=86400; includeSubDomains');
      expect(live.headers['cross-origin-opener-policy']).toBeUndefined();
    } finally {
      await app.close();
    }
  }, 60_000);

  it('refuses half a TLS configuration, or an unreadable file, with one line naming the variable', () => {
    expect(() => env.config({ TLS_CERT_FILE: '/nonexistent/cert.pem' })).toThrow(
      'Invalid configuration: TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    );
    const config = env.config({ TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' });
    return expect(createApiApp(config)).rejects.toThrow(/^Invalid configuration: TLS_CERT_FILE cannot be read/);
  });

  it('behind a TLS-terminating proxy (PUBLIC_URL https): HSTS and upgrade-insecure-requests', async () => {
    behindProxy = await createTestApp({ environment: env, env: { PUBLIC_URL: 'https://fusiongate.example' } });
    const page = await request(behindProxy.app.getHttpServer()).get('/docs');
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(page.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
  });
});
