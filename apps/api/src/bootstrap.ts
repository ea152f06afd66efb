import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { RequestMethod, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  acceptRequestId,
  BadRequestError,
  createValidationPipe,
  type ContextRequest,
  jsonNestingExceeds,
  MethodNotAllowedError,
  PinoNestLogger,
  processLogger,
  READ_SAFE_ROUTE_CONFIG,
  readOnlyError,
  SMALL_BODY_ROUTE_CONFIG,
  metrics,
  sendProblem,
  sendReportedRateLimit,
} from '#libs/common';
import { ConfigError, type AppConfig } from '#libs/config';
import { MaintenanceMode } from '#libs/database';
import { AppModule } from './app.module.js';
import { DenialRecorder } from './audit/denial-recorder.js';
import { capConnectionsPerAddress, trustedPeer } from './connection-cap.js';
import { logRequest, requestLogger } from './logging.js';
import { setupSwagger } from './swagger.js';

export const API_PREFIX = 'api/v1';

/** Routes served outside `/api/v1`. */
export const UNPREFIXED_ROUTES = [
  { path: 'health/live', method: RequestMethod.GET },
  { path: 'health/ready', method: RequestMethod.GET },
  { path: 'metrics', method: RequestMethod.GET },
  { path: '.well-known/jwks.json', method: RequestMethod.GET },
];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every method a route of the API answers, allowed to browser apps on `CORS_ORIGINS`. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Response headers a browser app on `CORS_ORIGINS` may read. */
export const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'retry-after',
  'content-disposition',
  'etag',
  'location',
  'x-content-sha256',
  'ratelimit',
  'ratelimit-policy',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'www-authenticate',
  'idempotent-replayed',
  'allow',
];

/**
 * The headers @fastify/helmet sends with `options`, worked out once: they depend on nothing in the
 * request (no CSP nonces), so every page gets the same set from one `reply.headers()` instead of
 * helmet's middleware chain re-parsing its directives on each request.
 */
async function securityHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify();
  await probe.register(helmet, options);
  probe.get('/', async () => '');
  const plain = Fastify();
  plain.get('/', async () => '');
  const [secured, bare] = await Promise.all([probe.inject('/'), plain.inject('/')]);
  await Promise.all([probe.close(), plain.close()]);
  return Object.fromEntries(
    Object.entries(secured.headers)
      .filter(([name]) => !(name in bare.headers))
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * The security headers of an answer that is not a page (JSON, problem+json, files), as OWASP's REST
 * Security Cheat Sheet lists them: it may not be framed or sniffed, read by another origin's page
 * (Spectre-class leaks), or run as a document; and HTTPS is kept where it is served. The rest of
 * helmet's set (referrer, DNS prefetch, origin-agent-cluster, download and cross-domain policies,
 * the page CSP, COOP) governs documents, so only pages (`text/html`: Swagger UI, the queue board)
 * are sent it.
 */
export function apiSecurityHeaders(hsts: string | undefined): Record<string, string> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...(hsts ? { 'strict-transport-security': hsts } : {}),
  };
}

/** The certificate and key of the optional TLS listener, or one line naming what cannot be read. */
function readTls(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (variable: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new ConfigError(`Invalid configuration: ${variable} cannot be read (${(error as Error).message})`);
    }
  };
  return { cert: read('TLS_CERT_FILE', tls.certFile), key: read('TLS_KEY_FILE', tls.keyFile) };
}

/**
 * Builds the fully configured API application (not yet listening). Used by main and by tests;
 * `rootModule` lets a test compose AppModule with extra controllers.
 */
