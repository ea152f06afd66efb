import { stat } from 'node:fs/promises';
import { checkSignature, type ModelFamily } from './model-families.js';
import { inspectOnnxFile, type InspectResult } from './onnx-inspect.js';

/** One validation, as posted to a thread of the validation pool. */
export interface InspectTask {
  path: string;
  family: ModelFamily;
  /** Largest graph-without-weights decoded (a fraction of the thread's heap). */
  maxSkeletonBytes: number;
  /** The thread's heap limit, named in refusals. */
  maxHeapMb: number;
  /** Files up to this size are also loaded once in onnxruntime (0: never). */
  loadMaxBytes: number;
  /** ...and only when their graph (without weights) is at most this big. */
  loadMaxGraphBytes: number;
}

/** How much of onnxruntime's message goes into a rejection reason. */
const RUNTIME_MESSAGE_CHARS = 300;

/**
 * Loads the model once in onnxruntime (CPU, no graph optimisation, one thread) and releases it:
 * catches what a structural reading cannot (unknown operators, type errors between nodes,
 * inconsistent shapes). Its native memory is outside this thread's V8 heap limit, which is why
 * the caller only does it for files and graphs under a size threshold.
 */
async function loadInRuntime(task: InspectTask): Promise<string | null> {
  const ort = await import('onnxruntime-node');
  try {
    const session = await ort.InferenceSession.create(task.path, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      enableCpuMemArena: false,
      logSeverityLevel: 3,
    });
    await session.release();
    return null;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error))
      // The temporary file's path is ours, not the uploader's business.
      .split(task.path)
      .join('<model>')
      .replace(/[^\x20-\x7e]/g, '?');
    return message.length > RUNTIME_MESSAGE_CHARS ? `${message.slice(0, RUNTIME_MESSAGE_CHARS)}…` : message;
  }
}

/**
 * Piscina entry point: inspects the file (format, external data, operator domains, tensor
 * payloads), checks the family's I/O signature, then loads small models in onnxruntime.
 */
export default async function inspectArtifact(task: InspectTask): Promise<InspectResult> {
  const inspected = await inspectOnnxFile(task.path, { maxSkeletonBytes: task.maxSkeletonBytes });
  if (!inspected.ok && inspected.rejection.code === 'onnx_validation_resources') {
    const { reason } = inspected.rejection;
    return {
      ok: false,
      rejection: {
        ...inspected.rejection,
        reason: `${reason.replace(/\.$/, '')} (validation may use ${task.maxHeapMb} MB of memory).`,
      },
    };
  }
  if (!inspected.ok) return inspected;
  const mismatch = checkSignature(task.family, inspected.summary.signature);
  if (mismatch) {
    return {
      ok: false,
      rejection: { code: 'onnx_signature_mismatch', reason: `Not a valid ${task.family} model: ${mismatch}.` },
    };
  }
  const { size } = await stat(task.path);
  if (size <= task.loadMaxBytes && inspected.summary.graphBytes <= task.loadMaxGraphBytes) {
    const refused = await loadInRuntime(task);
    if (refused) {
      return {
        ok: false,
        rejection: { code: 'onnx_runtime_refused', reason: `onnxruntime refuses to load the model: ${refused}` },
      };
    }
  }
  return inspected;
}
