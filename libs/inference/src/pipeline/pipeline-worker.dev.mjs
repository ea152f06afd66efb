// Worker entry used when the engine runs from TypeScript sources: installs the TypeScript hooks in
// this thread, then loads the real worker module.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
const loaded = import('./pipeline.worker.ts');

export default async function handleTask(task) {
  return (await loaded).default(task);
}
