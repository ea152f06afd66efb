import { createMongoAbility, type MongoQuery, type RawRuleOf } from '@casl/ability';
import { MODEL_GRANT_ACTIONS, type ModelGrantAction, type Permission } from '#libs/common';
import { contextHolds, hasContextConditions, type PolicyConditions, type RequestFacts } from './abac.js';
import { PERMISSION_CHECK, type Action, type AppAbility, type SubjectType } from './subjects.js';

/** Who a policy applies to. `all` means every member; the `except` lists then carve out. */
export interface PolicyPrincipals {
  all?: boolean;
  roles?: string[];
  users?: string[];
  projects?: string[];
  exceptRoles?: string[];
  exceptUsers?: string[];
}

export interface ProfileRole {
  id: string;
  name: string;
  permissions: Permission[];
}

export interface ProfileGrant {
  id: string;
  modelId: string;
  actions: ModelGrantAction[];
  conditions: PolicyConditions;
  expiresAt: Date | null;
}

export interface ProfilePolicy {
  id: string;
  name: string;
  effect: 'allow' | 'deny';
  /** Permissions, or `subject:*` for every permission of a subject. */
  actions: string[];
  principals: PolicyPrincipals;
  conditions: PolicyConditions;
}

/**
 * Everything the database says about one user in one organization: what the ability is built
 * from. Cached per (user, organization, policy version); request facts are applied on top.
 */
export interface PrincipalProfile {
  userId: string;
  organizationId: string;
  organization: { allowedIpRanges: string[]; mfaRequiredRoles: string[] };
  membership: { role: ProfileRole; expiresAt: Date | null } | null;
  projects: { projectId: string; role: ProfileRole }[];
  /** Grants whose principal is this user, their organization role or one of their projects. */
  grants: ProfileGrant[];
  /** Every enabled policy of the organization (principal matching happens at build time). */
  policies: ProfilePolicy[];
}

/** Limits of an API key: a subset of permissions and optionally one project. */
export interface KeyScope {
  permissions: string[];
  projectId?: string | null;
}

/** Where a rule came from, for `explain`. */
export interface RuleSource {
  kind: 'membership' | 'role' | 'project-role' | 'grant' | 'policy';
  id: string;
  name?: string;
}

type Rule = RawRuleOf<AppAbility>;
const MODEL_SUBJECTS: SubjectType[] = ['Model', 'ModelVersion'];
const PERMISSION_LIST = Object.keys(PERMISSION_CHECK) as Permission[];

/** The `subject:action` permissions a policy action pattern stands for. */
export function expandPolicyActions(actions: readonly string[]): Permission[] {
  const out = new Set<Permission>();
  for (const a of actions) {
    if (a === '*') {
      for (const p of PERMISSION_LIST) out.add(p);
    } else if (a.endsWith(':*')) {
      const prefix = a.slice(0, -1);
      for (const p of PERMISSION_LIST) if (p.startsWith(prefix)) out.add(p);
    } else if (a in PERMISSION_CHECK) {
      out.add(a as Permission);
    }
  }
  return [...out];
}

function principalMatches(p: PolicyPrincipals, profile: PrincipalProfile): boolean {
  const roleId = profile.membership?.role.id;
  if (p.exceptUsers?.includes(profile.userId)) return false;
  if (roleId && p.exceptRoles?.includes(roleId)) return false;
  if (p.all) return true;
  if (p.users?.includes(profile.userId)) return true;
  if (roleId && p.roles?.includes(roleId)) return true;
  return profile.projects.some((m) => p.projects?.includes(m.projectId));
}

/** CASL conditions on model rows for a policy's resource part, for the given subject. */
function resourceQuery(c: PolicyConditions, subject: SubjectType): MongoQuery {
  const q: Record<string, unknown> = {};
  if (c.modelIds) q[subject === 'ModelVersion' ? 'modelId' : 'id'] = { $in: c.modelIds };
  if (c.projectIds) q.projectId = { $in: c.projectIds };
  if (c.stages) q.stage = { $in: c.stages };
  if (c.labels) q.labels = { $in: c.labels };
  return q as MongoQuery;
}

