// Inference worker entry used when the engine runs from TypeScript sources (tests, tools): installs
// the TypeScript hooks in this thread, then loads the real worker module. Builds use the compiled .js.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
const loaded = import('../../../libs/inference/src/pipeline/pipeline.worker.ts');

export default async function handleTask(task) {
  return (await loaded).default(task);
}
