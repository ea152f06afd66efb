/** Summary of timing samples taken with `process.hrtime.bigint()` (nanoseconds), in microseconds. */
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
