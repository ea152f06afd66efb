// `npm start [api|worker]`: build if needed, then launch through the operator CLI. npm runs this
// through `sh -c "exec node …"`, so the signals npm forwards (SIGTERM, SIGINT) reach the launcher
// itself, which stops the API, the worker and the embedded services before exiting.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';

const root = new URL('..', import.meta.url).pathname;

// Until the launcher's logger exists, the build step speaks the same JSON lines (pretty on a terminal).
const format = process.env.LOG_FORMAT || (process.env.LOG_PRETTY === 'true' ? 'pretty' : 'auto');
const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY);
const levels = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const threshold = levels[process.env.LOG_LEVEL] ?? levels.info;
function log(level, msg) {
  if (levels[level] < threshold) return;
  const line = {
    level: levels[level],
    time: Date.now(),
    pid: process.pid,
    hostname: hostname(),
    name: 'launcher',
    msg,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const build = spawnSync(process.execPath, [`${root}scripts/ensure-build.mjs`], {
  stdio: pretty ? 'inherit' : 'pipe',
  encoding: 'utf8',
});
if (!pretty) {
  for (const line of `${build.stdout ?? ''}${build.stderr ?? ''}`.split('\n').filter(Boolean)) {
    log(build.status === 0 ? 'info' : 'error', line);
  }
}
if (build.status !== 0) process.exit(build.status ?? 1);
await import(`${root}dist/src/cli/main.js`);
