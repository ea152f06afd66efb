import type { IoSignature, TensorDim, TensorSignature } from './onnx-inspect.js';

import {
  familiesOfKind,
  isModelFamily,
  MODEL_FAMILY_NAMES,
  MODEL_KINDS,
  type ModelFamily,
  type ModelKind,
} from '#libs/common/vocabulary';

export { familiesOfKind, isModelFamily, MODEL_FAMILY_NAMES, MODEL_KINDS };
export type { ModelFamily, ModelKind };

/**
 * A dimension rule: a number must match exactly (a symbolic batch dimension is accepted), `'*'`
 * accepts anything, and an upper-case letter names a size that must be the same wherever it
 * appears in one model (fixed sizes only; symbolic dimensions match any letter).
 */
type DimRule = number | '*' | 'N' | 'S' | 'H' | 'W';

interface TensorRule {
  /** Required tensor name (the pipeline feeds these by name); otherwise matched by position. */
  name?: string;
  dims: DimRule[];
  /** Accepted element types (default `float`). */
  types?: readonly string[];
}

interface FamilyRule {
  kind: ModelKind;
  inputs: TensorRule[];
  /** Outputs checked by position; `extraOutputs` allows more after them (masks, heatmaps). */
  outputs: TensorRule[];
  extraOutputs?: boolean;
  /** Output groups for detectors with one output per stride: last dimension → how many. */
  outputLastDims?: Record<number, number>;
  /** A named size must be fixed and one of these (the pipeline picks its crop or tile from it). */
  sizes?: Partial<Record<'S' | 'H', readonly number[]>>;
  /** Outputs are the image input upscaled by one of these whole factors (both sides, when fixed). */
  upscales?: readonly number[];
  description: string;
}

const IMAGE = (h: DimRule, w: DimRule): TensorRule => ({ dims: [1, 3, h, w] });

/**
 * What each family must look like, after FaceFusion's model set (the pipeline in libs/inference
 * speaks the same conventions). A version whose I/O does not match its model's family is refused.
 */
