/**
 * The policy engine of fusiongate (CASL).
 *
 * - {@link PolicyService} is the decision point:
 *   - `abilityFor(ctx)` → the caller's CASL ability in `ctx.organizationId`, cached per
 *     (principal, organization, policy version) and specialised by the request facts (source IP,
 *     time, MFA). API keys get their creator's ability limited to the key's permissions/project.
 *   - `assertCan(ctx, action, subjectType, row)` → throws NotFoundError (`<subject>_not_found`)
 *     when the row is of another organization or the caller may not even read it, ForbiddenError
 *     with `code` = the missing permission (e.g. `model:export`) when they may read but not act.
 *   - `can(ctx, action, subjectType, row?)` → the same decision as a boolean.
 *   - `accessibleWhere(ctx, action, subjectType, alias, columns?)` → `{ sql, params, brackets }`, a
 *     SQL condition keeping exactly the rows `can()` would allow; use `qb.andWhere(w.brackets)`.
 *     Model rows read columns id, organization_id, project_id, owner_id, labels (text[]) by
 *     default; pass `columns` to map differently (`stage: { column: 'stage' }`, or `null` when absent).
 *   - `explain(ctx, action, subjectType, row?)` → the deciding rule and its source (role, project
 *     role, grant or policy id), every matching rule, and grants/policies not in force.
 *   - `registerLoader(subjectType, loader)` → makes a subject checkable by id in `authz/check`.
 * - Row shapes: Model `{ id, organizationId, projectId, ownerId, stage?, labels? }` (stage of the
 *   version acted on), ModelVersion the same plus `modelId`, Job `{ id, organizationId, projectId,
 *   ownerId }`, Organization `{ id }`, others `{ id, organizationId }`.
 * - Actions: read, create, edit, delete, infer, test, export, grant (models), create/read/cancel
 *   (jobs), manage (members, roles, projects, policies, API keys, organization), read/export (audit).
 * - {@link GrantService} (`list/create/delete(ctx, modelRow, ...)`) manages per-model grants; each
 *   call checks `grant` on the model and nobody grants an action they do not hold.
 * - {@link PolicyVersionService}.bump(ctx, orgId) after a change that alters abilities (after the
 *   transaction commits when ctx is in one): every API instance rebuilds within 500 ms.
 * - {@link PrincipalDirectoryRef}.use(directory): the organizations library supplies who exists
 *   (members, roles, projects, API keys); the policy engine owns `model_grant` and `abac_policy`
 *   and reads no other library's table.
 * - {@link AuthzService}: batch `check` and `explain` behind `/orgs/:orgId/authz/*`.
 * - {@link RouteAuthorizer}: route-level authorization, called by the API's guard after authentication.
 */
export * from './abac.js';
export * from './ability.factory.js';
export type { AbacPolicyEntity } from './abac-policy.entity.js';
export * from './abac-policy.service.js';
export * from './authz.service.js';
export * from './conditions-sql.js';
export * from './grant.service.js';
export type { GrantPrincipalType, ModelGrant } from './model-grant.entity.js';
export * from './route-authorizer.js';
export * from './policies.module.js';
export * from './policy-validation.js';
export * from './policy-version.service.js';
export * from './policy.service.js';
export * from './principal-directory.js';
export * from './subjects.js';
