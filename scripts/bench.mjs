// `npm run bench [name…]`: runs the benchmarks (all by default) one after another, each printing its figures.
import { spawnSync } from 'node:child_process';

const all = ['startup', 'auth', 'authz', 'audit', 'registry', 'http', 'request-path', 'inference', 'jobs', 'watermark'];
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : all;
for (const name of chosen) {
  if (!all.includes(name)) {
    console.error(`Unknown benchmark "${name}": choose from ${all.join(', ')}.`);
    process.exit(2);
  }
  console.log(`\n=== bench:${name}`);
  const run = spawnSync('npm', ['run', '--silent', `bench:${name}`], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