export const MODEL_FAMILIES = {
  yoloface: {
    kind: 'face_detector',
    inputs: [IMAGE('H', 'W')],
    outputs: [{ dims: [1, 20, 'N'] }],
    description: 'input [1,3,H,W] → [1,20,N] (box, score, 5 landmarks)',
  },
  scrfd: {
    kind: 'face_detector',
    inputs: [IMAGE('H', 'W')],
    outputs: [],
    outputLastDims: { 1: 3, 4: 3, 10: 3 },
    description: 'input [1,3,H,W] → 9 outputs: scores (…,1), boxes (…,4), landmarks (…,10) for strides 8/16/32',
  },
  retinaface: {
    kind: 'face_detector',
    inputs: [IMAGE('H', 'W')],
    outputs: [],
    outputLastDims: { 1: 3, 4: 3, 10: 3 },
    description: 'input [1,3,H,W] → 9 outputs: scores (…,1), boxes (…,4), landmarks (…,10) for strides 8/16/32',
  },
  yunet: {
    kind: 'face_detector',
    inputs: [IMAGE('H', 'W')],
    outputs: [],
    outputLastDims: { 1: 6, 4: 3, 10: 3 },
    description: 'input [1,3,H,W] → 12 outputs: cls and obj (…,1), bbox (…,4), kps (…,10) for strides 8/16/32',
  },
  ultraface: {
    kind: 'face_detector',
    inputs: [IMAGE(240, 320)],
    outputs: [{ dims: [1, 'N', 2] }, { dims: [1, 'N', 4] }],
    description: 'input [1,3,240,320] → scores [1,N,2], boxes [1,N,4]',
  },
  '2dfan4': {
    kind: 'face_landmarker',
    inputs: [IMAGE(256, 256)],
    outputs: [{ dims: [1, 68, 3] }],
    extraOutputs: true,
    description: 'input [1,3,256,256] → landmarks [1,68,3] (+ heatmaps)',
  },
  arcface: {
    kind: 'face_recognizer',
    inputs: [IMAGE(112, 112)],
    outputs: [{ dims: [1, 512] }],
    description: 'input [1,3,112,112] → embedding [1,512]',
  },
  inswapper: {
    kind: 'face_swapper',
    inputs: [
      { name: 'target', dims: [1, 3, 128, 128] },
      { name: 'source', dims: [1, 512] },
    ],
    outputs: [{ dims: [1, 3, 128, 128] }],
    description: 'inputs target [1,3,128,128], source [1,512] → [1,3,128,128]',
  },
  hyperswap: {
    kind: 'face_swapper',
    inputs: [
      { name: 'target', dims: [1, 3, 256, 256] },
      { name: 'source', dims: [1, 512] },
    ],
    outputs: [{ dims: [1, 3, 256, 256] }],
    extraOutputs: true,
    description: 'inputs target [1,3,256,256], source [1,512] → [1,3,256,256] (+ mask)',
  },
  gfpgan: {
    kind: 'face_enhancer',
    inputs: [{ name: 'input', dims: [1, 3, 512, 512] }],
    outputs: [{ dims: [1, 3, 512, 512] }],
    description: 'input [1,3,512,512] → [1,3,512,512] (GFPGAN 1.2/1.3/1.4)',
  },
  gpen_bfr: {
    kind: 'face_enhancer',
    inputs: [{ name: 'input', dims: [1, 3, 'S', 'S'] }],
    outputs: [{ dims: [1, 3, 'S', 'S'] }],
    sizes: { S: [256, 512, 1024, 2048] },
    description: 'input [1,3,S,S] → [1,3,S,S], S one of 256, 512, 1024, 2048 (GPEN-BFR)',
  },
  restoreformer: {
    kind: 'face_enhancer',
    inputs: [{ name: 'input', dims: [1, 3, 512, 512] }],
    outputs: [{ dims: [1, 3, 512, 512] }],
    description: 'input [1,3,512,512] → [1,3,512,512] (RestoreFormer++)',
  },
  codeformer: {
    kind: 'face_enhancer',
    inputs: [
      { name: 'input', dims: [1, 3, 512, 512] },
      { name: 'weight', dims: [1], types: ['double', 'float'] },
    ],
    outputs: [{ dims: [1, 3, 512, 512] }],
    extraOutputs: true,
    description: 'inputs input [1,3,512,512], weight [1] (double) → [1,3,512,512] (CodeFormer)',
  },
  real_esrgan: {
    kind: 'frame_enhancer',
    inputs: [{ name: 'input', dims: [1, 3, 'H', 'H'] }],
    outputs: [{ dims: [1, 3, '*', '*'] }],
    sizes: { H: [64, 128, 256, 512, 1024] },
    upscales: [2, 4, 8],
    description:
      'input [1,3,T,T] (T a tile size: 64, 128, 256, 512 or 1024, or dynamic) → [1,3,k·T,k·T], k = 2, 4 or 8 (Real-ESRGAN and tile upscalers)',
  },
  // DeepFaceLab's XSeg as FaceFusion ships it: channels-last BGR in 0–1, one mask plane out.
  xseg: {
    kind: 'face_occluder',
    inputs: [{ name: 'input', dims: [1, 256, 256, 3] }],
    outputs: [{ dims: [1, 256, 256, 1] }],
    description: 'input [1,256,256,3] (NHWC) → mask [1,256,256,1]',
  },
  bisenet: {
    kind: 'face_parser',
    inputs: [{ name: 'input', dims: [1, 3, 512, 512] }],
    outputs: [{ dims: [1, 19, 512, 512] }],
    extraOutputs: true,
    description: 'input [1,3,512,512] → 19 class scores [1,19,512,512] (+ auxiliary outputs)',
  },
} as const satisfies Record<ModelFamily, FamilyRule>;

const show = (dims: readonly (TensorDim | DimRule)[]): string =>
  `[${dims.map((d) => (d === null ? '?' : d)).join(',')}]`;

/**
 * Checks an artifact's I/O signature against its family. Returns null when it fits, else a
 * sentence naming the first difference.
 */
/** Quotes a name from the file for a message: bounded, so a megabyte-long name stays out of reasons. */
const named = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);