export async function createApiApp(
  config: AppConfig,
  rootModule: DynamicModule = AppModule.forRoot(config),
): Promise<NestFastifyApplication> {
  const { http } = config;
  const adapter = new FastifyAdapter({
    ...(http.tls ? { https: readTls(http.tls) } : {}),
    bodyLimit: http.bodyLimitBytes,
    // A client that sends its request slowly (or never finishes its body) is cut off: sockets are
    // not held forever. Uploads stream large bodies, so the whole-request limit is minutes.
    connectionTimeout: http.connectionTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      // Node checks request and header timeouts on this interval (30 s by default).
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor((http.requestTimeoutMs || 60_000) / 4))),
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeout: http.requestTimeoutMs ? Math.min(60_000, http.requestTimeoutMs) : 60_000,
    },
    trustProxy:
      typeof http.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (http.trustProxy as number)
        : http.trustProxy,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      acceptRequestId(req.headers['x-request-id']) ?? randomUUID(),
    return503OnClosing: true,
    // The router refuses a malformed URL (400) or an over-long path parameter (414) before any hook
    // or filter runs; those answers are problem+json too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header('x-request-id', request.id);
      sendProblem(reply, request, error);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    bufferLogs: true,
    // Nest would add a form (urlencoded) parser; the API speaks JSON only, so Fastify's own JSON
    // parser stays and every other media type is a 415 (uploads register their own parser).
    bodyParser: false,
  });
  const log = processLogger('api', config.log.level, config.log.format);
  app.useLogger(new PinoNestLogger(log));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  // JSON bodies: nesting deeper than HTTP_JSON_MAX_DEPTH is refused by a linear scan before
  // JSON.parse, then Fastify's own parser (prototype-poisoning protection) does the rest.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Browser and client libraries often label every request JSON; a DELETE has nothing to send.
    if (request.method === 'DELETE' && body === '') {
      done(null, undefined);
      return;
    }
    if (jsonNestingExceeds(body as string, http.jsonMaxDepth)) {
      done(
        new BadRequestError({
          code: 'body_too_deep',
          detail: `The JSON body nests objects or arrays more than ${http.jsonMaxDepth} levels deep.`,
        }),
        undefined,
      );
      return;
    }
    parseJson(request, body as string, done);
  });
  // Routes that need no authentication (and invitation acceptance) read small bodies only.
  fastify.addHook('onRoute', (route) => {
    const routeConfig = route.config as Record<string, unknown> | undefined;
    if (routeConfig?.[SMALL_BODY_ROUTE_CONFIG] && route.bodyLimit === undefined) {
      route.bodyLimit = http.publicBodyLimitBytes;
    }
  });
  capConnectionsPerAddress(fastify.server, http.maxConnectionsPerIp, trustedPeer(http.trustProxy));
  // Browsers are told to upgrade to HTTPS, and to stay on it, only where HTTPS is served (here, or by
  // the proxy in front of PUBLIC_URL): over plain HTTP on an internal host name, upgrading would
  // break Swagger UI's scripts and styles. Cross-Origin-Opener-Policy only applies to secure origins;
  // over plain HTTP browsers ignore it with a console error, so it is sent with HTTPS only.
  const https = !!http.tls || !!http.publicUrl?.startsWith('https:');
  const documentSecurity = await securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Swagger UI shows image answers (the two-factor QR code) from blob: URLs.
        imgSrc: ["'self'", 'data:', 'blob:'],
        scriptSrc: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    crossOriginOpenerPolicy: https,
    strictTransportSecurity:
      https && http.hstsMaxAgeSeconds > 0 ? { maxAge: http.hstsMaxAgeSeconds, includeSubDomains: true } : false,
  });
  const apiSecurity = apiSecurityHeaders(documentSecurity['strict-transport-security']);
  // Every request, in one synchronous hook (each hook, and each async one above all, costs every
  // request a turn of the event loop's queues): the request id is echoed; a known path asked with a
  // method it does not answer is a 405 with `Allow`, not "no such route"; in maintenance (read-only)
  // mode writes are refused before their body is read.
  const maintenance = app.get(MaintenanceMode);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    if (request.is404) {
      const url = request.url.split('?')[0];
      const allow = CORS_METHODS.filter((method) => fastify.findRoute({ method: method as 'GET', url }) !== null);
      if (allow.length > 0) {
        void reply.header('allow', allow.join(', '));
        sendProblem(
          reply,
          request,
          new MethodNotAllowedError({
            code: 'method_not_allowed',
            detail: `${url} does not answer ${request.method}; it answers ${allow.join(', ')}.`,
          }),
        );
        return;
      }
    }
    if (!SAFE_METHODS.has(request.method)) {
      const state = maintenance.current();
      if (
        state.readOnly &&
        !(request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[READ_SAFE_ROUTE_CONFIG]
      ) {
        sendProblem(
          reply,
          request,
          readOnlyError(state.message ? `Read-only for maintenance: ${state.message}` : undefined),
        );
        return;
      }
    }
    done();
  });
  // While draining for shutdown, answers end their keep-alive connection so app.close() need not
  // wait out the keep-alive timeout (idle sockets are closed by Fastify itself).
  let draining = false;
  fastify.addHook('preClose', async () => {
    draining = true;
  });
  // One callback hook for every answer (each hook is a step of every request): the security headers
  // of a page or of any other answer, by its type; RateLimit headers for the limits services
  // reported while answering, errors included; and a problem answered goes to the refusal recorder
  // before it is sent, so an immediate audit write is not lost.
  const denials = app.get(DenialRecorder, { strict: false });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    void reply.headers(typeof type === 'string' && type.startsWith('text/html') ? documentSecurity : apiSecurity);
    sendReportedRateLimit(request, reply);
    if (draining) void reply.header('connection', 'close');
    if (!(request as ContextRequest).problem) return done(null, payload);
    denials.inspect(request as ContextRequest).then(
      () => done(null, payload),
      (error: unknown) => done(error as Error),
    );
  });
  // Every answer is counted and timed, probes included, and logged, probes excepted.
  const requestLog = requestLogger(log);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    logRequest(requestLog, request, reply);
    done();
  });
  // Errors raised before Nest sees the request (body parsing, size limits) are problem+json too.

  // Browser apps on the allowed origins may use every method the API answers and read the headers
  // it documents; request headers (Authorization, If-Match, Content-Type…) are reflected.
  app.enableCors({
    origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false,
    methods: CORS_METHODS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
  app.useGlobalPipes(createValidationPipe());
  setupSwagger(app);
  return app;
}
