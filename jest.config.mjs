import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
/** package.json `imports` (#libs/…) mapped to their TypeScript sources. */
const subpathImports = Object.fromEntries(
  Object.entries(pkg.imports).map(([key, target]) => [
    `^${key.replace('*', '(.*)')}$`,
    `<rootDir>/${target.types.slice(2).replace('*', '$1')}`,
  ]),
);

const swc = JSON.parse(readFileSync(new URL('./.swcrc.json', import.meta.url), 'utf8'));
delete swc.$schema;

/** Shared by every project: ESM TypeScript through swc, `.js` import suffixes mapped to sources. */
export const common = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }],
    // light-my-request (Fastify's inject) requires the ESM-only `cookie`; Jest on Node 20 cannot
    // require ESM, so that one package is compiled to CommonJS for tests.
    '/node_modules/cookie/.+\\.js$': ['@swc/jest', { swcrc: false, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!cookie/)'],
  moduleNameMapper: {
    ...subpathImports,
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // @fastify/static (CommonJS) requires an ESM-only content-disposition; Jest on Node 20 cannot
    // require ESM, so tests use the API-identical CommonJS release.
    '^content-disposition$': 'content-disposition-cjs',
  },
  testEnvironment: '<rootDir>/test/support/node-realm-environment.mjs',
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

export default {
  // A hang guard, not a speed check: two cores run heavy suites (watermark, 100k-event export) side by side.
  testTimeout: 180_000,
  maxWorkers: process.env.JEST_MAX_WORKERS ?? 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,src}/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,src,test}/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
