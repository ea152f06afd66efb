/**
 * Adds a watermark row pattern to an RGB image, 16 bytes at a time with WebAssembly SIMD (Node ≥ 16),
 * so marking a 1080p frame stays within a few milliseconds; a scalar path with the same integer
 * arithmetic (bit-identical results) runs where SIMD is unavailable and on each row's tail.
 *
 * For every byte b of a row with pattern p (8-bit levels × 256, int16) and row weight w (Q15):
 *   delta = ((p·w + 2¹⁴) >> 15) + 128) >> 8      (i16x8.q15mulr_sat_s, then a rounding shift)
 *   out   = clamp(b + delta, 0, 255)             (widen to int16, add, narrow with unsigned saturation)
 */

// The project's TypeScript libs (ES2023, no DOM) do not declare WebAssembly: the part used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: { env: { memory: WasmMemory } }) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes (WebAssembly core + fixed-width SIMD).
const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, depth],
  get: (i: number) => [0x20, i],
  set: (i: number) => [0x21, i],
  tee: (i: number) => [0x22, i],
  i32: (v: number) => [0x41, v], // small non-negative constants only (< 64)
  i32Add: [0x6a],
  i32Shl: [0x74],
  i32LtU: [0x49],
  i32LeU: [0x4d],
  load: (offset: number) => [0xfd, 0x00, 0x00, ...leb(offset)],
  store: [0xfd, 0x0b, 0x00, 0x00],
  const16x8: (v: number) => [0xfd, 0x0c, ...Array.from({ length: 8 }, () => [v & 0xff, (v >> 8) & 0xff]).flat()],
  splat16x8: [0xfd, 0x10],
  narrowU8: [0xfd, 0x66],
  q15mulr: [0xfd, 0x82, 0x01],
  extendLowU: [0xfd, 0x89, 0x01],
  extendHighU: [0xfd, 0x8a, 0x01],
  shrS16: [0xfd, 0x8c, 0x01],
  add16: [0xfd, 0x8e, 0x01],
};

/**
 * (func (export "mark") (param $row i32) (param $pattern i32) (param $bytes i32) (param $weight i32))
 * Processes the first ⌊bytes/16⌋·16 bytes of a row in place; locals: $i i32, $w v128, $v v128.
 */