/** The single-subject rules a permission gives, within `scope` (org-wide conditions on models/jobs). */
function permissionRules(
  permission: Permission,
  ctx: { organizationId: string; userId: string; modelScope: MongoQuery[]; memberProjects: string[] },
  reason: string,
): Rule[] {
  const org = { organizationId: ctx.organizationId };
  const [prefix, verb] = permission.split(':') as [string, string];
  const rule = (action: Action, subject: SubjectType, conditions?: MongoQuery): Rule => ({
    action,
    subject,
    // An organization row is matched by its own id.
    conditions: (subject === 'Organization'
      ? { id: ctx.organizationId }
      : { ...org, ...(conditions as object) }) as MongoQuery,
    reason,
  });
  switch (prefix) {
    case 'model':
      return MODEL_SUBJECTS.flatMap((s) => ctx.modelScope.map((scope) => rule(verb as Action, s, scope)));
    case 'job':
      if (permission === 'job:create') return [rule('create', 'Job'), rule('cancel', 'Job', { ownerId: ctx.userId })];
      if (permission === 'job:read-all') return [rule('read-all', 'Job'), rule('read', 'Job'), rule('cancel', 'Job')];
      return [
        rule('read', 'Job', { ownerId: ctx.userId }),
        ...(ctx.memberProjects.length ? [rule('read', 'Job', { projectId: { $in: ctx.memberProjects } })] : []),
      ];
    case 'audit':
      return [rule(verb === 'export' ? 'export' : 'read', 'AuditEvent')];
    case 'user':
      return [rule('manage', 'Member')];
    case 'role':
      return [rule('manage', 'Role')];
    case 'policy':
      return [rule('manage', 'Policy')];
    case 'project':
      return [rule('manage', 'Project')];
    case 'apikey':
      return [rule('manage', 'ApiKey')];
    case 'org':
      return [rule('manage', 'Organization')];
    default:
      return [];
  }
}

export interface BuiltAbility {
  ability: AppAbility;
  /** Source of each rule, by its `reason` key. */
  sources: Map<string, RuleSource>;
  /** Grants and policies left out because the request did not meet their context conditions. */
  skipped: RuleSource[];
  /**
   * Project roles left out because the organization requires MFA for their role and the session
   * has none: a refusal may then be answered `mfa_required` rather than as a plain denial.
   */
  mfaWithheld?: RuleSource[];
}

export interface BuildOptions {
  /**
   * `merged` (the default): the grants' models of one action and subject share one rule, with the
   * model ids as `$in`, and a project role adds no rule for what the organization role already
   * gives, so a decision reads few rules whatever the number of grants. `per-grant`: one rule per
   * grant and per project-role permission, so `explain` can name the source that decided.
   * Decisions are the same either way.
   */
  grantRules?: 'merged' | 'per-grant';
}

/** Whether a signed-in user's project role is withheld from a session without a second factor. */
function projectRoleNeedsMfa(profile: PrincipalProfile, role: ProfileRole, facts: RequestFacts, scope?: KeyScope) {
  // API keys are exempt as at the organization gate: MFA is a property of interactive sessions.
  return !scope && !facts.mfa && profile.organization.mfaRequiredRoles.includes(role.name);
}

/**
 * The key under which an ability built for these facts can be cached: the truth value of every
 * context condition the profile reads (plus grant expiries), so requests that agree share it.
 */
export function contextKey(profile: PrincipalProfile, facts: RequestFacts, scope?: KeyScope): string {
  let bits = '';
  for (const g of profile.grants) {
    bits +=
      g.expiresAt && g.expiresAt <= facts.now
        ? 'x'
        : hasContextConditions(g.conditions)
          ? contextHolds(g.conditions, facts)
            ? '1'
            : '0'
          : '-';
  }
  bits += '|';
  for (const p of profile.policies) {
    bits += hasContextConditions(p.conditions) ? (contextHolds(p.conditions, facts, p.effect) ? '1' : '0') : '-';
  }
  if (profile.membership?.expiresAt && profile.membership.expiresAt <= facts.now) bits += '|expired';
  if (profile.projects.some((p) => profile.organization.mfaRequiredRoles.includes(p.role.name))) {
    bits += facts.mfa ? '|mfa' : '|no-mfa';
  }
  if (scope) bits += `|key:${scope.projectId ?? ''}:${[...scope.permissions].sort().join(',')}`;
  return bits;
}

/**
 * Builds a principal's ability in an organization from role permissions (organization-wide and
 * per project), per-model grants, ABAC policies and the request facts. Allow rules come first and
 * every deny rule after them, so a matching deny wins whatever the order policies were written in.
 * An API key scope keeps only the permissions it lists and, with a project, only that project's
 * models and jobs; deny policies apply to keys as to anyone. Grants of one action share one rule
 * (see {@link BuildOptions}); decisions are the same either way.
 */
