// Artifact validation worker entry used when running from TypeScript sources (tests, tools): installs the TypeScript
// loader hooks in this thread, then runs the real worker module. Builds use the compiled .js.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
const loaded = import('../../../libs/model-registry/src/artifact/artifact-inspector.worker.ts');

export default async function inspectArtifact(task) {
  return (await loaded).default(task);
}