function markModule(): Uint8Array {
  const [row, pattern, bytes, weight, i, w, v] = [0, 1, 2, 3, 4, 5, 6];
  // delta of 8 bytes: ((q15mulr(pattern[i·2 + offset], w) + 128) >> 8)
  const delta = (offset: number) => [
    ...op.get(pattern),
    ...op.get(i),
    ...op.i32(1),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.load(offset),
    ...op.get(w),
    ...op.q15mulr,
    ...op.const16x8(128),
    ...op.add16,
    ...op.i32(8),
    ...op.shrS16,
  ];
  const code = [
    ...op.get(weight),
    ...op.splat16x8,
    ...op.set(w),
    ...op.block,
    ...op.get(bytes),
    ...op.i32(16),
    ...op.i32LtU,
    ...op.brIf(0),
    ...op.loop,
    ...op.get(row),
    ...op.get(i),
    ...op.i32Add,
    ...op.load(0),
    ...op.set(v),
    // store address
    ...op.get(row),
    ...op.get(i),
    ...op.i32Add,
    // low 8 bytes
    ...op.get(v),
    ...op.extendLowU,
    ...delta(0),
    ...op.add16,
    // high 8 bytes
    ...op.get(v),
    ...op.extendHighU,
    ...delta(16),
    ...op.add16,
    ...op.narrowU8,
    ...op.store,
    // i += 16; again while i + 16 ≤ bytes
    ...op.get(i),
    ...op.i32(16),
    ...op.i32Add,
    ...op.tee(i),
    ...op.i32(16),
    ...op.i32Add,
    ...op.get(bytes),
    ...op.i32LeU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  const body = [2, 1, I32, 2, V128, ...code];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x01]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('mark'), 0x00, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

type Mark = (row: number, pattern: number, bytes: number, weight: number) => void;
interface Simd {
  api: WasmApi;
  memory: WasmMemory;
  mark: Mark;
}
let simd: Simd | null | undefined;

function loadSimd(): Simd | null {
  if (simd === undefined) {
    simd = null;
    try {
      if (wasm) {
        const memory = new wasm.Memory({ initial: 1 });
        const instance = new wasm.Instance(new wasm.Module(markModule()), { env: { memory } });
        simd = { api: wasm, memory, mark: instance.exports.mark as Mark };
      }
    } catch {
      // No WebAssembly SIMD here: the scalar path runs.
    }
  }
  return simd;
}

/** Images larger than this many bytes are marked in a memory that is dropped afterwards. */
const KEEP_MEMORY_BYTES = 32 * 1024 * 1024;

/**
 * Returns a marked copy of `data` (RGB, `width` px per row): row y gets pattern `patterns[rowPattern[y]]`
 * (one int16 per pixel, levels × 256) weighted by `rowWeight[y]` (Q15).
 */
export function addRowPatterns(
  data: Uint8Array,
  width: number,
  patterns: Int16Array[],
  rowPattern: Uint8Array,
  rowWeight: Int32Array,
  useSimd = true,
): Uint8Array {
  const rowBytes = width * 3;
  const height = rowWeight.length;
  // Every pattern spread over the row's bytes (the same delta for R, G and B).
  const patternBytes = patterns.length * rowBytes * 2;
  const imageAt = (patternBytes + 15) & ~15;
  const engine = useSimd ? loadSimd() : null;
  if (engine) {
    const needed = imageAt + data.length;
    const memory =
      needed > KEEP_MEMORY_BYTES ? new engine.api.Memory({ initial: Math.ceil(needed / 65536) }) : engine.memory;
    const mark =
      memory === engine.memory
        ? engine.mark
        : (new engine.api.Instance(new engine.api.Module(markModule()), { env: { memory } }).exports.mark as Mark);
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
    const spread = new Int16Array(memory.buffer, 0, patternBytes / 2);
    patterns.forEach((pattern, k) => {
      for (let x = 0, o = k * rowBytes; x < width; x++, o += 3) spread[o] = spread[o + 1] = spread[o + 2] = pattern[x];
    });
    const bytes = new Uint8Array(memory.buffer);
    bytes.set(data, imageAt);
    const vectorBytes = rowBytes & ~15;
    for (let y = 0; y < height; y++) {
      const row = imageAt + y * rowBytes;
      const pattern = rowPattern[y] * rowBytes;
      mark(row, pattern * 2, rowBytes, rowWeight[y]);
      scalarRow(bytes, row, spread, pattern, vectorBytes, rowBytes, rowWeight[y]);
    }
    return bytes.slice(imageAt, imageAt + data.length);
  }
  const out = new Uint8Array(data);
  const spread = new Int16Array(patterns.length * rowBytes);
  patterns.forEach((pattern, k) => {
    for (let x = 0, o = k * rowBytes; x < width; x++, o += 3) spread[o] = spread[o + 1] = spread[o + 2] = pattern[x];
  });
  for (let y = 0; y < height; y++) {
    scalarRow(out, y * rowBytes, spread, rowPattern[y] * rowBytes, 0, rowBytes, rowWeight[y]);
  }
  return out;
}

/** Bytes [from, to) of one row, with the SIMD path's exact integer arithmetic. */
function scalarRow(
  bytes: Uint8Array,
  row: number,
  spread: Int16Array,
  pattern: number,
  from: number,
  to: number,
  weight: number,
): void {
  for (let b = from; b < to; b++) {
    const delta = (((spread[pattern + b] * weight + 0x4000) >> 15) + 128) >> 8;
    const v = bytes[row + b] + delta;
    bytes[row + b] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
}
