import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { CodecName } from './image/image-codec.js';
import { DEFAULT_MAX_PIXELS } from './image/image-header.js';
import { deserializeError, InferenceErrorCode, inferenceError } from './inference.errors.js';
import type { RgbImage } from './inference.types.js';
import type { FusionProgress, FusionRequest, FusionResult } from './pipeline/fusion.types.js';
import {
  PipelineHost,
  type SessionReport,
  type WorkerReply,
  type WorkerSettings,
  type WorkerTask,
} from './pipeline/pipeline.worker.js';
import type { ExecutionProvider } from './pipeline/session-cache.js';
import type { WatermarkDetection } from './watermark/watermark.js';

/** Engine settings. */
export interface FaceFusionEngineOptions {
  /** Worker threads running pipelines (default: min(2, cores)); `0` runs them on the calling thread. */
  workers?: number;
  /** `sharp` (default when it loads), `jimp`, or `auto`. */
  codec?: CodecName | 'auto';
  /** Largest accepted image in pixels, checked from the header before decoding (default 40 MP). */
  maxPixels?: number;
  /**
   * Summed model-file bytes the engine keeps loaded, split evenly between its worker threads
   * (default 2 GiB); a run whose own models do not fit in one thread's share is refused.
   */
  memoryBudgetBytes?: number;
  /** `cuda` when present, else `cpu` (default `cpu`). The provider used is reported per result. */
  executionProvider?: ExecutionProvider;
  /** onnxruntime intra-op threads per session (default 1). */
  intraOpThreads?: number;
  /** Receives provider fallbacks and cache evictions. */
  log?: (message: string) => void;
  /** Receives, after each fusion, the session-cache events of the thread that ran it and what it holds (metrics). */
  onSessionReport?: (report: SessionReport) => void;
}

/** A request plus caller-side hooks that do not cross the thread boundary. */
export interface FaceFusionRunRequest extends FusionRequest {
  /** Called for each stage start/end and each swapped face. */
  onProgress?: (event: FusionProgress) => void;
}

/**
 * Face-fusion engine: runs FaceFusion-compatible pipelines (detect → landmarks → embed → swap →
 * paste → watermark) in a pool of worker threads so the caller's event loop stays responsive.
 *
 * ```ts
 * const engine = await FaceFusionEngine.create({ workers: 2 });
 * const result = await engine.run({ source, target, models, watermark: { payload: '0123456789abcdef' } });
 * await engine.close();
 * ```
 */
export class FaceFusionEngine {
  private closed = false;

  private constructor(
    private readonly pool: Piscina | null,
    private readonly inline: PipelineHost | null,
    private readonly log: (message: string) => void,
    /** Resolved settings shared by every worker. */
    readonly settings: WorkerSettings,
    private readonly onSessionReport: (report: SessionReport) => void = () => undefined,
  ) {}

  static async create(options: FaceFusionEngineOptions = {}): Promise<FaceFusionEngine> {
    const workers = options.workers ?? Math.min(2, availableParallelism());
    const settings: WorkerSettings = {
      codec: options.codec ?? 'auto',
      maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS,
      sessionCacheBytes: Math.floor((options.memoryBudgetBytes ?? 2 * 1024 ** 3) / Math.max(1, workers)),
      executionProvider: options.executionProvider ?? 'cpu',
      intraOpThreads: options.intraOpThreads ?? 1,
    };
    const log = options.log ?? (() => undefined);
    if (workers === 0) {
      const host = new PipelineHost(settings);
      await host.getCodec();
      return new FaceFusionEngine(null, host, log, settings, options.onSessionReport);
    }
    const pool = new Piscina({
      filename: workerFilename(),
      workerData: settings,
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: Infinity,
    });
    return new FaceFusionEngine(pool, null, log, settings, options.onSessionReport);
  }

  /** Runs one pipeline. Rejects with the library's domain errors (see `InferenceErrorCode`). */
  async run(request: FaceFusionRunRequest): Promise<FusionResult> {
    const { onProgress, ...plain } = request;
    if (this.inline) {
      const reply = await this.inline.handle({ type: 'fuse', request: plain });
      for (const message of this.inline.drainMessages()) this.log(message);
      this.onSessionReport(this.inline.sessionReport());
      return unwrap(reply) as FusionResult;
    }
    const { port1, port2 } = new MessageChannel();
    port1.on(
      'message',
      (
        message:
          | { kind: 'progress'; event: FusionProgress }
          | { kind: 'log'; message: string }
          | { kind: 'sessions'; report: SessionReport },
      ) => {
        if (message.kind === 'progress') onProgress?.(message.event);
        else if (message.kind === 'sessions') this.onSessionReport(message.report);
        else this.log(message.message);
      },
    );
    try {
      const reply = await this.submit({ type: 'fuse', request: plain, port: port2 }, [port2]);
      // Let queued progress messages arrive before the caller sees the result.
      await new Promise((resolve) => setImmediate(resolve));
      return unwrap(reply) as FusionResult;
    } finally {
      port1.close();
    }
  }

  /** Decodes an image and looks for a watermark, off the calling thread. */
  async detectWatermark(image: Uint8Array, declared?: string): Promise<WatermarkDetection | null> {
    const task: WorkerTask = { type: 'detect-watermark', image, declared };
    const reply = this.inline ? await this.inline.handle(task) : await this.submit(task);
    return unwrap(reply) as WatermarkDetection | null;
  }

  /** Decodes an image with the engine's codec and limits (RGB). */
  async decode(image: Uint8Array): Promise<RgbImage & { format: string }> {
    const task: WorkerTask = { type: 'decode', image };
    const reply = this.inline ? await this.inline.handle(task) : await this.submit(task);
    return unwrap(reply) as RgbImage & { format: string };
  }

  /** Stops the workers and releases every session. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool?.destroy();
    await this.inline?.sessions.clear();
  }

  private async submit(
    task: WorkerTask,
    transferList?: Array<import('node:worker_threads').MessagePort>,
  ): Promise<WorkerReply> {
    if (this.closed || !this.pool)
      throw inferenceError(InferenceErrorCode.EngineUnavailable, 'The inference engine is closed.');
    try {
      return (await this.pool.run(task, { transferList })) as WorkerReply;
    } catch (error) {
      throw inferenceError(
        InferenceErrorCode.EngineUnavailable,
        `An inference worker failed: ${(error as Error).message}`,
      );
    }
  }
}

function unwrap(reply: WorkerReply): WorkerReply extends { ok: true; result: infer R } ? R : never {
  if (!reply.ok) throw deserializeError(reply.error);
  return reply.result as never;
}

/**
 * The compiled worker next to this file, or, when running from TypeScript sources (tests, tools),
 * the entry in test/support that loads them.
 */
function workerFilename(): string {
  const compiled = new URL('./pipeline/pipeline.worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(compiled))) return compiled.href;
  return new URL('../../../test/support/ts-loader/pipeline-worker.mjs', import.meta.url).href;
}
