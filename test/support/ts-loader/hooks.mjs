// Module hooks that let a worker thread (or `node --import ./test/support/ts-loader/register.mjs`) load
// the project's TypeScript sources directly: tests, benches and tools running from source. Compiled
// builds load the workers' .js files and never use this.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import swc from '@swc/core';

const root = new URL('../../../', import.meta.url);
const { imports } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));

/** package.json `imports` (#libs/…) resolved to TypeScript sources, as tsc and Jest see them. */
function sourceOf(specifier) {
  for (const [key, target] of Object.entries(imports)) {
    const [prefix, suffix = ''] = key.split('*');
    if (!key.includes('*') ? specifier !== key : !specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
    const match = key.includes('*') ? specifier.slice(prefix.length, specifier.length - suffix.length) : '';
    return pathToFileURL(fileURLToPath(new URL(target.types.replace('*', match), root))).href;
  }
  return undefined;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith('#') && context.parentURL?.endsWith('.ts')) {
    const url = sourceOf(specifier);
    if (url) return { url, shortCircuit: true, format: 'module' };
  }
  if (
    specifier.endsWith('.js') &&
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    context.parentURL?.endsWith('.ts')
  ) {
    const candidate = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true, format: 'module' };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const source = readFileSync(fileURLToPath(url), 'utf8');
    const { code } = swc.transformSync(source, {
      filename: fileURLToPath(url),
      sourceMaps: 'inline',
      module: { type: 'es6' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { useDefineForClassFields: false },
      },
    });
    return { format: 'module', source: code, shortCircuit: true };
  }
  return nextLoad(url, context);
}
