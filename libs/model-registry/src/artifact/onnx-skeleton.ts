import type { FileHandle } from 'node:fs/promises';
import { MAX_TENSOR_RANK, tensorPayloadProblem, type TensorFacts } from './tensor-payload.js';

/**
 * Builds a "skeleton" of an ONNX ModelProto straight from the protobuf wire format, reading the
 * file with positional reads: every message the registry inspects (graph, nodes, attributes,
 * functions, value infos, opset imports...) is kept byte for byte, while the bulk payloads of
 * tensors (`raw_data` and the repeated `*_data` fields) are left out and only their sizes and
 * offsets recorded. The skeleton decodes with onnx-proto like the whole file would, so a 500 MB
 * model is validated with a few hundred kilobytes in memory and its weights are never read.
 */

/** Why a file cannot be turned into a skeleton; mirrors the rejection codes of the inspector. */
export class OnnxSkeletonError extends Error {
  constructor(
    readonly code: 'onnx_truncated' | 'onnx_invalid' | 'onnx_validation_resources',
    message: string,
  ) {
    super(message);
  }
}

/** A tensor whose payload was left out of the skeleton. */
export interface DroppedTensor {
  /** The tensor's name (bounded to 256 bytes); empty for unnamed attribute tensors. */
  name: string;
  /** Bytes of payload fields left out (tags and length prefixes included). */
  payloadBytes: number;
  /** Where the `raw_data` bytes start in the file and how many there are, when it has one. */
  rawData?: { offset: number; length: number };
}

export interface OnnxSkeleton {
  /** An encoded ModelProto without tensor payloads. */
  bytes: Uint8Array;
  /** Tensors whose payload was left out, in file order. */
  dropped: DroppedTensor[];
  /** Sum of `payloadBytes` over `dropped`. */
  droppedBytes: number;
  /** The first tensor whose declared shape contradicts its stored data, as a sentence; else null. */
  tensorProblem: string | null;
}

export interface OnnxSkeletonOptions {
  /** Largest skeleton accepted; a model whose structure alone is bigger is refused. */
  maxSkeletonBytes: number;
  /** Size of the read window (default 1 MiB). */
  chunkBytes?: number;
}

type Kind = 'model' | 'training' | 'graph' | 'node' | 'attribute' | 'function' | 'sparse' | 'tensor';

/**
 * Length-delimited fields that hold messages which may (transitively) contain tensors, by field
 * number (onnx.proto3, IR version 10). Other fields are copied without being looked into.
 */
const CHILDREN: Record<Kind, Readonly<Record<number, Kind>>> = {
  model: { 7: 'graph', 20: 'training', 25: 'function' },
  training: { 1: 'graph', 2: 'graph' },
  graph: { 1: 'node', 5: 'tensor', 15: 'sparse' },
  node: { 5: 'attribute' },
  attribute: { 5: 'tensor', 6: 'graph', 10: 'tensor', 11: 'graph', 22: 'sparse', 23: 'sparse' },
  function: { 7: 'node', 11: 'attribute' },
  sparse: { 1: 'tensor', 2: 'tensor' },
  tensor: {},
};

/**
 * TensorProto payload fields and the wire type of one unpacked element: float_data, int32_data,
 * string_data, int64_data, raw_data, double_data, uint64_data. Packed encodings use wire type 2.
 */
const PAYLOAD_FIELDS: Readonly<Record<number, number>> = { 4: 5, 5: 0, 6: 2, 7: 0, 9: 2, 10: 1, 11: 0 };
const TENSOR_NAME_FIELD = 8;
const RAW_DATA_FIELD = 9;
const TENSOR_DIMS_FIELD = 1;
const TENSOR_DATA_TYPE_FIELD = 2;
const TENSOR_SEGMENT_FIELD = 3;
const TENSOR_EXTERNAL_DATA_FIELD = 13;
const TENSOR_DATA_LOCATION_FIELD = 14;
/** Which element count of {@link TensorFacts} each typed payload field adds to. */
const COUNT_OF_FIELD = {
  4: 'floatCount',
  5: 'int32Count',
  6: 'stringCount',
  7: 'int64Count',
  10: 'doubleCount',
  11: 'uint64Count',
} as const;

