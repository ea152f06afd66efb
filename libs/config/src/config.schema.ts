import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** 0 (off) or an integer in [min, max]. */
const offOrInt = (min: number, max: number) =>
  z.coerce
    .number()
    .int()
    .refine((v) => v === 0 || (v >= min && v <= max), { message: `must be 0 (off) or between ${min} and ${max}` });

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}` },
  );

/** `OIDC_ROLE_MAPPINGS`: JSON, e.g. `[{"organization":"northlight","value":"vfx-leads","role":"admin"}]`. */
const platformRoleMappings = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(
        z
          .object({
            organization: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
            claim: z.string().min(1).max(200).optional(),
            value: z.string().min(1).max(500),
            role: z.string().min(1).max(100),
          })
          .strict(),
      )
      .max(500),
  );

const base64Key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'must be 32 bytes encoded in base64' });

/**
 * Every environment variable fusiongate reads, with its default. `.env.example` documents the
 * same list; keep the two in step.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  METRICS_PORT: int(1, 65535).optional(),
  METRICS_HOST: z.string().min(1).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http:', 'https:']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  QUEUE_BOARD_ENABLED: bool.default(true),
  BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  CORS_ORIGINS: csv.default([]),
  TRUST_PROXY: z.string().default('false'),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(10_000),
  HTTP_PUBLIC_BODY_LIMIT_BYTES: int(1024, 1024 * 1024).default(16 * 1024),
  HTTP_JSON_MAX_DEPTH: int(4, 1000).default(32),
  HTTP_CONNECTION_TIMEOUT_MS: offOrInt(1_000, 3_600_000).default(120_000),
  HTTP_REQUEST_TIMEOUT_MS: offOrInt(500, 3_600_000).default(600_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(1_000, 600_000).default(72_000),
  HTTP_MAX_CONNECTIONS_PER_IP: int(0, 1_000_000).default(128),
  // Staying up: TLS, maintenance (read-only) mode, timeouts of every dependency call.
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  HSTS_MAX_AGE_SECONDS: int(0, 63_072_000).default(31_536_000),
  FUSIONGATE_READ_ONLY: bool.default(false),
  DATABASE_CONNECT_TIMEOUT_MS: int(100, 60_000).default(1_000),
  DATABASE_POOL_WAIT_MS: int(100, 600_000).default(15_000),
  DATABASE_STATEMENT_TIMEOUT_MS: offOrInt(100, 3_600_000).default(30_000),
  REDIS_COMMAND_TIMEOUT_MS: int(50, 60_000).default(1_000),

  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: int(1, 100).default(10),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]*$/, 'may contain only letters, digits, ":", "_" and "-"')
    .default('fg'),

  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  MODEL_UPLOAD_MAX_BYTES: int(1024, 64 * 1024 ** 3).default(2 * 1024 ** 3),
  MODEL_VALIDATION_TIMEOUT_MS: int(1_000, 600_000).default(60_000),
  MODEL_VALIDATION_MAX_HEAP_MB: int(32, 16_384).default(128),
  MODEL_VALIDATION_CONCURRENCY: int(1, 64).default(2),
  MODEL_VALIDATION_QUEUE: int(0, 1_000).default(4),
  MODEL_VALIDATION_LOAD_MAX_BYTES: int(0, 64 * 1024 ** 3).default(64 * 1024 ** 2),
  MODEL_UPLOAD_CONCURRENCY_PER_USER: int(1, 1_000).default(2),
  MODEL_UPLOAD_CONCURRENCY_PER_ORG: int(1, 10_000).default(4),
  MODEL_UPLOAD_REQUIRE_SHA256: bool.default(false),
  MODEL_EXPORT_RATE_LIMIT: int(1, 10_000).default(5),
  MODEL_EXPORT_RATE_WINDOW_SECONDS: int(1, 7 * 86400).default(3600),

  INFERENCE_WORKERS: int(0, 64).optional(),
  INFERENCE_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  INFERENCE_INTRA_OP_THREADS: int(1, 256).default(1),
  INFERENCE_MEMORY_BUDGET_MB: int(1, 1024 * 1024).default(2048),
  INFERENCE_MAX_PIXELS: int(1, 1_000_000_000).default(40_000_000),
  INFERENCE_CODEC: z.enum(['auto', 'sharp', 'jimp']).default('auto'),

  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),

  JOBS_WORKER_CONCURRENCY: int(1, 256).optional(),
  JOBS_ATTEMPTS: int(1, 20).default(3),
  JOBS_BACKOFF_MS: int(0, 3_600_000).default(2_000),
  JOBS_TIMEOUT_MS: int(1_000, 86_400_000).default(600_000),
  JOBS_LOCK_DURATION_MS: int(1_000, 3_600_000).default(30_000),
  JOBS_STALLED_INTERVAL_MS: int(1_000, 3_600_000).default(30_000),
  JOBS_RECONCILE_INTERVAL_MS: int(0, 86_400_000).default(30_000),
  JOBS_DEFER_MS: int(10, 600_000).default(1_000),
  JOBS_MAX_SOURCES: int(1, 100).default(10),
  JOBS_MAX_INPUT_BYTES: int(1024, 1024 ** 3).default(50 * 1024 * 1024),
  JOBS_MAX_VIDEO_BYTES: int(1024, 64 * 1024 ** 3).default(1024 ** 3),
  JOBS_RESULT_PURGE_INTERVAL_MS: int(0, 7 * 86_400_000).default(3_600_000),
  JOBS_VIDEO_SEGMENT_SECONDS: z.coerce.number().min(0.1).max(3_600).default(10),
  WORKER_METRICS_PORT: int(0, 65535).optional(),

  PUBLIC_URL: url(['http:', 'https:']).optional(),
  SECRETS_KEY: base64Key32.optional(),

  AUDIT_FLUSH_INTERVAL_MS: int(10, 600_000).default(1_000),
  AUDIT_BUFFER_MAX: int(1, 100_000).default(500),
  AUDIT_CHECKPOINT_INTERVAL_MS: int(0, 7 * 86_400_000).default(300_000),
  AUDIT_CHECKPOINT_IDLE_INTERVAL_MS: int(1_000, 7 * 86_400_000).default(900_000),
  AUDIT_CHECKPOINT_EVERY_EVENTS: int(0, 1_000_000).default(100),
  AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
  AUDIT_ANCHOR_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  AUDIT_ANCHOR_WEBHOOK_SECRET: z.string().min(16).optional(),
  AUDIT_RETENTION_DAYS: int(1, 36_500).default(365),
  AUDIT_RETENTION_INTERVAL_MS: int(0, 7 * 86_400_000).default(86_400_000),
  AUDIT_USUAL_HOURS: z
    .string()
    .regex(/^$|^([01]?\d|2[0-4])-([01]?\d|2[0-4])$/, 'must be empty or "START-END" hours, e.g. 7-20')
    .default(''),
  AUDIT_USUAL_TIMEZONE: z
    .string()
    .refine((v) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: v });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone, e.g. Europe/Paris')
    .default('UTC'),
  ALERT_WEBHOOK_URL: url(['http:', 'https:']).optional(),
  ALERT_WEBHOOK_SECRET: z.string().min(16).optional(),
  ALERT_EXPORT_THRESHOLD: int(1, 1_000_000).default(20),
  ALERT_EXPORT_WINDOW_S: int(1, 7 * 86_400).default(3_600),
  ALERT_DENIAL_THRESHOLD: int(1, 1_000_000).default(20),
  ALERT_DENIAL_WINDOW_S: int(1, 86_400).default(60),
  ALERT_LOGIN_FAILURE_ACCOUNTS: int(2, 1_000_000).default(5),
  ALERT_LOGIN_FAILURE_WINDOW_S: int(1, 86_400).default(600),

  AUTH_JWT_ISSUER: z.string().min(1).optional(),
  AUTH_JWT_AUDIENCE: z.string().min(1).default('fusiongate-api'),
  AUTH_ACCESS_TOKEN_TTL_SECONDS: int(60, 3600).default(900),
  AUTH_REFRESH_TOKEN_TTL_SECONDS: int(300, 90 * 86400).default(14 * 86400),
  AUTH_SESSION_MAX_AGE_SECONDS: int(300, 365 * 86400).default(30 * 86400),
  AUTH_ARGON2_MEMORY_KIB: int(1024, 4 * 1024 * 1024).default(19456),
  AUTH_ARGON2_TIME_COST: int(1, 20).default(2),
  AUTH_LOGIN_FREE_ATTEMPTS: int(1, 100).default(5),
  AUTH_LOGIN_MAX_DELAY_SECONDS: int(1, 3600).default(900),
  AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR: int(5, 100).default(100),
  AUTH_IP_MAX_FAILURES_PER_HOUR: int(5, 100_000).default(300),
  AUTH_KNOWN_ADDRESS_DAYS: int(0, 365).default(30),
  AUTH_REFRESH_REUSE_GRACE_SECONDS: int(0, 60).default(20),
  AUTH_INACTIVE_DAYS: int(1, 3650).default(90),
  AUTH_PRINCIPAL_CACHE_SECONDS: int(0, 60).default(5),
  AUTH_LIFECYCLE_INTERVAL_SECONDS: int(0, 7 * 86400).default(3600),
  /** Fractions allowed (0.5 = 30 s); at most a day. */
  AUTH_STEP_UP_MINUTES: z.coerce.number().positive().max(1440).default(10),

  INVITATION_TTL_HOURS: int(1, 90 * 24).default(7 * 24),
  PASSWORD_RESET_TTL_MINUTES: int(5, 24 * 60).default(60),
  PASSWORD_RESET_MAX_PER_HOUR: int(1, 100).default(3),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: z.string().min(3).max(320).optional(),
  OIDC_ISSUER: url(['http:', 'https:']).optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_REDIRECT_URI: url(['http:', 'https:']).optional(),
  OIDC_PROVIDER_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and "-" (max 63)')
    .default('sso'),
  OIDC_SCOPES: csv.default(['openid', 'email', 'profile']),
  OIDC_EMAIL_CLAIM: z.string().min(1).max(200).default('email'),
  OIDC_NAME_CLAIM: z.string().min(1).max(200).default('name'),
  OIDC_GROUPS_CLAIM: z.string().min(1).max(200).default('groups'),
  OIDC_ALLOWED_DOMAINS: csv.default([]),
  OIDC_MFA_AMR: csv.default(['mfa']),
  OIDC_MFA_ACR: csv.default([]),
  OIDC_FRONTEND_URL: url(['http:', 'https:']).optional(),
  OIDC_ALLOW_HTTP: bool.default(false),
  OIDC_AUTHORIZE_PER_MINUTE: int(1, 100_000).default(30),
  OIDC_ROLE_MAPPINGS: platformRoleMappings.optional(),
});

/** Rules that involve several variables; the message names the variable to fix. */
export function crossFieldIssue(env: ParsedEnv): string | undefined {
  if (env.OIDC_ISSUER && !env.OIDC_CLIENT_ID) return 'OIDC_CLIENT_ID is required when OIDC_ISSUER is set';
  if (env.OIDC_ISSUER && !env.OIDC_REDIRECT_URI && !env.PUBLIC_URL)
    return 'OIDC_REDIRECT_URI (or PUBLIC_URL) is required when OIDC_ISSUER is set';
  if (env.OIDC_ISSUER && !env.OIDC_SCOPES.includes('openid')) return 'OIDC_SCOPES must include openid';
  if (!env.TLS_CERT_FILE !== !env.TLS_KEY_FILE) return 'TLS_CERT_FILE and TLS_KEY_FILE must be set together';
  return undefined;
}

export type Env = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;

/** Resolved, typed configuration, derived once from the environment at boot. */
export interface ConfigValues {
  env: ParsedEnv['NODE_ENV'];
  dataDir: string;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    corsOrigins: string[];
    /** Fastify's `trustProxy`: false, true, a hop count or a list of trusted addresses/CIDRs. */
    trustProxy: boolean | number | string[];
    publicUrl?: string;
    /** Body limit of routes that need no authentication (login, refresh, ...). */
    publicBodyLimitBytes: number;
    /** Deepest nesting of objects/arrays a JSON body may have; deeper ones are refused before parsing. */
    jsonMaxDepth: number;
    /** Idle socket timeout (0: none). */
    connectionTimeoutMs: number;
    /** Time allowed to receive a whole request, headers and body (0: none). */
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    /** Open connections allowed per peer address that is not a trusted proxy (0: no cap). */
    maxConnectionsPerIp: number;
    /** Serve HTTPS with this certificate and key (PEM files) instead of plain HTTP. */
    tls?: { certFile: string; keyFile: string };
    /** `Strict-Transport-Security` max-age, sent when served over HTTPS (TLS here or PUBLIC_URL https). */
    hstsMaxAgeSeconds: number;
  };
  /** Staying up when a dependency fails, and maintenance mode. */
  availability: {
    /** Writes answer 503 `read_only` (also switched on at runtime by `maintenance:on`). */
    readOnly: boolean;
    /** Longest wait for a new PostgreSQL connection. */
    databaseConnectTimeoutMs: number;
    /** Longest wait for a free connection of a full pool (a burst queues; then 503). */
    databasePoolWaitMs: number;
    /** Server-side limit of one SQL statement (0: none). */
    databaseStatementTimeoutMs: number;
    /** Longest wait for one Redis command of the shared client. */
    redisCommandTimeoutMs: number;
  };
  /** `format` auto: pretty on a terminal, JSON lines otherwise (LOG_PRETTY=true is the old spelling of pretty). */
  log: { level: ParsedEnv['LOG_LEVEL']; format: 'auto' | 'json' | 'pretty' };
  /**
   * Prometheus scraping: a separate listener (`port`) and/or a bearer `token`. Without a token the
   * API port does not serve `/metrics` at all.
   */
  metrics: { port?: number; host?: string; token?: string };
  /** OpenTelemetry tracing, off unless an OTLP endpoint is set. */
  tracing: { endpoint?: string; serviceName?: string };
  /** Bull Board for platform administrators at `/admin/queues`. */
  queueBoard: { enabled: boolean };
  /** Blob store of model artifacts and images: the local filesystem under `dataDir`, or S3. */
  storage: {
    driver: 'local' | 's3';
    s3?: { endpoint?: string; bucket: string; region: string; accessKeyId?: string; secretAccessKey?: string };
  };
  registry: {
    uploadMaxBytes: number;
    validationTimeoutMs: number;
    validationMaxHeapMb: number;
    /** Validation threads; with `validationQueue`, the bound on validations in flight. */
    validationConcurrency: number;
    /** Validations waiting for a thread; beyond it uploads answer 503 `validation_busy`. */
    validationQueue: number;
    /** Artifacts up to this size are also loaded once in onnxruntime before `ready` (0: never). */
    validationLoadMaxBytes: number;
    /** Uploads in progress at once per user, and per organization (429 `upload_concurrency_limited`). */
    uploadConcurrencyPerUser: number;
    uploadConcurrencyPerOrg: number;
    /** Refuse uploads without X-Content-SHA256 in every organization (each may also require it). */
    uploadRequireSha256: boolean;
    /** Artifact exports allowed per user in each window. */
    exportRateLimit: number;
    exportRateWindowSeconds: number;
  };
  /** The face-fusion engine of the worker (libs/inference). */
  inference: {
    /** Pipeline worker threads; unset = min(2, cores). */
    workers?: number;
    /** `cuda` falls back to `cpu` (logged) where the CUDA provider is not installed. */
    executionProvider: 'cpu' | 'cuda';
    intraOpThreads: number;
    /** Model bytes one worker process keeps loaded, split evenly between its pipeline threads. */
    memoryBudgetBytes: number;
    maxPixels: number;
    codec: 'auto' | 'sharp' | 'jimp';
  };
  /** Video tools (libs/media): unset paths use the binaries of the ffmpeg/ffprobe installer packages. */
  media: { ffmpegPath?: string; ffprobePath?: string };
  /** Fusion jobs: the Bull queue, worker processing, limits of a submission. */
  jobs: {
    /** Jobs one worker process runs at once (default: its pipeline threads). */
    workerConcurrency?: number;
    /** Tries of a job whose failure is transient (infrastructure), with exponential backoff from `backoffMs`. */
    attempts: number;
    backoffMs: number;
    /** A job still running after this long is stopped with `job_timeout`. */
    timeoutMs: number;
    /** Bull's lock on an active job (renewed while it runs) and how often stalled jobs are looked for. */
    lockDurationMs: number;
    stalledIntervalMs: number;
    /** How often queued rows without a queue entry are re-enqueued; 0 = only at worker start. */
    reconcileIntervalMs: number;
    /** How long a job held back by its organization's concurrency limit waits before another try. */
    deferMs: number;
    maxSources: number;
    /** Largest source or target file. */
    maxInputBytes: number;
    /** Largest video target file (videos are probed before anything is stored). */
    maxVideoBytes: number;
    /** How often expired results are purged; 0 = never. */
    resultPurgeIntervalMs: number;
    /** Target length of the segments a video is split into (cut at the next keyframe), fused in parallel. */
    videoSegmentSeconds: number;
    /** Optional health/metrics listener of the worker process. */
    workerMetricsPort?: number;
  };
  shutdownGraceMs: number;
  database: { url?: string; poolSize: number };
  redis: { url?: string; keyPrefix: string };
  /** Key for encrypting secrets at rest; generated under DATA_DIR when not given. */
  secretsKey?: Buffer;
  audit: {
    /** How often buffered events (reads, denials) are written. */
    flushIntervalMs: number;
    /** Buffered events that trigger a write before the interval. */
    bufferMax: number;
    /** Signed checkpoints of every chain that moved; 0 = only on demand (and every N events). */
    checkpointIntervalMs: number;
    /** A chain that did not move is still checkpointed this often, so verification can expect a recent one. */
    checkpointIdleIntervalMs: number;
    /** A checkpoint is also signed, in the appending transaction, each time a chain passes a multiple of this; 0 = off. */
    checkpointEveryEvents: number;
    /** Where each checkpoint is also published, outside PostgreSQL. */
    anchor: { file?: string; webhookUrl?: string; webhookSecret?: string };
    /** Retention of organizations that set none (and of the platform chain). */
    retentionDays: number;
    /** How often the retention job runs; 0 = never (run it from the CLI). */
    retentionIntervalMs: number;
    /** Usual working hours [start, end) in `usualTimezone`; null disables the off-hours rule. */
    usualHours: { start: number; end: number } | null;
    usualTimezone: string;
  };
  alerts: {
    webhookUrl?: string;
    webhookSecret?: string;
    exportThreshold: number;
    exportWindowSeconds: number;
    denialThreshold: number;
    denialWindowSeconds: number;
    loginFailureAccounts: number;
    loginFailureWindowSeconds: number;
  };
  auth: {
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    /** Idle lifetime of one refresh token (each use rotates it). */
    refreshTokenTtlSeconds: number;
    /** Absolute lifetime of a session, however often it is refreshed. */
    sessionMaxAgeSeconds: number;
    argon2: { memoryKiB: number; timeCost: number };
    throttle: {
      /** Failures per account and source IP before delays start. */
      freeAttempts: number;
      maxDelaySeconds: number;
      accountMaxFailuresPerHour: number;
      ipMaxFailuresPerHour: number;
      /**
       * How long an account+address pair stays known after a successful sign-in; from a known
       * address the per-account ceiling does not lock the owner out (0: off).
       */
      knownAddressSeconds: number;
    };
    /** How long a just-rotated refresh token still yields its successor instead of revoking the session. */
    refreshReuseGraceSeconds: number;
    inactiveDays: number;
    /** How often expired accounts are disabled and inactive ones listed (0: never). */
    lifecycleIntervalSeconds: number;
    /** Longest a process keeps a session's and account's status in memory (changes made through the API reach every process at once). */
    principalCacheSeconds: number;
    /** How long a proven second factor (or, without MFA, the password) keeps a session fresh for sensitive actions. */
    stepUpSeconds: number;
  };
  /** Invitations, password reset and account set-up links, and the mail that carries them. */
  onboarding: {
    invitationTtlSeconds: number;
    passwordResetTtlSeconds: number;
    /** Reset mails one account (and one source address, ten times this) may trigger per hour. */
    passwordResetMaxPerHour: number;
  };
  /** Outgoing mail; without `smtpUrl` nothing is sent and tokens go back to whoever created them. */
  mail: { smtpUrl?: string; from: string; publicUrl: string };
  /** Single sign-on with OpenID Connect (libs/sso). */
  oidc: {
    /** The platform's own provider (`OIDC_*`), when `OIDC_ISSUER` is set. */
    platform?: OidcProviderSettings & {
      slug: string;
      clientId: string;
      clientSecret?: string;
      /**
       * Roles in organizations (by slug) from the platform provider's claims; an organization named
       * here has the memberships of the platform's SSO users managed by them.
       */
      roleMappings: { organization: string; claim?: string; value: string; role: string }[];
    };
    /** The callback every provider redirects to (`OIDC_REDIRECT_URI`, or PUBLIC_URL's callback route). */
    redirectUri?: string;
    /** Where the browser lands after sign-in, with a single-use login code (never tokens) in the fragment. */
    frontendUrl?: string;
    /** Accept `http://` issuers (local development and tests only). */
    allowHttp: boolean;
    /** Sign-ins one address may start per minute (each holds a little state in Redis until it expires). */
    authorizePerMinute: number;
  };
}

