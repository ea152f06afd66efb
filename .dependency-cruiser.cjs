/**
 * fusiongate's module boundaries, checked by `npm run lint` (dependency-cruiser). The graph below
 * is the one allowed between libraries: a library imports only those it lists, always through
 * their entry point (`#libs/<name>`, or a narrow entry a worker thread may load without Nest).
 * README's "Layout" section draws the same graph.
 */
const LIBS = {
  config: [],
  common: [],
  mail: ['config'],
  storage: ['config'],
  media: ['config'],
  database: ['common', 'config'],
  inference: ['common'],
  audit: ['common', 'config', 'database'],
  policies: ['audit', 'common', 'database'],
  auth: ['audit', 'common', 'config', 'database', 'mail'],
  organizations: ['audit', 'auth', 'common', 'config', 'database', 'mail', 'policies'],
  'model-registry': ['audit', 'common', 'config', 'database', 'organizations', 'policies', 'storage'],
  sso: ['audit', 'auth', 'common', 'config', 'database', 'organizations', 'policies'],
  jobs: [
    'audit',
    'auth',
    'common',
    'config',
    'database',
    'inference',
    'media',
    'model-registry',
    'organizations',
    'policies',
    'storage',
  ],
};
/** Files of a library that other code may import besides its index (worker threads load these without Nest). */
const NARROW_ENTRIES = [
  'libs/common/src/model-vocabulary\\.ts',
  'libs/common/src/logging\\.ts',
  'libs/common/src/tracing\\.ts',
];
const TESTS = '\\.(spec|int-spec|e2e-spec|images-spec)\\.ts$';
const ENTRY = `^libs/[^/]+/src/index\\.ts$|^(${NARROW_ENTRIES.join('|')})$`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle between modules makes load order matter (Nest decorators read classes at load time); a lazy import() is loaded later and does not count.',
      from: { pathNot: TESTS },
      to: {
        circular: true,
        dependencyTypesNot: ['type-only', 'type-import', 'dynamic-import'],
        viaOnly: { dependencyTypesNot: ['type-only', 'type-import', 'dynamic-import'] },
      },
    },
    {
      name: 'apps-are-separate',
      severity: 'error',
      comment: 'The API and the worker are separate processes; what both need lives in a library.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'libs-do-not-import-apps-or-tools',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|bench|src)/' },
    },
    {
      name: 'production-code-does-not-import-tests',
      severity: 'error',
      from: { path: '^(apps|libs|src)/', pathNot: TESTS },
      to: { path: '^test/' },
    },
    {
      name: 'libraries-through-their-entry-points',
      severity: 'error',
      comment: "Another library is imported through '#libs/<name>' (its index), never a file inside it.",
      from: { path: '^(apps|src|libs/([^/]+))/', pathNot: TESTS },
      to: { path: '^libs/([^/]+)/src/', pathNot: [ENTRY, '^libs/$2/'] },
    },
    ...Object.entries(LIBS).map(([lib, allowed]) => ({
      name: `lib-${lib}-layers`,
      severity: 'error',
      comment: `libs/${lib} may use only: ${allowed.join(', ') || 'no other library'}.`,
      from: { path: `^libs/${lib}/`, pathNot: TESTS },
      to: { path: '^libs/([^/]+)/', pathNot: `^libs/(${[lib, ...allowed].join('|')})/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|clients)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['types', 'import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
