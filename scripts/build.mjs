// `npm run build` (or `npm run build:tools`, which adds `--tools`): compiles the TypeScript sources named by
// tsconfig.build.json (or tsconfig.tools.json) into dist/ with swc, one file at a time, in the layout
// tsc would write (dist/<path>.js and its .js.map). Types are not checked here: `npm run lint` runs
// `tsc --noEmit` over the whole project. Decorators are compiled as TypeScript's legacy decorators
// with their design-time metadata (.swcrc.json, shared with the tests), which NestJS's injection needs.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import swc from '@swc/core';

const root = new URL('..', import.meta.url).pathname;
const project = process.argv.includes('--tools') ? 'tsconfig.tools.json' : 'tsconfig.build.json';
// `--out-dir <dir>` writes elsewhere than dist/ (the start-up benchmark times a build that way).
const outIndex = process.argv.indexOf('--out-dir');
const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, 'dist');

/** `include` and `exclude` of a tsconfig, following `extends` (the nearest file that sets them wins). */
async function sourcesOf(file) {
  const config = JSON.parse(await readFile(join(root, file), 'utf8'));
  const parent = config.extends ? await sourcesOf(config.extends) : { include: [], exclude: [] };
  return { include: config.include ?? parent.include, exclude: config.exclude ?? parent.exclude };
}

/** A tsconfig exclude entry as a test on a path relative to the root (`**∕*.spec.ts` or a folder). */
function excluder(pattern) {
  if (pattern.startsWith('**/*')) {
    const suffix = pattern.slice(4);
    return (path) => path.endsWith(suffix);
  }
  return (path) => path === pattern || path.startsWith(`${pattern}/`);
}

async function walk(path, found) {
  const entries = await readdir(join(root, path), { withFileTypes: true }).catch((error) => {
    if (error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!entries) {
    found.push(path);
    return;
  }
  await Promise.all(entries.map((entry) => walk(join(path, entry.name), found)));
}

const { include, exclude } = await sourcesOf(project);
const excluded = exclude.map(excluder);
const found = [];
await Promise.all(include.map((path) => walk(path, found)));
const files = found.filter(
  (path) => path.endsWith('.ts') && !path.endsWith('.d.ts') && !excluded.some((test) => test(path)),
);

const swcrc = JSON.parse(await readFile(join(root, '.swcrc.json'), 'utf8'));
delete swcrc.$schema;

const started = performance.now();
await Promise.all(
  files.map(async (file) => {
    const out = join(outDir, file.replace(/\.ts$/, '.js'));
    const name = out.slice(dirname(out).length + 1);
    const { code, map } = await swc.transform(await readFile(join(root, file), 'utf8'), {
      ...swcrc,
      swcrc: false,
      configFile: false,
      filename: join(root, file),
      sourceFileName: relative(dirname(out), join(root, file)),
      outputPath: out,
      sourceMaps: true,
      inlineSourcesContent: false,
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${code.trimEnd()}\n//# sourceMappingURL=${name}.map\n`);
    await writeFile(`${out}.map`, map);
  }),
);
process.stderr.write(
  `Compiled ${files.length} files of ${project} with swc in ${Math.round(performance.now() - started)} ms.\n`,
);