export function buildAbility(
  profile: PrincipalProfile,
  facts: RequestFacts,
  scope?: KeyScope,
  options: BuildOptions = {},
): BuiltAbility {
  const sources = new Map<string, RuleSource>();
  const skipped: RuleSource[] = [];
  const mfaWithheld: RuleSource[] = [];
  const allow: Rule[] = [];
  const deny: Rule[] = [];
  const membership = profile.membership;
  if (!membership || (membership.expiresAt && membership.expiresAt <= facts.now)) {
    return { ability: createMongoAbility<AppAbility>([]), sources, skipped };
  }
  const inScope = (p: Permission) => !scope || scope.permissions.includes(p);
  const org = profile.organizationId;
  const memberProjects = profile.projects.map((p) => p.projectId);
  const orgPermissions = new Set(membership.role.permissions);
  const perSource = options.grantRules === 'per-grant';

  // Organization-wide models, plus those of one's projects (all projects for project managers).
  const keyProject = scope?.projectId ?? undefined;
  const orgModelScope: MongoQuery[] = keyProject
    ? [{ projectId: keyProject }]
    : orgPermissions.has('project:manage')
      ? [{}]
      : [{ projectId: null }, ...(memberProjects.length ? [{ projectId: { $in: memberProjects } }] : [])];

  sources.set('membership', { kind: 'membership', id: membership.role.id, name: membership.role.name });
  const base = (action: Action, subject: SubjectType, conditions: MongoQuery): Rule => ({
    action,
    subject,
    conditions: { organizationId: org, ...(conditions as object) } as MongoQuery,
    reason: 'membership',
  });
  if (!keyProject) {
    // Every member may see the organization, its roles and members, and the projects they belong to.
    allow.push({ action: 'read', subject: 'Organization', conditions: { id: org }, reason: 'membership' });
    allow.push(base('read', 'Role', {}), base('read', 'Member', {}));
    if (memberProjects.length) allow.push(base('read', 'Project', { id: { $in: memberProjects } }));
  }

  const roleReason = `role:${membership.role.id}`;
  sources.set(roleReason, { kind: 'role', id: membership.role.id, name: membership.role.name });
  for (const permission of membership.role.permissions) {
    if (!inScope(permission)) continue;
    allow.push(
      ...permissionRules(
        permission,
        { organizationId: org, userId: profile.userId, modelScope: orgModelScope, memberProjects },
        roleReason,
      ),
    );
  }

  for (const { projectId, role } of profile.projects) {
    if (keyProject && keyProject !== projectId) continue;
    const reason = `project-role:${projectId}:${role.id}`;
    const source: RuleSource = { kind: 'project-role', id: role.id, name: `${role.name} in project ${projectId}` };
    // The organization's mfaRequiredRoles cover a role held in a project as well as one held outright.
    if (projectRoleNeedsMfa(profile, role, facts, scope)) {
      skipped.push(source);
      mfaWithheld.push(source);
      continue;
    }
    sources.set(reason, source);
    for (const permission of role.permissions) {
      // A project role reaches only the project's models and jobs.
      if (!inScope(permission) || !(permission.startsWith('model:') || permission.startsWith('job:'))) continue;
      // What the organization role already gives reaches this project too: no second rule to read.
      if (!perSource && orgPermissions.has(permission)) continue;
      allow.push(
        ...permissionRules(
          permission,
          { organizationId: org, userId: profile.userId, modelScope: [{ projectId }], memberProjects: [projectId] },
          reason,
        ),
      );
    }
  }

  // Grants: the models granted one action under the same resource conditions share one rule, with
  // the model ids as `$in` (as the SQL filter writes them); `explain` asks for one rule per grant
  // to name the grant that decided.
  const merged = new Map<
    string,
    { verb: Action; conditions: PolicyConditions; models: Set<string>; grants: string[] }
  >();
  for (const grant of profile.grants) {
    if (grant.expiresAt && grant.expiresAt <= facts.now) continue;
    if (!contextHolds(grant.conditions, facts)) {
      skipped.push({ kind: 'grant', id: grant.id });
      continue;
    }
    const reason = `grant:${grant.id}`;
    if (perSource) sources.set(reason, { kind: 'grant', id: grant.id });
    const { stages, labels, projectIds } = grant.conditions;
    const resourceKey = stages || labels || projectIds ? JSON.stringify([stages, labels, projectIds]) : '';
    for (const action of grant.actions) {
      const permission = MODEL_GRANT_ACTIONS[action];
      if (!permission || !inScope(permission)) continue;
      const verb = permission.slice(permission.indexOf(':') + 1) as Action;
      if (perSource) {
        allow.push(...grantRules(verb, grant.conditions, org, keyProject, grant.modelId, reason));
        continue;
      }
      const key = `${verb}|${resourceKey}`;
      const group = merged.get(key);
      if (group) {
        group.models.add(grant.modelId);
        group.grants.push(grant.id);
      } else {
        merged.set(key, { verb, conditions: grant.conditions, models: new Set([grant.modelId]), grants: [grant.id] });
      }
    }
  }
  let merges = 0;
  for (const { verb, conditions, models, grants } of merged.values()) {
    // The rule names its first grant; `explain` (one rule per grant) names the one that decided.
    const reason = grants.length === 1 ? `grant:${grants[0]}` : `grants:${merges++}`;
    sources.set(reason, {
      kind: 'grant',
      id: grants[0],
      ...(grants.length > 1 ? { name: `${grants.length} grants` } : {}),
    });
    const ids = models.size === 1 ? models.values().next().value! : { $in: [...models] };
    allow.push(...grantRules(verb, conditions, org, keyProject, ids, reason));
  }

  for (const policy of profile.policies) {
    if (!principalMatches(policy.principals, profile)) continue;
    const source: RuleSource = { kind: 'policy', id: policy.id, name: policy.name };
    if (!contextHolds(policy.conditions, facts, policy.effect)) {
      skipped.push(source);
      continue;
    }
    const reason = `policy:${policy.id}`;
    sources.set(reason, source);
    for (const permission of expandPolicyActions(policy.actions)) {
      if (policy.effect === 'allow' && !inScope(permission)) continue;
      const rules = policyRules(policy.effect, permission, policy.conditions, org, profile.userId, keyProject, reason);
      if (policy.effect === 'allow') allow.push(...rules);
      else deny.push(...rules.map(unconditionalWhenOnlyOrganization));
    }
  }

  return {
    ability: createMongoAbility<AppAbility>([...allow, ...deny]),
    sources,
    skipped,
    ...(mfaWithheld.length ? { mfaWithheld } : {}),
  };
}

