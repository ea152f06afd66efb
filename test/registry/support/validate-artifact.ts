import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from '@jest/globals';
import { validateArtifact, type ModelFamily } from '#libs/model-registry';

const limits = { timeoutMs: 20_000, maxHeapMb: 256 };

/**
 * Validates model bytes as an upload would be (written to a file of a temporary folder the suite
 * owns, then `validateArtifact` as `family`). Registers the folder's set-up and clean-up hooks.
 */
export function artifactValidator(): (bytes: Uint8Array, family: ModelFamily) => ReturnType<typeof validateArtifact> {
  let dir: string;
  let counter = 0;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fg-validate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return async (bytes, family) => {
    const path = join(dir, `m${counter++}.onnx`);
    await writeFile(path, bytes);
    return validateArtifact(path, family, limits);
  };
}