/** Deeper nesting (subgraphs inside subgraphs) than any real model uses. */
const MAX_DEPTH = 64;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** A piece of the skeleton: a byte range of the file, or bytes written anew (tags, lengths). */
type Part = { from: number; to: number } | Uint8Array;

interface Rebuilt {
  parts: Part[];
  length: number;
}

function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  while (value > 127) {
    out.push((value % 128) | 128);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

/** Reads a file through one reusable window, at explicit offsets. */
class PositionalReader {
  private readonly window: Buffer;
  private start = 0;
  private end = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
    chunkBytes: number,
  ) {
    this.window = Buffer.allocUnsafe(chunkBytes);
  }

  /** Whether [pos, pos + n) is in the window (n clamped to the end of the file). */
  has(pos: number, n: number): boolean {
    return pos >= this.start && Math.min(pos + n, this.size) <= this.end;
  }

  async fill(pos: number): Promise<void> {
    const want = Math.min(this.window.length, this.size - pos);
    const got = await readFully(this.file, this.window, 0, want, pos);
    this.start = pos;
    this.end = pos + got;
  }

  /** Byte at `pos`; only valid after `has`/`fill` covered it. */
  at(pos: number): number {
    return this.window[pos - this.start];
  }

  /** Whether the window holds the byte at `pos` (false past the end of the file). */
  holds(pos: number): boolean {
    return pos >= this.start && pos < this.end;
  }

  /** Reads `length` bytes at `position` into `into` (outside the window); returns how many came. */
  read(into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return readFully(this.file, into, offset, length, position);
  }
}