/** The Model and ModelVersion rules of a grant (or of grants merged) for `verb` on `models`. */
function grantRules(
  verb: Action,
  conditions: PolicyConditions,
  organizationId: string,
  keyProject: string | undefined,
  models: string | { $in: string[] },
  reason: string,
): Rule[] {
  return MODEL_SUBJECTS.map((subject) => {
    const idField = subject === 'ModelVersion' ? 'modelId' : 'id';
    return {
      action: verb,
      subject,
      conditions: {
        organizationId,
        ...(resourceQuery(conditions, subject) as object),
        [idField]: models,
        ...(keyProject ? { projectId: keyProject } : {}),
      } as MongoQuery,
      reason,
    };
  });
}

/**
 * A deny rule that only names the organization applies to everything this ability covers (it is
 * built for one organization); dropping the condition makes route-level checks see it too.
 */
function unconditionalWhenOnlyOrganization(rule: Rule): Rule {
  const keys = Object.keys((rule.conditions as object | undefined) ?? {});
  const onlyOrg = keys.every((k) => k === 'organizationId' || (k === 'id' && rule.subject === 'Organization'));
  return onlyOrg
    ? { action: rule.action, subject: rule.subject, inverted: true, reason: rule.reason }
    : { ...rule, inverted: true };
}

function policyRules(
  effect: 'allow' | 'deny',
  permission: Permission,
  conditions: PolicyConditions,
  organizationId: string,
  userId: string,
  keyProject: string | undefined,
  reason: string,
): Rule[] {
  const hasResource = !!(conditions.modelIds || conditions.projectIds || conditions.stages || conditions.labels);
  if (permission.startsWith('model:')) {
    const verb = permission.split(':')[1] as Action;
    return MODEL_SUBJECTS.map((subject) => ({
      action: verb,
      subject,
      conditions: {
        organizationId,
        ...(resourceQuery(conditions, subject) as object),
        ...(keyProject ? { projectId: keyProject } : {}),
      } as MongoQuery,
      reason,
    }));
  }
  // Model attributes describe models only: on other subjects a policy with them is inert,
  // except a project list, which also bounds jobs.
  const onlyProjects = !!conditions.projectIds && !conditions.modelIds && !conditions.stages && !conditions.labels;
  if (hasResource && !(onlyProjects && permission.startsWith('job:'))) return [];
  const rules =
    effect === 'allow'
      ? permissionRules(permission, { organizationId, userId, modelScope: [{}], memberProjects: [] }, reason)
      : [{ ...PERMISSION_CHECK[permission], conditions: { organizationId } as MongoQuery, reason }].map((r) =>
          r.subject === 'Organization' ? { ...r, conditions: { id: organizationId } as MongoQuery } : r,
        );
  if (!conditions.projectIds) return rules;
  return rules.map((r) => ({
    ...r,
    conditions: { ...(r.conditions as object), projectId: { $in: conditions.projectIds } } as MongoQuery,
  }));
}
