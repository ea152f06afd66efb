// `npm start [api|worker]`: build if needed, then launch through the operator CLI. npm runs this
// through `sh -c "exec node …"`, so the signals npm forwards (SIGTERM, SIGINT) reach the launcher
// itself, which stops the API, the worker and the embedded services before exiting.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [`${root}scripts/ensure-build.mjs`], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
await import(`${root}dist/src/cli/main.js`);
