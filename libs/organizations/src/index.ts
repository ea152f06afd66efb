/**
 * Organizations (tenants) and who belongs to them.
 *
 * - {@link OrganizationService}: create (seeds the built-in roles, creator becomes admin),
 *   listMine, get, update settings (allowed IP ranges, MFA-required roles, quotas, retention).
 * - {@link MembershipService}: list/get/add (existing user or invitation)/update/remove members,
 *   acceptInvitation; last-admin and escalation rules.
 * - {@link InvitationService}: invitation tokens (mailed or handed back), list/revoke/resend, and
 *   registration of invitees without an account.
 * - {@link RoleService}: list/get/create/update/delete roles (a role is data: a permission set).
 * - {@link ProjectService}: projects and their member lists with a per-project role.
 *
 * Every method takes the RequestContext first, scoped to the organization (`ctx.organizationId`),
 * checks the caller's rights with the PolicyService, and bumps the policy version on changes.
 */
export * from './invitation.entity.js';
export * from './invitation.service.js';
export * from './membership.entity.js';
export * from './membership.service.js';
export * from './organization.entity.js';
export * from './organization.service.js';
export * from './organizations.module.js';
export * from './project.entity.js';
export * from './project.service.js';
export * from './role.entity.js';
export * from './role.service.js';
