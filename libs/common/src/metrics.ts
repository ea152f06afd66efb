import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every Prometheus metric fusiongate exposes, defined once. Each is incremented where the thing
 * happens (the auth seam, the policy guard, the job execution service, the worker). Labels are
 * bounded vocabularies (permissions, outcomes, states, routes), never ids or emails.
 */
export const metricsRegistry = new Registry();

const registers = [metricsRegistry];

/** Refreshers of gauges read at scrape time (queue depth, audit lag), keyed by what they measure. */
const scrapeHooks = new Map<string, () => Promise<void>>();

/**
 * Registers a function that refreshes gauges before each scrape; returns its removal. A hook that
 * fails or takes over a second leaves its gauges at their last value (a scrape never hangs on a
 * slow dependency).
 */
export function onMetricsScrape(key: string, refresh: () => Promise<void>): () => void {
  scrapeHooks.set(key, refresh);
  return () => {
    if (scrapeHooks.get(key) === refresh) scrapeHooks.delete(key);
  };
}

/** The exposition text, after refreshing the scrape-time gauges. */
export async function scrapeMetrics(): Promise<string> {
  await Promise.all(
    [...scrapeHooks.values()].map((refresh) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([refresh(), new Promise((resolve) => (timer = setTimeout(resolve, 1_000)))])
        .catch(() => undefined)
        .finally(() => clearTimeout(timer));
    }),
  );
  return metricsRegistry.metrics();
}

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

let defaultsCollected = false;
/** Process metrics (CPU, memory, event-loop lag, GC) with the `fusiongate_` prefix; once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'fusiongate_' });
}

export const metrics = {
  httpDuration: new Histogram({
    name: 'fusiongate_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  }),
  authFailures: new Counter({
    name: 'fusiongate_auth_failures_total',
    help: 'Failed authentications by kind (login, mfa, step_up, refresh_reuse).',
    labelNames: ['kind'] as const,
    registers,
  }),
  authLockouts: new Counter({
    name: 'fusiongate_auth_lockouts_total',
    help: 'Attempts refused because an account (account_locked) or a source address (too_many_attempts) is locked out.',
    labelNames: ['scope', 'reason'] as const,
    registers,
  }),
  principalCache: new Counter({
    name: 'fusiongate_auth_session_cache_requests_total',
    help: 'Session-status lookups of the authentication guard, by result (hit: answered from Redis; miss: read from PostgreSQL).',
    labelNames: ['result'] as const,
    registers,
  }),
  authzDecisions: new Counter({
    name: 'fusiongate_authz_decisions_total',
    help: 'Authorization decisions by level (route: the guard; row: a service check on one resource), permission (or policy kind) and outcome (allowed, denied, hidden).',
    labelNames: ['level', 'permission', 'outcome'] as const,
    registers,
  }),
  auditBuffered: new Gauge({
    name: 'fusiongate_audit_buffered_events',
    help: 'Audit events accepted but not yet written to the chain (buffered writes).',
    registers,
  }),
  auditUnsigned: new Gauge({
    name: 'fusiongate_audit_unsigned_events',
    help: 'Audit events appended after the latest signed checkpoint of their chain, summed over chains.',
    registers,
  }),
  auditCheckpointAge: new Gauge({
    name: 'fusiongate_audit_checkpoint_age_seconds',
    help: 'Age of the oldest latest-checkpoint among audit chains (how stale the least recently signed chain is).',
    registers,
  }),
  queueJobs: new Gauge({
    name: 'fusiongate_queue_jobs',
    help: 'Queue entries by queue and state (waiting, active, delayed, failed, completed, paused).',
    labelNames: ['queue', 'state'] as const,
    registers,
  }),
  jobWait: new Histogram({
    name: 'fusiongate_job_wait_seconds',
    help: 'Time from submission to the start of a fusion job.',
    labelNames: ['queue'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers,
  }),
  jobRun: new Histogram({
    name: 'fusiongate_job_run_seconds',
    help: 'Time from start to the end of a fusion job, by final status (completed, failed, cancelled).',
    labelNames: ['status'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers,
  }),
  jobs: new Counter({
    name: 'fusiongate_jobs_total',
    help: 'Fusion jobs ended, by outcome (completed, failed, cancelled).',
    labelNames: ['outcome'] as const,
    registers,
  }),
  workerSlots: new Gauge({
    name: 'fusiongate_worker_slots',
    help: 'Job slots of this worker process, by state (busy, idle).',
    labelNames: ['state'] as const,
    registers,
  }),
  modelSessionCache: new Counter({
    name: 'fusiongate_model_session_cache_requests_total',
    help: 'Model session lookups of the inference engine, by result (hit: already loaded; miss: loaded now).',
    labelNames: ['result'] as const,
    registers,
  }),
  modelLoad: new Histogram({
    name: 'fusiongate_model_load_seconds',
    help: 'Time to read, verify and open an ONNX model as a session, by execution provider.',
    labelNames: ['provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  }),
  modelSessionBytes: new Gauge({
    name: 'fusiongate_model_sessions_bytes',
    help: 'Model file bytes held as onnxruntime sessions by the inference threads (weights dominate their memory).',
    registers,
  }),
  modelSessions: new Gauge({
    name: 'fusiongate_model_sessions',
    help: 'onnxruntime sessions held by the inference threads.',
    registers,
  }),
};
