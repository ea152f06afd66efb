import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { ModelFamily, ModelKind, ModelRef } from '../inference.types.js';
import { InferenceErrorCode, inferenceError } from '../inference.errors.js';
import type { LoadedModel } from '../models/loaded-model.js';
import { readLastInitializer } from '../models/onnx-initializer.js';

/** Execution provider names accepted in options. */
export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionCacheOptions {
  /** Upper bound on the summed size of cached model files (default 2 GiB). */
  maxBytes?: number;
  /** Preferred provider; `cuda` falls back to `cpu` when its binaries or device are missing. */
  executionProvider?: ExecutionProvider;
  /** onnxruntime intra-op threads per session (default 1: parallelism comes from the worker pool). */
  intraOpThreads?: number;
  /** Told about provider fallbacks and evictions. */
  log?: (message: string) => void;
  /** Told about each lookup (hit or miss) and each load (its duration and provider), for metrics. */
  onEvent?: (event: SessionCacheEvent) => void;
}

/** What a session cache reports for metrics. */
export type SessionCacheEvent =
  { type: 'lookup'; hit: boolean } | { type: 'load'; seconds: number; provider: 'cpu' | 'cuda' };

interface FamilyContract {
  kind: ModelKind;
  inputs?: string[];
  outputs: number;
  /** The image input is channels-last (`[1, H, W, 3]`). */
  channelsLast?: boolean;
}

/** What each family's graph must expose (names where FaceFusion feeds by name, else counts). */
const CONTRACTS: Record<ModelFamily, FamilyContract> = {
  yoloface: { kind: 'face_detector', outputs: 1 },
  scrfd: { kind: 'face_detector', outputs: 9 },
  retinaface: { kind: 'face_detector', outputs: 9 },
  yunet: { kind: 'face_detector', outputs: 12 },
  ultraface: { kind: 'face_detector', outputs: 2 },
  '2dfan4': { kind: 'face_landmarker', outputs: 1 },
  arcface: { kind: 'face_recognizer', outputs: 1 },
  inswapper: { kind: 'face_swapper', inputs: ['target', 'source'], outputs: 1 },
  hyperswap: { kind: 'face_swapper', inputs: ['target', 'source'], outputs: 1 },
  gfpgan: { kind: 'face_enhancer', inputs: ['input'], outputs: 1 },
  gpen_bfr: { kind: 'face_enhancer', inputs: ['input'], outputs: 1 },
  restoreformer: { kind: 'face_enhancer', inputs: ['input'], outputs: 1 },
  codeformer: { kind: 'face_enhancer', inputs: ['input', 'weight'], outputs: 1 },
  real_esrgan: { kind: 'frame_enhancer', inputs: ['input'], outputs: 1 },
  xseg: { kind: 'face_occluder', inputs: ['input'], outputs: 1, channelsLast: true },
  bisenet: { kind: 'face_parser', inputs: ['input'], outputs: 1 },
};

interface Entry {
  model: Promise<LoadedModel>;
  bytes: number;
  pins: number;
}

