/**
 * Error-correcting code of the watermark: a CRC-32 over the 64-bit payload, then a rate-1/2,
 * constraint-length-7 convolutional code (generators 171/133 octal, the NASA/Voyager code) with a
 * zero tail, decoded with soft-decision Viterbi.
 */
const K = 7;
const STATES = 1 << (K - 1);
const G1 = 0o171;
const G2 = 0o133;

export const PAYLOAD_BITS = 64;
export const CRC_BITS = 32;
export const MESSAGE_BITS = PAYLOAD_BITS + CRC_BITS;
export const CODED_BITS = (MESSAGE_BITS + K - 1) * 2;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Domain prefix so the checksum is specific to this watermark format. */
const CRC_PREFIX = new TextEncoder().encode('fusiongate-watermark-v1');

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of CRC_PREFIX) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function parity(x: number): number {
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

function bytesToBits(bytes: Uint8Array): number[] {
  const bits: number[] = [];
  for (const b of bytes) for (let i = 7; i >= 0; i--) bits.push((b >> i) & 1);
  return bits;
}

/** Payload (8 bytes) → coded bits (0/1), length {@link CODED_BITS}. */
export function encodeMessage(payload: Uint8Array): Uint8Array {
  const crc = crc32(payload);
  const message = [
    ...bytesToBits(payload),
    ...bytesToBits(new Uint8Array([crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255])),
  ];
  const input = [...message, ...new Array<number>(K - 1).fill(0)];
  const out = new Uint8Array(CODED_BITS);
  let state = 0;
  input.forEach((bit, i) => {
    const reg = (bit << (K - 1)) | state;
    out[i * 2] = parity(reg & G1);
    out[i * 2 + 1] = parity(reg & G2);
    state = reg >> 1;
  });
  return out;
}

/**
 * Soft-decision Viterbi. `soft[i] > 0` means coded bit i is likely 1. Returns the payload when the
 * decoded CRC matches, else `null`.
 */
export function decodeMessage(soft: Float64Array | Float32Array): Uint8Array | null {
  const steps = MESSAGE_BITS + K - 1;
  let metric = new Float64Array(STATES).fill(-Infinity);
  metric[0] = 0;
  const history = new Uint8Array(steps * STATES);
  const outputs = new Uint8Array(STATES * 2);
  for (let s = 0; s < STATES; s++) {
    for (let bit = 0; bit < 2; bit++) {
      const reg = (bit << (K - 1)) | s;
      outputs[s * 2 + bit] = (parity(reg & G1) << 1) | parity(reg & G2);
    }
  }
  for (let t = 0; t < steps; t++) {
    const a = soft[t * 2];
    const b = soft[t * 2 + 1];
    const next = new Float64Array(STATES).fill(-Infinity);
    const maxBit = t < MESSAGE_BITS ? 1 : 0;
    for (let s = 0; s < STATES; s++) {
      const m = metric[s];
      if (m === -Infinity) continue;
      for (let bit = 0; bit <= maxBit; bit++) {
        const o = outputs[s * 2 + bit];
        const gain = m + (o >> 1 ? a : -a) + (o & 1 ? b : -b);
        const ns = ((bit << (K - 1)) | s) >> 1;
        if (gain > next[ns]) {
          next[ns] = gain;
          history[t * STATES + ns] = s & 1;
        }
      }
    }
    metric = next;
  }
  // Trace back from the zero state (the tail forces it).
  const bits = new Uint8Array(steps);
  let state = 0;
  for (let t = steps - 1; t >= 0; t--) {
    bits[t] = (state >> (K - 2)) & 1;
    const lsb = history[t * STATES + state];
    state = ((state << 1) & (STATES - 1)) | lsb;
  }
  const bytes = new Uint8Array(MESSAGE_BITS / 8);
  for (let i = 0; i < MESSAGE_BITS; i++) bytes[i >> 3] |= bits[i] << (7 - (i & 7));
  const payload = bytes.slice(0, 8);
  const crc = ((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0;
  return crc32(payload) === crc ? payload : null;
}