async function readFully(file: FileHandle, into: Uint8Array, offset: number, length: number, position: number) {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await file.read(into, offset + got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

class SkeletonBuilder {
  readonly dropped: DroppedTensor[] = [];
  droppedBytes = 0;
  tensorProblem: string | null = null;

  constructor(
    private readonly reader: PositionalReader,
    private readonly maxSkeletonBytes: number,
  ) {}

  /**
   * Gives up as soon as the structure read so far clearly exceeds the limit, rather than scanning
   * the rest of a graph that will be refused anyway. The bytes kept up to `end` are `end` minus
   * the payloads left out, less a few bytes of shorter length prefixes: hence the margin.
   */
  private checkBudget(end: number): void {
    const kept = end - this.droppedBytes;
    if (kept > this.maxSkeletonBytes * 1.25 + 64 * 1024) throw skeletonTooLarge(kept, this.maxSkeletonBytes, true);
  }

  private fail(pos: number, end: number, what: string): never {
    if (pos > this.reader.size) {
      throw new OnnxSkeletonError(
        'onnx_truncated',
        'The file ends in the middle of an ONNX record: it is truncated or corrupt.',
      );
    }
    throw new OnnxSkeletonError('onnx_invalid', `The file does not parse as an ONNX model (${what}).`);
  }

  /** Reads a varint at `pos` within a message ending at `end`; returns its value and the next offset. */
  private async varint(pos: number, end: number): Promise<[number, number]> {
    if (!this.reader.has(pos, 10)) await this.reader.fill(pos);
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const at = pos + i;
      if (at >= end || !this.reader.holds(at)) this.fail(at + 1, end, 'a number runs past its record');
      const byte = this.reader.at(at);
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return [value, at + 1];
    }
    return this.fail(pos, end, 'a number is longer than 10 bytes');
  }

  private async text(pos: number, length: number): Promise<string> {
    const n = Math.min(length, 256);
    const bytes = Buffer.allocUnsafe(n);
    const got = await this.reader.read(bytes, 0, n, pos);
    return bytes.toString('utf8', 0, got);
  }

  /** Number of varints packed in [start, end): the bytes without a continuation bit. */
  private async countVarints(start: number, end: number): Promise<number> {
    const buffer = Buffer.allocUnsafe(Math.min(end - start, 64 * 1024));
    let count = 0;
    for (let pos = start; pos < end;) {
      const got = await this.reader.read(buffer, 0, Math.min(buffer.length, end - pos), pos);
      if (got === 0) break;
      for (let i = 0; i < got; i++) if (buffer[i] < 0x80) count++;
      pos += got;
    }
    return count;
  }

  /** Records the shape-related fields of a TensorProto (dims, data type, data location). */
  private async tensorField(
    facts: TensorFacts,
    field: number,
    wire: number,
    valueStart: number,
    contentStart: number,
    end: number,
  ): Promise<void> {
    if (field === TENSOR_DIMS_FIELD && wire === WIRE_VARINT) {
      facts.rank++;
      if (facts.dims.length < MAX_TENSOR_RANK) facts.dims.push((await this.varint(valueStart, end))[0]);
    } else if (field === TENSOR_DIMS_FIELD && wire === WIRE_BYTES) {
      for (let at = contentStart; at < end;) {
        const [value, next] = await this.varint(at, end);
        facts.rank++;
        if (facts.dims.length < MAX_TENSOR_RANK) facts.dims.push(value);
        else break;
        at = next;
      }
    } else if (field === TENSOR_DATA_TYPE_FIELD && wire === WIRE_VARINT) {
      facts.dataType = (await this.varint(valueStart, end))[0];
    } else if (field === TENSOR_SEGMENT_FIELD) {
      facts.segmented = true;
    } else if (field === TENSOR_EXTERNAL_DATA_FIELD) {
      facts.external = true;
    } else if (field === TENSOR_DATA_LOCATION_FIELD && wire === WIRE_VARINT) {
      if ((await this.varint(valueStart, end))[0] !== 0) facts.external = true;
    }
  }

  /** Elements a payload field holds: packed (length-delimited) or one per occurrence. */
  private async payloadCount(field: number, wire: number, start: number, end: number): Promise<number> {
    if (wire !== WIRE_BYTES || field === 6) return 1;
    if (field === 4) return Math.floor((end - start) / 4);
    if (field === 10) return Math.floor((end - start) / 8);
    return this.countVarints(start, end);
  }

  /**
   * Scans the message of `kind` in [start, end). Returns null when nothing inside it was left out
   * (the caller keeps its bytes as they are), else the parts of its rebuilt encoding.
   */
  async scan(kind: Kind, start: number, end: number, depth: number): Promise<Rebuilt | null> {
    if (depth > MAX_DEPTH) this.fail(start, end, `records nested more than ${MAX_DEPTH} deep`);
    const children = CHILDREN[kind];
    const parts: Part[] = [];
    let length = 0;
    let changed = false;
    let runStart = start;
    const keep = (to: number) => {
      if (to > runStart) {
        parts.push({ from: runStart, to });
        length += to - runStart;
      }
    };
    let name = '';
    let payloadBytes = 0;
    let rawData: DroppedTensor['rawData'];
    const facts: TensorFacts | null =
      kind === 'tensor'
        ? {
            name: '',
            dataType: 0,
            dims: [],
            rank: 0,
            rawBytes: null,
            floatCount: 0,
            int32Count: 0,
            stringCount: 0,
            int64Count: 0,
            doubleCount: 0,
            uint64Count: 0,
            external: false,
            segmented: false,
          }
        : null;

    let pos = start;
    while (pos < end) {
      const fieldStart = pos;
      const [tag, afterTag] = await this.varint(pos, end);
      const field = Math.floor(tag / 8);
      const wire = tag % 8;
      if (field === 0 || field >= 2 ** 29) this.fail(fieldStart, end, 'a field number is out of range');
      let contentStart = afterTag;
      switch (wire) {
        case WIRE_VARINT: {
          pos = (await this.varint(afterTag, end))[1];
          break;
        }
        case WIRE_FIXED64:
          pos = afterTag + 8;
          break;
        case WIRE_FIXED32:
          pos = afterTag + 4;
          break;
        case WIRE_BYTES: {
          const [len, next] = await this.varint(afterTag, end);
          contentStart = next;
          pos = next + len;
          break;
        }
        default:
          this.fail(fieldStart, end, `wire type ${wire} is not used by ONNX`);
      }
      if (pos > end) this.fail(pos, end, 'a field runs past its record');

      if (facts && field in PAYLOAD_FIELDS && (wire === WIRE_BYTES || wire === PAYLOAD_FIELDS[field])) {
        keep(fieldStart);
        runStart = pos;
        changed = true;
        payloadBytes += pos - fieldStart;
        if (field === RAW_DATA_FIELD) {
          rawData = { offset: contentStart, length: pos - contentStart };
          facts.rawBytes = (facts.rawBytes ?? 0) + (pos - contentStart);
        } else if (this.tensorProblem === null) {
          const counted = COUNT_OF_FIELD[field as keyof typeof COUNT_OF_FIELD];
          facts[counted] += await this.payloadCount(field, wire, contentStart, pos);
        }
        continue;
      }
      if (facts && field === TENSOR_NAME_FIELD && wire === WIRE_BYTES) {
        name = await this.text(contentStart, pos - contentStart);
        continue;
      }
      if (facts) await this.tensorField(facts, field, wire, afterTag, contentStart, pos);
      const child = wire === WIRE_BYTES ? children[field] : undefined;
      if (child) {
        const rebuilt = await this.scan(child, contentStart, pos, depth + 1);
        if (rebuilt) {
          keep(fieldStart);
          const header = Buffer.concat([encodeVarint(tag), encodeVarint(rebuilt.length)]);
          // A loop, not push(...parts): a graph of 100k+ tensors would overflow the call stack.
          parts.push(header);
          for (const part of rebuilt.parts) parts.push(part);
          length += header.length + rebuilt.length;
          runStart = pos;
          changed = true;
        }
      }
    }
    if (payloadBytes > 0) {
      this.dropped.push({ name, payloadBytes, ...(rawData ? { rawData } : {}) });
      this.droppedBytes += payloadBytes;
    }
    if (facts && this.tensorProblem === null) {
      facts.name = name;
      this.tensorProblem = tensorPayloadProblem(facts);
    }
    if (kind === 'node' || kind === 'tensor') this.checkBudget(end);
    if (!changed) return null;
    keep(end);
    return { parts, length };
  }
}

function skeletonTooLarge(bytes: number, max: number, partial = false): OnnxSkeletonError {
  return new OnnxSkeletonError(
    'onnx_validation_resources',
    `The model's graph without its weights takes ${partial ? 'over ' : ''}${bytes} bytes, more than the ${max} allowed.`,
  );
}

/**
 * Reads the skeleton of the ONNX model in `file` (`size` bytes). Throws OnnxSkeletonError when the
 * wire format is broken (`onnx_truncated` when a record runs past the end of the file) or when the
 * skeleton would exceed `maxSkeletonBytes` (`onnx_validation_resources`).
 */
export async function readOnnxSkeleton(
  file: FileHandle,
  size: number,
  options: OnnxSkeletonOptions,
): Promise<OnnxSkeleton> {
  const reader = new PositionalReader(file, size, options.chunkBytes ?? 1024 * 1024);
  const builder = new SkeletonBuilder(reader, options.maxSkeletonBytes);
  const rebuilt = (await builder.scan('model', 0, size, 0)) ?? { parts: [{ from: 0, to: size }], length: size };
  if (rebuilt.length > options.maxSkeletonBytes) throw skeletonTooLarge(rebuilt.length, options.maxSkeletonBytes);
  const bytes = Buffer.allocUnsafe(rebuilt.length);
  let at = 0;
  for (const part of rebuilt.parts) {
    if (part instanceof Uint8Array) {
      bytes.set(part, at);
      at += part.length;
    } else {
      const n = part.to - part.from;
      if ((await reader.read(bytes, at, n, part.from)) !== n) {
        throw new OnnxSkeletonError('onnx_truncated', 'The file changed while it was being read.');
      }
      at += n;
    }
  }
  return {
    bytes,
    dropped: builder.dropped,
    droppedBytes: builder.droppedBytes,
    tensorProblem: builder.tensorProblem,
  };
}