/**
 * onnxruntime sessions keyed by artifact SHA-256, least recently used evicted first once the summed
 * file sizes exceed the budget (weights dominate a session's memory). Entries in use by a running
 * pipeline are pinned and never evicted.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxBytes: number;
  private readonly provider: ExecutionProvider;
  private readonly threads: number;
  private readonly log: (message: string) => void;
  private readonly onEvent: (event: SessionCacheEvent) => void;
  private cudaUnavailable = false;

  constructor(options: SessionCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
    this.provider = options.executionProvider ?? 'cpu';
    this.threads = options.intraOpThreads ?? 1;
    this.log = options.log ?? (() => undefined);
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /** The byte budget of this cache. */
  get budgetBytes(): number {
    return this.maxBytes;
  }

  /** Bytes currently held and number of sessions. */
  get stats(): { bytes: number; sessions: number; keys: string[] } {
    let bytes = 0;
    for (const entry of this.entries.values()) bytes += entry.bytes;
    return { bytes, sessions: this.entries.size, keys: [...this.entries.keys()] };
  }

  /** Loads (or reuses) a model and pins it until {@link release}. */
  async acquire(ref: ModelRef): Promise<LoadedModel> {
    const key = ref.sha256.toLowerCase();
    let entry = this.entries.get(key);
    this.onEvent({ type: 'lookup', hit: entry !== undefined });
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    } else {
      const model = this.load(ref);
      entry = { model, bytes: 0, pins: 0 };
      this.entries.set(key, entry);
      model.then(
        () => undefined,
        () => this.entries.delete(key),
      );
    }
    entry.pins++;
    try {
      const model = await entry.model;
      // The same file may have been loaded under another family first; read the emap on demand.
      if (ref.family === 'inswapper' && !model.emap) this.attachEmap(model, await readFile(ref.path));
      this.checkContract(ref, model);
      return model.ref === ref ? model : { ...model, ref };
    } catch (error) {
      entry.pins--;
      throw error;
    }
  }

  release(ref: ModelRef): void {
    const entry = this.entries.get(ref.sha256.toLowerCase());
    if (entry && entry.pins > 0) entry.pins--;
    this.evict();
  }

  /** Releases every session. */
  async clear(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map(async (e) => (await e.model.catch(() => null))?.session.release()));
  }

  private evict(): void {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    for (const [key, entry] of this.entries) {
      if (total <= this.maxBytes) break;
      if (entry.pins > 0 || entry.bytes === 0) continue;
      this.entries.delete(key);
      total -= entry.bytes;
      this.log(`session cache: evicted ${key.slice(0, 12)} (${entry.bytes} bytes)`);
      void entry.model.then((m) => m.session.release()).catch(() => undefined);
    }
  }

  private async load(ref: ModelRef): Promise<LoadedModel> {
    const started = performance.now();
    let bytes: Uint8Array;
    try {
      bytes = await readFile(ref.path);
    } catch (error) {
      throw inferenceError(InferenceErrorCode.ModelUnreadable, `Model file ${ref.path} cannot be read.`, {
        reason: (error as NodeJS.ErrnoException).code,
      });
    }
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== ref.sha256.toLowerCase()) {
      throw inferenceError(
        InferenceErrorCode.ModelDigestMismatch,
        `Model file ${ref.path} does not match its registered SHA-256.`,
        {
          expected: ref.sha256.toLowerCase(),
          actual: digest,
        },
      );
    }
    const entry = this.entries.get(digest);
    if (entry) entry.bytes = bytes.length;
    const { session, provider } = await this.createSession(bytes, ref);
    this.onEvent({ type: 'load', seconds: (performance.now() - started) / 1000, provider });
    const inputShapes: Record<string, number[]> = {};
    for (const meta of session.inputMetadata) {
      if (meta.isTensor) inputShapes[meta.name] = meta.shape.map((d) => (typeof d === 'number' ? d : -1));
    }
    const model: LoadedModel = { ref, session, provider, inputShapes };
    if (ref.family === 'inswapper') {
      try {
        this.attachEmap(model, bytes);
      } catch (error) {
        await session.release();
        throw error;
      }
    }
    this.evict();
    return model;
  }

  private attachEmap(model: LoadedModel, bytes: Uint8Array): void {
    try {
      const emap = readLastInitializer(bytes);
      if (emap.dims.length !== 2)
        throw new Error(`its last initializer has shape [${emap.dims.join(', ')}], expected a matrix`);
      model.emap = { rows: emap.dims[0], cols: emap.dims[1], data: emap.data };
    } catch (error) {
      throw inferenceError(
        InferenceErrorCode.ModelIncompatible,
        `InSwapper model has no usable emap: ${(error as Error).message}.`,
      );
    }
  }

  private async createSession(
    bytes: Uint8Array,
    ref: ModelRef,
  ): Promise<{ session: ort.InferenceSession; provider: 'cpu' | 'cuda' }> {
    const base: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      // InSwapper's emap is an initializer no node reads; onnxruntime warns about it on every load.
      logSeverityLevel: 3,
    };
    if (this.provider === 'cuda' && !this.cudaUnavailable) {
      try {
        const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'] });
        return { session, provider: 'cuda' };
      } catch (error) {
        this.cudaUnavailable = true;
        this.log(`execution provider cuda unavailable (${(error as Error).message.split('\n')[0]}); using cpu`);
      }
    }
    try {
      const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] });
      return { session, provider: 'cpu' };
    } catch (error) {
      throw inferenceError(InferenceErrorCode.ModelInvalid, `Model file ${ref.path} is not a loadable ONNX model.`, {
        reason: (error as Error).message.split('\n')[0].slice(0, 300),
      });
    }
  }

  private checkContract(ref: ModelRef, model: LoadedModel): void {
    const contract = CONTRACTS[ref.family];
    if (!contract) {
      throw inferenceError(InferenceErrorCode.RequestInvalid, `Unknown model family ${JSON.stringify(ref.family)}.`);
    }
    const problems: string[] = [];
    if (contract.kind !== ref.kind) problems.push(`family ${ref.family} is a ${contract.kind}, not a ${ref.kind}`);
    const { inputNames, outputNames } = model.session;
    for (const name of contract.inputs ?? []) {
      if (!inputNames.includes(name)) problems.push(`missing input "${name}"`);
    }
    if (!contract.inputs && inputNames.length !== 1) problems.push(`expected 1 input, found ${inputNames.length}`);
    if (outputNames.length < contract.outputs)
      problems.push(`expected ${contract.outputs} output(s), found ${outputNames.length}`);
    const image = model.inputShapes[contract.inputs ? contract.inputs[0] : inputNames[0]];
    const layout = contract.channelsLast ? 'NHWC' : 'NCHW';
    const channels = image?.[contract.channelsLast ? 3 : 1] ?? -1;
    if (image && image.length !== 4) problems.push(`image input has rank ${image.length}, expected 4 (${layout})`);
    if (image && channels > 0 && channels !== 3) problems.push(`image input has ${channels} channels, expected 3`);
    if (ref.family === 'inswapper' && model.emap && model.inputShapes.source) {
      const width = model.inputShapes.source[1];
      if (width > 0 && width !== model.emap.cols)
        problems.push(`emap has ${model.emap.cols} columns but source takes ${width}`);
    }
    if (problems.length > 0) {
      throw inferenceError(
        InferenceErrorCode.ModelIncompatible,
        `Model ${ref.path} does not match the ${ref.family} family: ${problems.join('; ')}.`,
        { inputs: inputNames, outputs: outputNames, problems },
      );
    }
  }
}
