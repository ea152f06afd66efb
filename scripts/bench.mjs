// `npm run bench [-- [--quick] [--only a,b] [name…]]`: runs the benchmarks (all by default) one after
// another, each printing its figures, then writes bench/RESULTS.md (overwritten on every run) with
// each benchmark's headline figures (bench/support/report.ts), their baselines and ratios, and the
// machine they ran on. `--quick` makes each benchmark smaller (fewer runs and requests) where it
// has a setting for it; settings already in the environment win.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';

const root = new URL('..', import.meta.url).pathname;
const all = [
  'startup',
  'auth',
  'authz',
  'audit',
  'registry',
  'http',
  'request-path',
  'inference',
  'jobs',
  'watermark',
  'video',
];
const QUICK = {
  BENCH_RUNS: '1',
  BENCH_REQUESTS: '300',
  BENCH_LOGINS: '6',
  BENCH_AUDIT_EVENTS: '600',
  BENCH_SIZE_MB: '50',
  BENCH_CONCURRENCY: '1,4',
  BENCH_RAW_JOBS: '50',
  BENCH_LATENCY_JOBS: '20',
  BENCH_THROUGHPUT_JOBS: '10',
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const named = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--quick') continue;
  if (args[i] === '--only') named.push(...(args[++i] ?? '').split(',').filter(Boolean));
  else if (args[i].startsWith('--only=')) named.push(...args[i].slice(7).split(',').filter(Boolean));
  else named.push(args[i]);
}
const chosen = named.length ? named : all;
const unknown = chosen.filter((name) => !all.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark "${unknown.join('", "')}": choose from ${all.join(', ')}.`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'fusiongate-bench-'));
const resultsFile = join(dir, 'results.jsonl');
writeFileSync(resultsFile, '');
const env = { ...process.env, BENCH_RESULTS_FILE: resultsFile };
if (quick) for (const [key, value] of Object.entries(QUICK)) env[key] ??= value;

const began = new Date();
const loadBefore = loadavg();
const runs = [];
for (const name of chosen) {
  console.log(`\n=== bench:${name}`);
  const started = performance.now();
  const run = spawnSync('npm', ['run', '--silent', `bench:${name}`], { stdio: 'inherit', env });
  runs.push({ name, status: run.status ?? 1, seconds: (performance.now() - started) / 1000 });
}
const loadAfter = loadavg();
const reports = readFileSync(resultsFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
rmSync(dir, { recursive: true, force: true });

const round = (value) => {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value) || 1)));
  return value.toFixed(Math.min(digits, 3));
};
const cell = (text) => String(text).replaceAll('|', '\\|');
const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
const cpu = cpus();
const lines = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}\` on ${began.toISOString()}` +
    `${git.status === 0 ? ` at commit ${git.stdout.trim()}` : ''}; every run overwrites this file.` +
    ' Ratios are figure / baseline, both measured in the same run.',
  '',
  '## Machine',
  '',
  `- CPU: ${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores (${availableParallelism()} available to Node.js)`,
  `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  `- Node.js ${process.version} on ${process.platform} ${process.arch}`,
  `- Load average (1, 5, 15 min): ${loadBefore.map((l) => l.toFixed(2)).join(', ')} before, ` +
    `${loadAfter.map((l) => l.toFixed(2)).join(', ')} after`,
  ...(quick ? ['- `--quick`: smaller runs, figures are rougher'] : []),
  '',
  '## Figures',
  '',
  '| Benchmark | Figure | Value | Baseline | Baseline value | Ratio | Better |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const { bench, figures } of reports) {
  for (const f of figures) {
    const ratio = f.baseline ? `${(f.value / f.baseline.value).toFixed(2)}×` : '';
    lines.push(
      `| ${cell(bench)} | ${cell(f.name)} | ${round(f.value)} ${cell(f.unit)} | ${cell(f.baseline?.name ?? '')} | ` +
        `${f.baseline ? `${round(f.baseline.value)} ${cell(f.unit)}` : ''} | ${ratio} | ${f.better ?? 'lower'} |`,
    );
  }
}
lines.push('', '## Runs', '', '| Benchmark | Outcome | Seconds |', '| --- | --- | --- |');
for (const run of runs) {
  const reported = reports.some((r) => r.bench === run.name);
  const outcome = run.status !== 0 ? `failed (exit ${run.status})` : reported ? 'ok' : 'ok, no figures reported';
  lines.push(`| ${run.name} | ${outcome} | ${run.seconds.toFixed(1)} |`);
}
const target = join(root, 'bench', 'RESULTS.md');
const options = (await prettier.resolveConfig(target)) ?? {};
writeFileSync(target, await prettier.format(`${lines.join('\n')}\n`, { ...options, filepath: target }));
console.log(`\nWrote ${target}`);
process.exit(runs.some((run) => run.status !== 0) ? 1 : 0);
