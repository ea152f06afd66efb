import type * as ort from 'onnxruntime-node';
import type { ModelRef } from '../inference.types.js';

/** A model ready to run: its session plus anything read once from the file. */
export interface LoadedModel {
  ref: ModelRef;
  session: ort.InferenceSession;
  /** Execution provider the session actually uses. */
  provider: 'cpu' | 'cuda';
  /** InSwapper's embedding map (rows = embedding length). */
  emap?: { rows: number; cols: number; data: Float32Array };
  /** Static input shape of each named input (`-1` for symbolic dimensions). */
  inputShapes: Record<string, number[]>;
}

/** Runs a model, measuring time spent inside `session.run`. */
export interface ModelRunner {
  run(model: LoadedModel, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType>;
}
