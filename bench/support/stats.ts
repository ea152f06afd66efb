/** Summary of timing samples (taken in nanoseconds), in microseconds. */
export interface Summary {
  p50: number;
  p99: number;
  mean: number;
}

/** p50, p99 and mean, in µs, of samples given in nanoseconds. */
export function stats(samplesNs: readonly (bigint | number)[]): Summary {
  const us = samplesNs.map((n) => Number(n) / 1000).sort((a, b) => a - b);
  const at = (p: number) => us[Math.min(us.length - 1, Math.floor(us.length * p))];
  return { p50: at(0.5), p99: at(0.99), mean: us.reduce((a, b) => a + b, 0) / us.length };
}

/**
 * Durations in ns held in an array allocated up front, timed with `performance.now()` (a double,
 * where `process.hrtime.bigint()` allocates a BigInt per reading): measuring allocates nothing, so
 * the garbage collection it would cause does not land in the figures of sub-microsecond work.
 */
export class Timings {
  private readonly ns: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.ns = new Float64Array(capacity);
  }

  /** Records the time since `startMs` (a `performance.now()` reading). */
  since(startMs: number): void {
    this.ns[this.count++] = (performance.now() - startMs) * 1e6;
  }

  summary(): Summary {
    return stats(Array.from(this.ns.subarray(0, this.count)));
  }
}