export function checkSignature(family: ModelFamily, signature: IoSignature): string | null {
  const rule: FamilyRule = MODEL_FAMILIES[family];
  const bound = new Map<string, number>();

  const matchTensor = (tensor: TensorSignature, expected: TensorRule, role: string): string | null => {
    const what = `${role} ${named(tensor.name)}`;
    const types = expected.types ?? ['float'];
    if (!types.includes(tensor.type)) return `${what} has element type ${tensor.type}, expected ${types.join(' or ')}`;
    if (tensor.dims.length !== expected.dims.length) {
      return `${what} has shape ${show(tensor.dims)}, expected ${show(expected.dims)}`;
    }
    for (let i = 0; i < expected.dims.length; i++) {
      const want = expected.dims[i];
      const got = tensor.dims[i];
      if (want === '*') continue;
      if (typeof got !== 'number') {
        // Symbolic: a dynamic batch dimension is fine; so is a dynamic size the family leaves open.
        if (typeof want === 'string' || i === 0) continue;
        return `${what} has a dynamic dimension ${i} (${got === null ? '?' : named(got)}), expected ${want}; shape ${show(expected.dims)}`;
      }
      if (typeof want === 'number') {
        if (got !== want) return `${what} has shape ${show(tensor.dims)}, expected ${show(expected.dims)}`;
        continue;
      }
      const previous = bound.get(want);
      if (previous === undefined) bound.set(want, got);
      else if (previous !== got) return `${what} has shape ${show(tensor.dims)}, expected ${show(expected.dims)}`;
    }
    return null;
  };

  const { inputs, outputs } = signature;
  if (inputs.length !== rule.inputs.length) {
    return `the model has ${inputs.length} input(s), a ${family} model has ${rule.inputs.length}: ${rule.description}`;
  }
  for (let i = 0; i < rule.inputs.length; i++) {
    const expected = rule.inputs[i];
    const tensor = expected.name ? inputs.find((t) => t.name === expected.name) : inputs[i];
    if (!tensor) return `the model has no input named ${JSON.stringify(expected.name)}: ${rule.description}`;
    const problem = matchTensor(tensor, expected, 'input');
    if (problem) return problem;
  }

  if (rule.outputLastDims) {
    const want = Object.values(rule.outputLastDims).reduce((a, b) => a + b, 0);
    if (outputs.length !== want) return `the model has ${outputs.length} output(s), expected ${rule.description}`;
    for (const [last, count] of Object.entries(rule.outputLastDims)) {
      const found = outputs.filter((o) => o.type === 'float' && o.dims[o.dims.length - 1] === Number(last)).length;
      if (found !== count) return `expected ${count} float output(s) ending in ${last}: ${rule.description}`;
    }
    return null;
  }
  if (outputs.length < rule.outputs.length || (!rule.extraOutputs && outputs.length !== rule.outputs.length)) {
    return `the model has ${outputs.length} output(s), expected ${rule.description}`;
  }
  for (let i = 0; i < rule.outputs.length; i++) {
    const problem = matchTensor(outputs[i], rule.outputs[i], 'output');
    if (problem) return problem;
  }
  for (const [letter, allowed] of Object.entries(rule.sizes ?? {})) {
    const size = bound.get(letter);
    // A dynamic size is fine for tile models (the pipeline picks the tile); a face crop needs a fixed one.
    if (size === undefined && rule.kind === 'frame_enhancer') continue;
    if (size === undefined || !allowed.includes(size)) {
      return `the image input is ${size === undefined ? 'of dynamic size' : `${size}×${size}`}, expected one of ${allowed.join(', ')}: ${rule.description}`;
    }
  }
  if (rule.upscales) {
    const input = inputs[0].dims;
    const output = outputs[0].dims;
    const factors = [2, 3].map((i) =>
      typeof input[i] === 'number' && typeof output[i] === 'number'
        ? (output[i] as number) / (input[i] as number)
        : null,
    );
    if (
      factors.some((k) => k !== null && !rule.upscales!.includes(k)) ||
      (factors[0] !== null && factors[0] !== factors[1])
    ) {
      return `output ${named(outputs[0].name)} ${show(output)} is not the input ${show(input)} upscaled by ${rule.upscales.join(', ')}: ${rule.description}`;
    }
  }
  return null;
}
