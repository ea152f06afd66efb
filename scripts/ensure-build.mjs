// Compiles the project (scripts/build.mjs) when dist/ is missing or older than any source file. The production build
// (tsconfig.build.json: apps, libs, src) is what `npm start`, the CLI and the images run; with
// `--tools` the benchmarks and the model fixtures they use are compiled too (tsconfig.tools.json).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tools = process.argv.includes('--tools');
const project = tools ? 'tsconfig.tools.json' : 'tsconfig.build.json';
const stamp = join(root, 'dist', tools ? '.build-stamp-tools' : '.build-stamp');
const sources = [
  'apps',
  'libs',
  'src',
  ...(tools ? ['bench', 'test/fixtures', 'tsconfig.tools.json'] : []),
  'ormconfig.ts',
  '.swcrc.json',
  'scripts/build.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stat.mtimeMs);
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const latest = Math.max(...sources.map((s) => newest(join(root, s))));
if (latest > built) {
  process.stderr.write(`Building fusiongate (${project})…\n`);
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), ...(tools ? ['--tools'] : [])], {
    stdio: 'inherit',
  });
  writeFileSync(stamp, new Date().toISOString());
}
