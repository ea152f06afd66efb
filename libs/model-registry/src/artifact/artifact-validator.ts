import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkSignature, type ModelFamily } from './model-families.js';
import type { ArtifactRejection, InspectResult, OnnxSummary } from './onnx-inspect.js';

export interface ValidationLimits {
  timeoutMs: number;
  /**
   * V8 old-generation heap of the inspecting thread. The weights are never read, so this bounds
   * the graph alone: its encoded form may take a quarter of it, the decoded objects the rest.
   */
  maxHeapMb: number;
}

export type ValidationOutcome = { ok: true; summary: OnnxSummary } | { ok: false; rejection: ArtifactRejection };

function workerUrl(): URL {
  const compiled = new URL('./artifact-inspector.worker.js', import.meta.url);
  if (import.meta.url.endsWith('.js') && existsSync(fileURLToPath(compiled))) return compiled;
  return new URL('./artifact-inspector.worker.dev.mjs', import.meta.url);
}

/** Runs the ONNX inspection of one file in a fresh worker thread bounded in time and heap. */
export function inspectInWorker(path: string, limits: ValidationLimits): Promise<InspectResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), {
      workerData: { path, options: { maxSkeletonBytes: Math.floor((limits.maxHeapMb * 1024 * 1024) / 4) } },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      settle(() =>
        resolve({
          ok: false,
          rejection: {
            code: 'onnx_validation_timeout',
            reason: `Validating the model took longer than ${limits.timeoutMs} ms.`,
          },
        }),
      );
      void worker.terminate();
    }, limits.timeoutMs);
    worker.once('message', (result: InspectResult) => settle(() => resolve(result)));
    worker.once('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        settle(() =>
          resolve({
            ok: false,
            rejection: {
              code: 'onnx_validation_resources',
              reason: `Validating the model needed more than ${limits.maxHeapMb} MB of memory.`,
            },
          }),
        );
      } else {
        settle(() => reject(error));
      }
    });
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`artifact inspector exited (${code}) without an answer`))),
    );
  });
}

/**
 * Validates an uploaded artifact for a model family: ONNX structure, no external data, allowed
 * operator domains (in a worker thread), then the family's I/O signature.
 */
export async function validateArtifact(
  path: string,
  family: ModelFamily,
  limits: ValidationLimits,
): Promise<ValidationOutcome> {
  const inspected = await inspectInWorker(path, limits);
  if (!inspected.ok) return inspected;
  const mismatch = checkSignature(family, inspected.summary.signature);
  if (mismatch) {
    return {
      ok: false,
      rejection: { code: 'onnx_signature_mismatch', reason: `Not a valid ${family} model: ${mismatch}.` },
    };
  }
  return inspected;
}
