import type { ForcedSubject, MongoAbility, MongoQuery } from '@casl/ability';
import type { Permission } from '#libs/common';

/** The kinds of resources rules are written about. */
export const SUBJECT_TYPES = [
  'Model',
  'ModelVersion',
  'Job',
  'Project',
  'Role',
  'Member',
  'Policy',
  'ApiKey',
  'AuditEvent',
  'Organization',
] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** Actions rules speak of. `manage` stands for every action on its subject (CASL convention). */
export const ACTIONS = [
  'read',
  'create',
  'edit',
  'delete',
  'infer',
  'test',
  'export',
  'grant',
  'cancel',
  'read-all',
  'manage',
] as const;
export type Action = (typeof ACTIONS)[number];

/** A CASL ability over fusiongate's subjects, with MongoDB-style conditions on row attributes. */
export type AppAbility = MongoAbility<[Action, SubjectType | ForcedSubject<SubjectType>], MongoQuery>;

/**
 * What a route-level `@RequirePermission(p)` asks of the ability: may this principal ever do
 * `action` on `subject` (whatever the row)?
 */
export const PERMISSION_CHECK: Record<Permission, { action: Action; subject: SubjectType }> = {
  'model:read': { action: 'read', subject: 'Model' },
  'model:create': { action: 'create', subject: 'Model' },
  'model:edit': { action: 'edit', subject: 'Model' },
  'model:delete': { action: 'delete', subject: 'Model' },
  'model:infer': { action: 'infer', subject: 'Model' },
  'model:test': { action: 'test', subject: 'Model' },
  'model:export': { action: 'export', subject: 'Model' },
  'model:grant': { action: 'grant', subject: 'Model' },
  'job:create': { action: 'create', subject: 'Job' },
  'job:read': { action: 'read', subject: 'Job' },
  'job:read-all': { action: 'read-all', subject: 'Job' },
  'user:manage': { action: 'manage', subject: 'Member' },
  'role:manage': { action: 'manage', subject: 'Role' },
  'policy:manage': { action: 'manage', subject: 'Policy' },
  'project:manage': { action: 'manage', subject: 'Project' },
  'apikey:manage': { action: 'manage', subject: 'ApiKey' },
  'audit:read': { action: 'read', subject: 'AuditEvent' },
  'audit:export': { action: 'export', subject: 'AuditEvent' },
  'org:manage': { action: 'manage', subject: 'Organization' },
};

/** The permission a 403 names when `action` on `subject` is refused. */
export function permissionFor(action: Action, subject: SubjectType): Permission | string {
  switch (subject) {
    case 'Model':
    case 'ModelVersion':
      return action === 'manage' || action === 'cancel' || action === 'read-all' ? 'model:edit' : `model:${action}`;
    case 'Job':
      if (action === 'read') return 'job:read';
      if (action === 'read-all') return 'job:read-all';
      return 'job:create';
    case 'AuditEvent':
      return action === 'export' ? 'audit:export' : 'audit:read';
    case 'Member':
      return 'user:manage';
    case 'Role':
      return 'role:manage';
    case 'Policy':
      return 'policy:manage';
    case 'Project':
      return 'project:manage';
    case 'ApiKey':
      return 'apikey:manage';
    case 'Organization':
      return 'org:manage';
  }
}

/** Code of the 404 raised for a subject the caller may not even view, e.g. `model_not_found`. */
export function notFoundCode(subject: SubjectType): string {
  const snake = subject.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return `${snake === 'member' ? 'member' : snake}_not_found`;
}

/**
 * Row attributes the rules read, per subject. Model rows carry the stage of the version acted on
 * (when there is one) and the model's labels; version rows carry `modelId` too.
 */
export interface ModelRow {
  id: string;
  organizationId: string;
  projectId: string | null;
  ownerId: string | null;
  stage?: string | null;
  labels?: string[];
}
export interface ModelVersionRow extends ModelRow {
  modelId: string;
}
export interface JobRow {
  id: string;
  organizationId: string;
  projectId: string | null;
  ownerId: string;
  modelId?: string;
}
