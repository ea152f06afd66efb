/**
 * The figures a benchmark hands to `npm run bench` (scripts/bench.mjs), which gathers them from
 * every benchmark into bench/RESULTS.md. Each benchmark calls {@link report} once, at its end, with
 * its headline figures; its own printout stays as it is.
 */
import { appendFileSync } from 'node:fs';

export interface Figure {
  /** What was measured, e.g. `authenticated route p50`. */
  name: string;
  value: number;
  /** `µs`, `ms`, `s`, `req/s`, `events/s`, `MB`… */
  unit: string;
  /** The same measure of the baseline taken in the same run, when there is one. */
  baseline?: { name: string; value: number };
  /** Which way is better; `lower` (times, memory) unless said otherwise. */
  better?: 'lower' | 'higher';
}

/** A figure in one line: `figure('authenticated p50', 180, 'µs', ['public route', 95])`. */
export function figure(
  name: string,
  value: number,
  unit: string,
  baseline?: [name: string, value: number],
  better: 'lower' | 'higher' = 'lower',
): Figure {
  return { name, value, unit, ...(baseline && { baseline: { name: baseline[0], value: baseline[1] } }), better };
}

/** One benchmark's figures as scripts/bench.mjs reads them (one JSON line per benchmark). */
export interface BenchReport {
  bench: string;
  figures: Figure[];
}

/**
 * Records `figures` of benchmark `bench`: appended as one JSON line to `BENCH_RESULTS_FILE` when
 * `npm run bench` runs it, printed as a short summary with the ratios when run on its own.
 */
export function report(bench: string, figures: Figure[]): void {
  const file = process.env.BENCH_RESULTS_FILE;
  if (file) {
    appendFileSync(file, `${JSON.stringify({ bench, figures } satisfies BenchReport)}\n`);
    return;
  }
  console.log(`\nsummary (${bench})`);
  for (const figure of figures) {
    const base = figure.baseline
      ? `   vs ${figure.baseline.name} ${round(figure.baseline.value)} ${figure.unit}: ` +
        `${(figure.value / figure.baseline.value).toFixed(2)}×`
      : '';
    console.log(`  ${figure.name}: ${round(figure.value)} ${figure.unit}${base}`);
  }
}

/** Three significant digits, no exponent. */
export function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value) || 1)));
  return value.toFixed(Math.min(digits, 3));
}
