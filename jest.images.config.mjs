// `npm run images:test`: the container images (built first by scripts/images/build.sh), run with podman.
import { common } from './jest.config.mjs';

export default {
  testTimeout: 300_000,
  maxWorkers: 1,
  projects: [{ ...common, displayName: 'images', testMatch: ['<rootDir>/test/images/**/*.images-spec.ts'] }],
};
