// Worker entry used when running from TypeScript sources (tests, tools): installs the TypeScript
// loader hooks in this thread, then runs the real worker module. Builds use the compiled .js.
import { register } from 'node:module';

register('../../../inference/src/pipeline/ts-hooks.mjs', import.meta.url);
await import('./artifact-inspector.worker.ts');
