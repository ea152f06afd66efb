/**
 * What the job and video benchmarks share to drive fusiongate as its users do: compiled worker
 * processes on the bench's database, Redis prefix and DATA_DIR, a small HTTP client, and model
 * registration through the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const dist = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WorkerProcess {
  child: ChildProcess;
  /** The last 16 000 characters the worker logged. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Spawns the compiled worker with `env`, in production mode with one inference thread and one job at
 * a time (these win over `env`), and waits until it consumes.
 */
export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [join(dist, 'apps/worker/src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: '4',
      INFERENCE_WORKERS: '1',
      JOBS_WORKER_CONCURRENCY: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  let ready = false;
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-16_000);
    if (!ready && tail.includes('Processing fusion jobs')) ready = true;
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  while (!ready) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start:\n${tail}`);
    }
    await sleep(50);
  }
  return {
    child,
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** fetch with the bearer token of the last sign-in, JSON bodies by default. */
export class Client {
  token = '';
  constructor(readonly base: string) {}

  async send(
    method: string,
    path: string,
    body?: unknown,
    type = 'application/json',
  ): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    if (body !== undefined) headers['content-type'] = type;
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : body instanceof Uint8Array ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  async expect<T>(status: number, method: string, path: string, body?: unknown, type?: string): Promise<T> {
    const res = await this.send(method, path, body, type);
    if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
    return res.json as T;
  }
}

/** Registers a model through the API and promotes its first version to production. */
export async function registerModel(
  http: Client,
  orgId: string,
  kind: string,
  family: string,
  bytes: Uint8Array,
): Promise<string> {
  const slug = `${family}-${randomBytes(3).toString('hex')}`;
  const { id } = await http.expect<{ id: string }>(201, 'POST', `/api/v1/orgs/${orgId}/models`, {
    name: slug,
    slug,
    kind,
    family,
  });
  await http.expect(201, 'POST', `/api/v1/orgs/${orgId}/models/${id}/versions`, bytes, 'application/octet-stream');
  for (const stage of ['staging', 'production']) {
    await http.expect(200, 'PATCH', `/api/v1/orgs/${orgId}/models/${id}/versions/1`, { stage });
  }
  return id;
}
