import type { MessagePort } from 'node:worker_threads';
import { threadId, workerData } from 'node:worker_threads';
import { serializeError, type SerializedInferenceError } from '../inference.errors.js';
import type { RgbImage } from '../inference.types.js';
import type { CodecName, ImageCodec } from '../image/image-codec.js';
import { loadImageCodec } from '../image/load-image-codec.js';
import { detectWatermark, type WatermarkDetection } from '../watermark/watermark.js';
import { runFusionPipeline } from './fusion-pipeline.js';
import type { FusionRequest, FusionResult } from './fusion.types.js';
import { SessionCache, type ExecutionProvider, type SessionCacheEvent } from './session-cache.js';

/** Settings every worker thread starts with. */
export interface WorkerSettings {
  codec: CodecName | 'auto';
  maxPixels: number;
  sessionCacheBytes: number;
  executionProvider: ExecutionProvider;
  intraOpThreads: number;
}

/** What a thread reports after each fusion for metrics: cache events since the last report, and what it holds. */
export interface SessionReport {
  threadId: number;
  events: SessionCacheEvent[];
  bytes: number;
  sessions: number;
}

/** Tasks a worker accepts. */
export type WorkerTask =
  | { type: 'fuse'; request: FusionRequest; port?: MessagePort }
  | { type: 'detect-watermark'; image: Uint8Array; declared?: string }
  | { type: 'decode'; image: Uint8Array };

export type WorkerReply =
  | { ok: true; result: FusionResult | WatermarkDetection | null | (RgbImage & { format: string }) }
  | { ok: false; error: SerializedInferenceError };

/** One pipeline context per thread: sessions and codec live as long as the thread. */
export class PipelineHost {
  private codec?: Promise<ImageCodec>;
  private readonly messages: string[] = [];
  private readonly cacheEvents: SessionCacheEvent[] = [];
  readonly sessions: SessionCache;

  constructor(private readonly settings: WorkerSettings) {
    this.sessions = new SessionCache({
      maxBytes: settings.sessionCacheBytes,
      executionProvider: settings.executionProvider,
      intraOpThreads: settings.intraOpThreads,
      log: (m) => this.messages.push(m),
      onEvent: (e) => this.cacheEvents.push(e),
    });
  }

  getCodec(): Promise<ImageCodec> {
    this.codec ??= loadImageCodec(this.settings.codec);
    return this.codec;
  }

  /** Log lines produced since the last call (provider fallbacks, evictions). */
  drainMessages(): string[] {
    return this.messages.splice(0);
  }

  /** Cache events since the last call, and the sessions held now. */
  sessionReport(): SessionReport {
    const { bytes, sessions } = this.sessions.stats;
    return { threadId, events: this.cacheEvents.splice(0), bytes, sessions };
  }

  async handle(task: WorkerTask): Promise<WorkerReply> {
    try {
      const codec = await this.getCodec();
      switch (task.type) {
        case 'fuse': {
          const result = await runFusionPipeline(
            task.request,
            { sessions: this.sessions, codec, maxPixels: this.settings.maxPixels },
            (event) => task.port?.postMessage({ kind: 'progress', event }),
          );
          for (const message of this.drainMessages()) task.port?.postMessage({ kind: 'log', message });
          return { ok: true, result };
        }
        case 'detect-watermark': {
          const image = await codec.decode(task.image, { maxPixels: this.settings.maxPixels, declared: task.declared });
          return { ok: true, result: detectWatermark(image) };
        }
        case 'decode':
          return { ok: true, result: await codec.decode(task.image, { maxPixels: this.settings.maxPixels }) };
        default: {
          const unreachable: never = task;
          throw new Error(`unknown task ${JSON.stringify(unreachable)}`);
        }
      }
    } catch (error) {
      return { ok: false, error: serializeError(error) };
    } finally {
      if (task.type === 'fuse') {
        task.port?.postMessage({ kind: 'sessions', report: this.sessionReport() });
        task.port?.close();
      }
    }
  }
}

let host: PipelineHost | undefined;

/** Piscina entry point. */
export default function handleTask(task: WorkerTask): Promise<WorkerReply> {
  host ??= new PipelineHost(workerData as WorkerSettings);
  return host.handle(task);
}