/** How a provider is read: which claims hold what, and which `amr`/`acr` values mean MFA was done. */
export interface OidcProviderSettings {
  issuer: string;
  scopes: string[];
  emailClaim: string;
  nameClaim: string;
  groupsClaim: string;
  /** Email domains allowed to sign in (empty: any). */
  allowedDomains: string[];
  mfaAmrValues: string[];
  mfaAcrValues: string[];
}

function parseTrustProxy(raw: string): boolean | number | string[] {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function toConfigValues(env: ParsedEnv, cwd: string): ConfigValues {
  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(cwd, env.DATA_DIR);
  return {
    env: env.NODE_ENV,
    dataDir,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      corsOrigins: env.CORS_ORIGINS,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      publicUrl: env.PUBLIC_URL,
      publicBodyLimitBytes: env.HTTP_PUBLIC_BODY_LIMIT_BYTES,
      jsonMaxDepth: env.HTTP_JSON_MAX_DEPTH,
      connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnectionsPerIp: env.HTTP_MAX_CONNECTIONS_PER_IP,
      tls:
        env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
      hstsMaxAgeSeconds: env.HSTS_MAX_AGE_SECONDS,
    },
    availability: {
      readOnly: env.FUSIONGATE_READ_ONLY,
      databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      databasePoolWaitMs: env.DATABASE_POOL_WAIT_MS,
      databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      redisCommandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_PRETTY && env.LOG_FORMAT === 'auto' ? 'pretty' : env.LOG_FORMAT },
    metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST, token: env.METRICS_TOKEN },
    tracing: { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME },
    queueBoard: { enabled: env.QUEUE_BOARD_ENABLED },
    storage: {
      driver: env.STORAGE_DRIVER,
      s3: env.S3_BUCKET
        ? {
            endpoint: env.S3_ENDPOINT,
            bucket: env.S3_BUCKET,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
          }
        : undefined,
    },
    registry: {
      uploadMaxBytes: env.MODEL_UPLOAD_MAX_BYTES,
      validationTimeoutMs: env.MODEL_VALIDATION_TIMEOUT_MS,
      validationMaxHeapMb: env.MODEL_VALIDATION_MAX_HEAP_MB,
      validationConcurrency: env.MODEL_VALIDATION_CONCURRENCY,
      validationQueue: env.MODEL_VALIDATION_QUEUE,
      validationLoadMaxBytes: env.MODEL_VALIDATION_LOAD_MAX_BYTES,
      uploadConcurrencyPerUser: env.MODEL_UPLOAD_CONCURRENCY_PER_USER,
      uploadConcurrencyPerOrg: env.MODEL_UPLOAD_CONCURRENCY_PER_ORG,
      uploadRequireSha256: env.MODEL_UPLOAD_REQUIRE_SHA256,
      exportRateLimit: env.MODEL_EXPORT_RATE_LIMIT,
      exportRateWindowSeconds: env.MODEL_EXPORT_RATE_WINDOW_SECONDS,
    },
    inference: {
      workers: env.INFERENCE_WORKERS,
      executionProvider: env.INFERENCE_EXECUTION_PROVIDER,
      intraOpThreads: env.INFERENCE_INTRA_OP_THREADS,
      memoryBudgetBytes: env.INFERENCE_MEMORY_BUDGET_MB * 1024 * 1024,
      maxPixels: env.INFERENCE_MAX_PIXELS,
      codec: env.INFERENCE_CODEC,
    },
    media: { ffmpegPath: env.FFMPEG_PATH, ffprobePath: env.FFPROBE_PATH },
    jobs: {
      workerConcurrency: env.JOBS_WORKER_CONCURRENCY,
      attempts: env.JOBS_ATTEMPTS,
      backoffMs: env.JOBS_BACKOFF_MS,
      timeoutMs: env.JOBS_TIMEOUT_MS,
      lockDurationMs: env.JOBS_LOCK_DURATION_MS,
      stalledIntervalMs: env.JOBS_STALLED_INTERVAL_MS,
      reconcileIntervalMs: env.JOBS_RECONCILE_INTERVAL_MS,
      deferMs: env.JOBS_DEFER_MS,
      maxSources: env.JOBS_MAX_SOURCES,
      maxInputBytes: env.JOBS_MAX_INPUT_BYTES,
      maxVideoBytes: env.JOBS_MAX_VIDEO_BYTES,
      resultPurgeIntervalMs: env.JOBS_RESULT_PURGE_INTERVAL_MS,
      videoSegmentSeconds: env.JOBS_VIDEO_SEGMENT_SECONDS,
      workerMetricsPort: env.WORKER_METRICS_PORT,
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    database: { url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    secretsKey: env.SECRETS_KEY ? Buffer.from(env.SECRETS_KEY, 'base64') : undefined,
    audit: {
      flushIntervalMs: env.AUDIT_FLUSH_INTERVAL_MS,
      bufferMax: env.AUDIT_BUFFER_MAX,
      checkpointIntervalMs: env.AUDIT_CHECKPOINT_INTERVAL_MS,
      checkpointIdleIntervalMs: env.AUDIT_CHECKPOINT_IDLE_INTERVAL_MS,
      checkpointEveryEvents: env.AUDIT_CHECKPOINT_EVERY_EVENTS,
      anchor: {
        file: env.AUDIT_ANCHOR_FILE,
        webhookUrl: env.AUDIT_ANCHOR_WEBHOOK_URL,
        webhookSecret: env.AUDIT_ANCHOR_WEBHOOK_SECRET,
      },
      retentionDays: env.AUDIT_RETENTION_DAYS,
      retentionIntervalMs: env.AUDIT_RETENTION_INTERVAL_MS,
      usualHours: env.AUDIT_USUAL_HOURS
        ? {
            start: Number(env.AUDIT_USUAL_HOURS.split('-')[0]),
            end: Number(env.AUDIT_USUAL_HOURS.split('-')[1]),
          }
        : null,
      usualTimezone: env.AUDIT_USUAL_TIMEZONE,
    },
    alerts: {
      webhookUrl: env.ALERT_WEBHOOK_URL,
      webhookSecret: env.ALERT_WEBHOOK_SECRET,
      exportThreshold: env.ALERT_EXPORT_THRESHOLD,
      exportWindowSeconds: env.ALERT_EXPORT_WINDOW_S,
      denialThreshold: env.ALERT_DENIAL_THRESHOLD,
      denialWindowSeconds: env.ALERT_DENIAL_WINDOW_S,
      loginFailureAccounts: env.ALERT_LOGIN_FAILURE_ACCOUNTS,
      loginFailureWindowSeconds: env.ALERT_LOGIN_FAILURE_WINDOW_S,
    },
    auth: {
      issuer: env.AUTH_JWT_ISSUER ?? env.PUBLIC_URL ?? 'fusiongate',
      audience: env.AUTH_JWT_AUDIENCE,
      accessTokenTtlSeconds: env.AUTH_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: env.AUTH_REFRESH_TOKEN_TTL_SECONDS,
      sessionMaxAgeSeconds: env.AUTH_SESSION_MAX_AGE_SECONDS,
      argon2: { memoryKiB: env.AUTH_ARGON2_MEMORY_KIB, timeCost: env.AUTH_ARGON2_TIME_COST },
      throttle: {
        freeAttempts: env.AUTH_LOGIN_FREE_ATTEMPTS,
        maxDelaySeconds: env.AUTH_LOGIN_MAX_DELAY_SECONDS,
        accountMaxFailuresPerHour: env.AUTH_ACCOUNT_MAX_FAILURES_PER_HOUR,
        ipMaxFailuresPerHour: env.AUTH_IP_MAX_FAILURES_PER_HOUR,
        knownAddressSeconds: env.AUTH_KNOWN_ADDRESS_DAYS * 86_400,
      },
      refreshReuseGraceSeconds: env.AUTH_REFRESH_REUSE_GRACE_SECONDS,
      inactiveDays: env.AUTH_INACTIVE_DAYS,
      lifecycleIntervalSeconds: env.AUTH_LIFECYCLE_INTERVAL_SECONDS,
      principalCacheSeconds: env.AUTH_PRINCIPAL_CACHE_SECONDS,
      stepUpSeconds: env.AUTH_STEP_UP_MINUTES * 60,
    },
    onboarding: {
      invitationTtlSeconds: env.INVITATION_TTL_HOURS * 3600,
      passwordResetTtlSeconds: env.PASSWORD_RESET_TTL_MINUTES * 60,
      passwordResetMaxPerHour: env.PASSWORD_RESET_MAX_PER_HOUR,
    },
    mail: {
      smtpUrl: env.SMTP_URL,
      from: env.MAIL_FROM ?? `fusiongate <no-reply@${mailDomain(env.PUBLIC_URL)}>`,
      publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    },
    oidc: {
      platform:
        env.OIDC_ISSUER && env.OIDC_CLIENT_ID
          ? {
              slug: env.OIDC_PROVIDER_NAME,
              issuer: env.OIDC_ISSUER,
              clientId: env.OIDC_CLIENT_ID,
              clientSecret: env.OIDC_CLIENT_SECRET,
              scopes: env.OIDC_SCOPES,
              emailClaim: env.OIDC_EMAIL_CLAIM,
              nameClaim: env.OIDC_NAME_CLAIM,
              groupsClaim: env.OIDC_GROUPS_CLAIM,
              allowedDomains: env.OIDC_ALLOWED_DOMAINS.map((d) => d.toLowerCase()),
              mfaAmrValues: env.OIDC_MFA_AMR,
              mfaAcrValues: env.OIDC_MFA_ACR,
              roleMappings: env.OIDC_ROLE_MAPPINGS ?? [],
            }
          : undefined,
      redirectUri:
        env.OIDC_REDIRECT_URI ??
        (env.PUBLIC_URL ? `${env.PUBLIC_URL.replace(/\/+$/, '')}/api/v1/auth/oidc/callback` : undefined),
      frontendUrl: env.OIDC_FRONTEND_URL,
      allowHttp: env.OIDC_ALLOW_HTTP,
      authorizePerMinute: env.OIDC_AUTHORIZE_PER_MINUTE,
    },
  };
}

function mailDomain(publicUrl: string | undefined): string {
  const host = publicUrl ? new URL(publicUrl).hostname : '';
  return host.includes('.') ? host : 'fusiongate.local';
}
