/**
 * The permission catalogue (`subject:action`). Built-in roles are seeded from BUILT_IN_ROLES per
 * organization and are editable data afterwards.
 */
export const PERMISSIONS = [
  'model:read',
  'model:create',
  'model:edit',
  'model:delete',
  'model:infer',
  'model:test',
  'model:export',
  'model:grant',
  'job:create',
  'job:read',
  'job:read-all',
  'user:manage',
  'role:manage',
  'policy:manage',
  'project:manage',
  'apikey:manage',
  'audit:read',
  'audit:export',
  'org:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);

export const BUILT_IN_ROLES: Record<'admin' | 'developer' | 'tester' | 'guest', readonly Permission[]> = {
  admin: PERMISSIONS,
  developer: ['model:read', 'model:create', 'model:edit', 'model:infer', 'job:create', 'job:read'],
  tester: ['model:read', 'model:test', 'model:infer', 'job:create', 'job:read'],
  guest: ['model:read', 'job:read'],
};

/** Actions a per-model grant may give, and the permission each stands for. */
export const MODEL_GRANT_ACTIONS = {
  view: 'model:read',
  infer: 'model:infer',
  test: 'model:test',
  edit: 'model:edit',
  export: 'model:export',
  delete: 'model:delete',
  grant: 'model:grant',
} as const satisfies Record<string, Permission>;

export type ModelGrantAction = keyof typeof MODEL_GRANT_ACTIONS;
