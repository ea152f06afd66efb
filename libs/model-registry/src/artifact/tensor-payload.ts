/**
 * Consistency of a TensorProto's declared shape with the data it stores, checked on the wire
 * facts the skeleton reader collects (onnx-skeleton.ts), so the weights are never decoded.
 * onnxruntime refuses a tensor whose `dims` contradict its payload when it loads the model; the
 * registry refuses it at upload instead of marking it `ready`.
 */

/** What the skeleton reader saw of one TensorProto. Counts are elements, `rawBytes` bytes. */
export interface TensorFacts {
  name: string;
  dataType: number;
  /** Declared dimensions; a negative int64 on the wire reads as a value ≥ 2^63. */
  dims: number[];
  /** Number of `dims` entries seen (the list itself is bounded, see {@link MAX_TENSOR_RANK}). */
  rank: number;
  rawBytes: number | null;
  floatCount: number;
  int32Count: number;
  stringCount: number;
  int64Count: number;
  doubleCount: number;
  uint64Count: number;
  /** Data kept elsewhere (external file) or split in segments: not checkable here. */
  external: boolean;
  segmented: boolean;
}

/** More dimensions than any tensor needs (onnxruntime's own limits are lower in practice). */
export const MAX_TENSOR_RANK = 64;

/** Elements beyond this cannot be addressed exactly in JavaScript, nor stored in any upload. */
const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

type TypedField = 'floatCount' | 'int32Count' | 'stringCount' | 'int64Count' | 'doubleCount' | 'uint64Count';

/**
 * Bits per element and the typed field that holds values when there is no `raw_data` (with how
 * many values per element), by TensorProto.DataType (onnx.proto, IR version 11).
 */
const ELEMENT: Record<number, { bits: number; field: TypedField; perElement: number } | undefined> = {
  1: { bits: 32, field: 'floatCount', perElement: 1 }, // FLOAT
  2: { bits: 8, field: 'int32Count', perElement: 1 }, // UINT8
  3: { bits: 8, field: 'int32Count', perElement: 1 }, // INT8
  4: { bits: 16, field: 'int32Count', perElement: 1 }, // UINT16
  5: { bits: 16, field: 'int32Count', perElement: 1 }, // INT16
  6: { bits: 32, field: 'int32Count', perElement: 1 }, // INT32
  7: { bits: 64, field: 'int64Count', perElement: 1 }, // INT64
  8: { bits: 0, field: 'stringCount', perElement: 1 }, // STRING (never raw)
  9: { bits: 8, field: 'int32Count', perElement: 1 }, // BOOL
  10: { bits: 16, field: 'int32Count', perElement: 1 }, // FLOAT16
  11: { bits: 64, field: 'doubleCount', perElement: 1 }, // DOUBLE
  12: { bits: 32, field: 'uint64Count', perElement: 1 }, // UINT32
  13: { bits: 64, field: 'uint64Count', perElement: 1 }, // UINT64
  14: { bits: 64, field: 'floatCount', perElement: 2 }, // COMPLEX64
  15: { bits: 128, field: 'doubleCount', perElement: 2 }, // COMPLEX128
  16: { bits: 16, field: 'int32Count', perElement: 1 }, // BFLOAT16
  17: { bits: 8, field: 'int32Count', perElement: 1 }, // FLOAT8E4M3FN
  18: { bits: 8, field: 'int32Count', perElement: 1 }, // FLOAT8E4M3FNUZ
  19: { bits: 8, field: 'int32Count', perElement: 1 }, // FLOAT8E5M2
  20: { bits: 8, field: 'int32Count', perElement: 1 }, // FLOAT8E5M2FNUZ
  21: { bits: 4, field: 'int32Count', perElement: 0 }, // UINT4 (packing in int32_data varies: not counted)
  22: { bits: 4, field: 'int32Count', perElement: 0 }, // INT4
  23: { bits: 4, field: 'int32Count', perElement: 0 }, // FLOAT4E2M1
  24: { bits: 8, field: 'int32Count', perElement: 1 }, // FLOAT8E8M0
  25: { bits: 2, field: 'int32Count', perElement: 0 }, // UINT2
  26: { bits: 2, field: 'int32Count', perElement: 0 }, // INT2
};

/** Quotes an attacker-supplied name: bounded length, printable characters only. */
const quote = (value: string): string =>
  JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value).replace(/[^\x20-\x7e]/g, '?');

/**
 * Returns why the tensor's declared shape contradicts its stored data (or is out of bounds), or
 * null when it is consistent or cannot be checked here (external or segmented data).
 */
export function tensorPayloadProblem(t: TensorFacts): string | null {
  if (t.external || t.segmented) return null;
  const what = `Tensor ${quote(t.name)}`;
  if (t.rank > MAX_TENSOR_RANK) return `${what} declares more than ${MAX_TENSOR_RANK} dimensions`;
  let elements = 1;
  for (const dim of t.dims) {
    if (dim >= 2 ** 63) return `${what} declares a negative dimension`;
    elements *= dim;
    if (elements > MAX_ELEMENTS) return `${what} declares more than 2^53 elements`;
  }
  const element = ELEMENT[t.dataType];
  if (!element) return `${what} has the unknown element type ${t.dataType}`;
  // An empty raw_data counts as absent, as in onnxruntime (proto3 bytes have no presence).
  const raw = t.rawBytes || null;
  if (raw !== null && element.bits > 0) {
    const expected = Math.ceil((elements * element.bits) / 8);
    if (raw !== expected) return `${what} declares ${elements} element(s) (${expected} bytes) but stores ${raw} bytes`;
    return null;
  }
  if (raw !== null) return `${what} stores strings as raw bytes, which ONNX does not allow`;
  if (element.perElement === 0) return null;
  const stored = t[element.field];
  const expected = elements * element.perElement;
  if (stored !== expected) return `${what} declares ${elements} element(s) but stores ${stored} value(s)`;
  return null;
}
