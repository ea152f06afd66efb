import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import type { InspectTask } from './artifact-inspector.worker.js';
import type { ModelFamily } from './model-families.js';
import type { ArtifactRejection, InspectResult, OnnxSummary } from './onnx-inspect.js';

export interface ValidationLimits {
  timeoutMs: number;
  /**
   * V8 old-generation heap of each inspecting thread. The weights are never read, so this bounds
   * the graph alone: its encoded form may take 1/{@link SKELETON_HEAP_RATIO} of it, the decoded
   * objects the rest.
   */
  maxHeapMb: number;
  /**
   * Files up to this size are also loaded once in onnxruntime before they count as valid (0: never;
   * default 64 MiB). onnxruntime's native memory is outside the heap limit, so it is bounded by
   * this size instead (and by {@link LOAD_MAX_GRAPH_BYTES} for the graph part).
   */
  loadMaxBytes?: number;
}

export interface ValidationPoolOptions extends ValidationLimits {
  /** Threads validating at once; each is bounded by the limits above. */
  concurrency: number;
  /** Validations waiting for a thread; beyond it, {@link ValidationBusyError}. */
  maxQueue: number;
}

export type ValidationOutcome = { ok: true; summary: OnnxSummary } | { ok: false; rejection: ArtifactRejection };

/**
 * Heap per byte of graph (without weights) that decoding may need. A graph made of many small nodes
 * decodes to about 23 times its encoded size (measured: 1.5 MB → 35 MB, 3 MB → 70 MB of heap).
 * Refusing bigger graphs up front costs nothing, where letting them run into the heap limit holds
 * a validation thread for many seconds of garbage collection (17 s for an 11 MB graph at 128 MB).
 */
export const SKELETON_HEAP_RATIO = 32;

/** Default of {@link ValidationLimits.loadMaxBytes}. */
export const DEFAULT_LOAD_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Graphs (without weights) above this are not loaded in onnxruntime: its native memory grows about
 * a hundredfold with the number of nodes (a 1.5 MB graph of 26k nodes takes ~140 MB to load).
 */
export const LOAD_MAX_GRAPH_BYTES = 1024 * 1024;

/** The validation pool's threads and queue are all taken; retry after `retryAfterSeconds`. */
export class ValidationBusyError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Every validation thread is busy and the queue is full.');
  }
}

function workerUrl(): URL {
  const compiled = new URL('./artifact-inspector.worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(compiled))) return compiled;
  // From TypeScript sources (tests, tools): the entry in test/support that loads them.
  return new URL('../../../../test/support/ts-loader/artifact-inspector-worker.mjs', import.meta.url);
}

const rejected = (code: ArtifactRejection['code'], reason: string): ValidationOutcome => ({
  ok: false,
  rejection: { code, reason },
});

/**
 * A fixed number of worker threads that validate artifacts (ONNX structure, no external data,
 * allowed operator domains, consistent tensors, the family's I/O signature, then an onnxruntime
 * load of small files), with a bounded queue in front. Memory is therefore bounded by
 * `concurrency` × the per-thread limits whatever the number of uploads; the time limit counts
 * from when a thread takes the file, not from when it was queued. Idle threads exit.
 */
export class ArtifactValidationPool implements OnModuleDestroy {
  private readonly pool: Piscina;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  /** Moving average of how long a validation takes, for Retry-After. */
  private averageMs = 1000;

  constructor(private readonly options: ValidationPoolOptions) {
    this.pool = new Piscina({
      filename: workerUrl().href,
      minThreads: 0,
      maxThreads: options.concurrency,
      concurrentTasksPerWorker: 1,
      idleTimeout: 10_000,
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb, maxYoungGenerationSizeMb: 32 },
    });
  }

  /** Whether a validation submitted now would be refused (every thread busy, queue full). */
  get full(): boolean {
    return this.active >= this.options.concurrency && this.waiting.length >= this.options.maxQueue;
  }

  /** Seconds until a thread is likely free, from the recent validation times and the queue. */
  get retryAfterSeconds(): number {
    const rounds = (this.waiting.length + 1) / this.options.concurrency;
    return Math.min(300, Math.max(1, Math.ceil((this.averageMs * rounds) / 1000)));
  }

  /**
   * Validates the artifact at `path` for `family`. Throws {@link ValidationBusyError} at once when
   * every thread is busy and the queue is full; refusals of the file are outcomes, not errors.
   */
  async validate(path: string, family: ModelFamily): Promise<ValidationOutcome> {
    if (this.full) throw new ValidationBusyError(this.retryAfterSeconds);
    if (this.active >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    const started = performance.now();
    try {
      return await this.runOne(path, family);
    } finally {
      this.averageMs = 0.7 * this.averageMs + 0.3 * (performance.now() - started);
      // Hand the thread to the next in line (the count stays), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private async runOne(path: string, family: ModelFamily): Promise<ValidationOutcome> {
    const { timeoutMs, maxHeapMb } = this.options;
    const task: InspectTask = {
      path,
      family,
      maxSkeletonBytes: Math.floor((maxHeapMb * 1024 * 1024) / SKELETON_HEAP_RATIO),
      maxHeapMb,
      loadMaxBytes: this.options.loadMaxBytes ?? DEFAULT_LOAD_MAX_BYTES,
      loadMaxGraphBytes: LOAD_MAX_GRAPH_BYTES,
    };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      return (await this.pool.run(task, { signal: abort.signal })) as InspectResult;
    } catch (error) {
      // Aborting a running task terminates its thread; the pool starts a fresh one when needed.
      if (abort.signal.aborted) {
        return rejected('onnx_validation_timeout', `Validating the model took longer than ${timeoutMs} ms.`);
      }
      if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        return rejected(
          'onnx_validation_resources',
          `Validating the model needed more than ${maxHeapMb} MB of memory.`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * Validates one artifact in a pool of its own (one thread, closed afterwards): for tools and
 * tests. The API shares one {@link ArtifactValidationPool}.
 */
export async function validateArtifact(
  path: string,
  family: ModelFamily,
  limits: ValidationLimits,
): Promise<ValidationOutcome> {
  const pool = new ArtifactValidationPool({ ...limits, concurrency: 1, maxQueue: 0 });
  try {
    return await pool.validate(path, family);
  } finally {
    await pool.onModuleDestroy();
  }
}
