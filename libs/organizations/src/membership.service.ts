import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit';
import type { AuditAction } from '#libs/audit';
import { ConflictError, NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import { keysetPage, type Page, type PageQuery } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { Transactions } from '#libs/database';
import { PolicyService } from '#libs/policies';
import { PolicyVersionService } from '#libs/policies';
import {
  hashInvitationToken,
  InvitationService,
  type IssuedInvitation,
  type RequiredAction,
} from './invitation.service.js';
import { MembershipEntity } from './membership.entity.js';
import { findRole } from './role.service.js';
import { RoleEntity } from './role.entity.js';

export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  role: { id: string; name: string };
  expiresAt: Date | null;
  createdAt: Date;
}

export type AddMemberResult = { status: 'added'; member: MemberView } | ({ status: 'invited' } & IssuedInvitation);

/**
 * Runs inside the transaction that ends a membership, so what it does commits or rolls back with
 * the removal (e.g. revoking the API keys the member created in the organization).
 */
export type MembershipEndedHandler = (ctx: RequestContext, organizationId: string, userId: string) => Promise<void>;

const notMember = () => new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });

/**
 * Memberships and invitations. Changes take effect on the member's next request (the policy
 * version moves). Nobody assigns a role stronger than their own, nor changes the role of someone
 * stronger; the last admin can be neither removed nor demoted.
 */
@Injectable()
export class MembershipService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    private readonly invitations: InvitationService,
    @Optional() private readonly audit?: AuditService,
  ) {}

  private readonly endedHandlers: MembershipEndedHandler[] = [];

  /**
   * Registers work to do when a membership ends. Identity registers API key revocation here (from
   * the app that composes both libs), as this lib does not own the keys.
   */
  onMembershipEnded(handler: MembershipEndedHandler): void {
    this.endedHandlers.push(handler);
  }

  async list(ctx: RequestContext, query: PageQuery): Promise<Page<MemberView>> {
    const where = await this.policies.accessibleWhere(ctx, 'read', 'Member', 'm');
    const qb = this.transactions
      .manager(ctx)
      .createQueryBuilder()
      .select([
        'm.user_id AS user_id',
        'u.email AS email',
        'u.display_name AS display_name',
        'r.id AS role_id',
        'r.name AS role_name',
      ])
      .addSelect(['m.expires_at AS expires_at', 'm.created_at AS created_at'])
      .from(MembershipEntity, 'm')
      .innerJoin('user_account', 'u', 'u.id = m.user_id')
      .innerJoin(RoleEntity, 'r', 'r.id = m.role_id')
      .where('m.organization_id = :org', { org: ctx.organizationId })
      .andWhere(where.brackets);
    const page = await keysetPage<RawMember>(
      qb,
      [
        { column: 'u.email', direction: 'ASC', kind: 'string', value: (r) => r.email },
        { column: 'm.user_id', direction: 'ASC', kind: 'uuid', value: (r) => r.user_id },
      ],
      query,
      (q) => q.getRawMany<RawMember>(),
    );
    return { items: page.items.map(toMemberView), nextCursor: page.nextCursor };
  }

  async get(ctx: RequestContext, userId: string): Promise<MemberView> {
    if (!isUuid(userId)) throw notMember();
    const [row] = (await this.transactions.manager(ctx).query(MEMBER_SQL, [ctx.organizationId, userId])) as RawMember[];
    if (!row) throw notMember();
    await this.policies.assertCan(ctx, 'read', 'Member', { organizationId: ctx.organizationId, userId });
    return toMemberView(row);
  }

  /**
   * Adds an existing user by email, or invites the email (mailed when SMTP is configured, otherwise
   * the token is returned once; stored hashed). Only `user:manage` holders reach this, so telling
   * the two outcomes apart reveals nothing to outsiders.
   */
  async add(
    ctx: RequestContext,
    input: { email: string; role: string; expiresAt?: Date | null },
  ): Promise<AddMemberResult> {
    await this.policies.assertMay(ctx, 'create', 'Member');
    const organizationId = ctx.organizationId!;
    const outcome = await this.transactions.run(ctx, async (ctx, manager) => {
      const role = await findRole(manager, organizationId, input.role);
      await this.policies.assertHoldsAll(ctx, role.permissions);
      const [user] = (await manager.query(`SELECT id FROM user_account WHERE lower(email) = lower($1)`, [
        input.email,
      ])) as { id: string }[];
      if (user) {
        const inserted = (await manager.query(
          `INSERT INTO membership (organization_id, user_id, role_id, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (organization_id, user_id) DO NOTHING RETURNING id`,
          [organizationId, user.id, role.id, input.expiresAt ?? null],
        )) as unknown[];
        if (!inserted.length)
          throw new ConflictError({ code: 'member_exists', detail: 'This user is already a member.' });
        await this.audit?.record(ctx, {
          action: 'member.added',
          resourceType: 'member',
          resourceId: user.id,
          details: { role: role.name },
        });
        await this.versions.bump(ctx, organizationId);
        const [row] = (await manager.query(MEMBER_SQL, [organizationId, user.id])) as RawMember[];
        return { status: 'added' as const, member: toMemberView(row) };
      }
      const created = await this.invitations.createIn(ctx, manager, { email: input.email, role });
      return { status: 'invited' as const, created, role };
    });
    if (outcome.status === 'added') return outcome;
    return { status: 'invited', ...(await this.invitations.deliver(ctx, outcome.created, outcome.role)) };
  }

  /**
   * Accepts an invitation for the signed-in user; the invitation's email must be theirs. Unknown,
   * used, revoked, expired or someone else's tokens all answer 404 `invitation_not_found`.
   * `requiredActions` names `mfa_enrolment_required` when the role needs two factors the account
   * has not enrolled.
   */
  async acceptInvitation(
    ctx: RequestContext,
    token: string,
  ): Promise<{ organizationId: string; role: RoleEntity; requiredActions: RequiredAction[] }> {
    const userId = ctx.actor.type === 'user' ? ctx.actor.id : undefined;
    const notFound = new NotFoundError({ code: 'invitation_not_found', detail: 'No such invitation.' });
    if (!userId) throw notFound;
    return this.transactions.run(ctx, async (ctx, manager) => {
      const [invitation] = (await manager.query(
        `SELECT i.id, i.organization_id, i.role_id, u.mfa_enabled FROM invitation i JOIN user_account u ON lower(u.email) = lower(i.email)
          WHERE i.token_hash = $1 AND u.id = $2 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
          FOR UPDATE OF i`,
        [hashInvitationToken(token), userId],
      )) as { id: string; organization_id: string; role_id: string; mfa_enabled: boolean }[];
      if (!invitation) throw notFound;
      await manager.query(
        `INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3) ON CONFLICT (organization_id, user_id) DO NOTHING`,
        [invitation.organization_id, userId, invitation.role_id],
      );
      await manager.query(`UPDATE invitation SET accepted_at = now(), accepted_by = $2 WHERE id = $1`, [
        invitation.id,
        userId,
      ]);
      const role = await findRole(manager, invitation.organization_id, invitation.role_id);
      const orgCtx = ctx.forOrganization(invitation.organization_id);
      await this.audit?.record(orgCtx, {
        action: 'member.joined',
        resourceType: 'member',
        resourceId: userId,
        details: { role: role.name },
      });
      await this.versions.bump(ctx, invitation.organization_id);
      const [org] = (await manager.query(`SELECT mfa_required_roles FROM organization WHERE id = $1`, [
        invitation.organization_id,
      ])) as { mfa_required_roles: string[] }[];
      const requiredActions: RequiredAction[] =
        !invitation.mfa_enabled && org.mfa_required_roles.includes(role.name) ? ['mfa_enrolment_required'] : [];
      return { organizationId: invitation.organization_id, role, requiredActions };
    });
  }

  async update(
    ctx: RequestContext,
    userId: string,
    patch: { role?: string; expiresAt?: Date | null },
  ): Promise<MemberView> {
    const current = await this.get(ctx, userId);
    await this.policies.assertCan(ctx, 'edit', 'Member', { organizationId: ctx.organizationId, userId });
    const organizationId = ctx.organizationId!;
    return this.transactions.run(ctx, async (ctx, manager) => {
      const currentRole = await findRole(manager, organizationId, current.role.id);
      await this.policies.assertHoldsAll(ctx, currentRole.permissions);
      const changes: Partial<MembershipEntity> = {};
      if (patch.role !== undefined) {
        const role = await findRole(manager, organizationId, patch.role);
        await this.policies.assertHoldsAll(ctx, role.permissions);
        if (role.id !== currentRole.id) await this.assertNotLastAdmin(manager, organizationId, currentRole, userId);
        changes.roleId = role.id;
      }
      if (patch.expiresAt !== undefined) {
        if (patch.expiresAt) await this.assertNotLastAdmin(manager, organizationId, currentRole, userId);
        changes.expiresAt = patch.expiresAt;
      }
      await manager.getRepository(MembershipEntity).update({ organizationId, userId }, changes);
      const [row] = (await manager.query(MEMBER_SQL, [organizationId, userId])) as RawMember[];
      const updated = toMemberView(row);
      const fields = (['role', 'expiresAt'] as const).filter(
        (f) => (f === 'role' ? changes.roleId : changes.expiresAt) !== undefined,
      );
      const pick = (m: MemberView) =>
        Object.fromEntries(fields.map((f) => [f, f === 'role' ? m.role.name : m.expiresAt]));
      await this.audit?.record(ctx, {
        action: 'member.updated',
        resourceType: 'member',
        resourceId: userId,
        details: { before: pick(current), after: pick(updated) },
      });
      await this.versions.bump(ctx, organizationId);
      return updated;
    });
  }

  /**
   * Removes a member (and their project memberships and personal grants, and whatever the
   * `onMembershipEnded` handlers end, such as their API keys); effective on their next request.
   */
  async remove(ctx: RequestContext, userId: string): Promise<void> {
    const current = await this.get(ctx, userId);
    await this.policies.assertCan(ctx, 'delete', 'Member', { organizationId: ctx.organizationId, userId });
    const organizationId = ctx.organizationId!;
    await this.transactions.run(ctx, async (ctx, manager) => {
      const role = await findRole(manager, organizationId, current.role.id);
      await this.policies.assertHoldsAll(ctx, role.permissions);
      await this.assertNotLastAdmin(manager, organizationId, role, userId);
      await manager.query(`DELETE FROM project_member WHERE organization_id = $1 AND user_id = $2`, [
        organizationId,
        userId,
      ]);
      await manager.getRepository(MembershipEntity).delete({ organizationId, userId });
      for (const handler of this.endedHandlers) await handler(ctx, organizationId, userId);
      await this.audit?.record(ctx, {
        action: 'member.removed',
        resourceType: 'member',
        resourceId: userId,
        details: { role: role.name },
      });
      await this.versions.bump(ctx, organizationId);
    });
  }

  /**
   * Applies the role an organization's directory (its single sign-on provider's groups) gives a
   * user at sign-in: adds the membership, moves it to that role, or, with no role, ends it. No
   * permission check: the organization configured the mapping; `ctx` names the provider as actor.
   * The last admin is never demoted nor removed this way (`kept`). Audited like manual changes,
   * with `source: 'sso'`.
   */
  async applyDirectoryRole(
    ctx: RequestContext,
    organizationId: string,
    userId: string,
    roleName: string | null,
  ): Promise<'added' | 'updated' | 'unchanged' | 'removed' | 'kept' | 'none'> {
    const orgCtx = ctx.forOrganization(organizationId);
    return this.transactions.run(orgCtx, async (ctx, manager) => {
      const [current] = (await manager.query(
        `SELECT m.role_id, r.name, r.built_in FROM membership m JOIN role r ON r.id = m.role_id
          WHERE m.organization_id = $1 AND m.user_id = $2 FOR UPDATE OF m`,
        [organizationId, userId],
      )) as { role_id: string; name: string; built_in: boolean }[];
      const currentRole = current ? await findRole(manager, organizationId, current.role_id) : undefined;
      const guardLastAdmin = async (): Promise<boolean> => {
        if (!currentRole) return true;
        return this.assertNotLastAdmin(manager, organizationId, currentRole, userId).then(
          () => true,
          (error: unknown) => {
            if (error instanceof ConflictError) return false;
            throw error;
          },
        );
      };
      const audit = (action: AuditAction, details: Record<string, unknown>) =>
        this.audit?.record(ctx, {
          action,
          resourceType: 'member',
          resourceId: userId,
          details: { ...details, source: 'sso' },
        });
      if (roleName === null) {
        if (!current) return 'none';
        if (!(await guardLastAdmin())) return 'kept';
        await manager.query(`DELETE FROM project_member WHERE organization_id = $1 AND user_id = $2`, [
          organizationId,
          userId,
        ]);
        await manager.getRepository(MembershipEntity).delete({ organizationId, userId });
        for (const handler of this.endedHandlers) await handler(ctx, organizationId, userId);
        await audit('member.removed', { role: current.name });
        await this.versions.bump(ctx, organizationId);
        return 'removed';
      }
      const role = await findRole(manager, organizationId, roleName);
      if (!current) {
        // A concurrent sign-in of the same person may have added it first: then there is nothing to do.
        const inserted = (await manager.query(
          `INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3)
           ON CONFLICT (organization_id, user_id) DO NOTHING RETURNING id`,
          [organizationId, userId, role.id],
        )) as unknown[];
        if (!inserted.length) return 'unchanged';
        await audit('member.added', { role: role.name });
        await this.versions.bump(ctx, organizationId);
        return 'added';
      }
      if (current.role_id === role.id) return 'unchanged';
      if (!(await guardLastAdmin())) return 'kept';
      await manager.getRepository(MembershipEntity).update({ organizationId, userId }, { roleId: role.id });
      await audit('member.updated', { before: { role: current.name }, after: { role: role.name } });
      await this.versions.bump(ctx, organizationId);
      return 'updated';
    });
  }

  /**
   * Erasure of a person (in the erasure's transaction): every membership ends, with its project
   * memberships and personal grants, and every invitation to their email goes (pending or
   * accepted: each names the email). Refused with 409 `last_admin` while they are an
   * organization's last admin, naming no one: another admin must be appointed first. Each
   * organization's membership change is audited there and its policy version moves.
   */
  async eraseMemberIn(
    ctx: RequestContext,
    manager: EntityManager,
    person: { userId: string; email: string },
  ): Promise<{ memberships: number; invitations: number }> {
    const memberships = (await manager.query(
      `SELECT m.organization_id, m.role_id FROM membership m WHERE m.user_id = $1 ORDER BY m.organization_id FOR UPDATE`,
      [person.userId],
    )) as { organization_id: string; role_id: string }[];
    for (const m of memberships) {
      const role = await findRole(manager, m.organization_id, m.role_id);
      await this.assertNotLastAdmin(manager, m.organization_id, role, person.userId);
      await manager.query(`DELETE FROM project_member WHERE organization_id = $1 AND user_id = $2`, [
        m.organization_id,
        person.userId,
      ]);
      await manager.query(`DELETE FROM membership WHERE organization_id = $1 AND user_id = $2`, [
        m.organization_id,
        person.userId,
      ]);
      for (const handler of this.endedHandlers) await handler(ctx, m.organization_id, person.userId);
      await this.audit?.record(ctx.forOrganization(m.organization_id).withManager(manager), {
        action: 'member.removed',
        resourceType: 'member',
        resourceId: person.userId,
        details: { role: role.name, reason: 'erasure' },
      });
      await this.versions.bump(ctx, m.organization_id);
    }
    const [, invitations] = (await manager.query(
      `DELETE FROM invitation WHERE lower(email) = lower($1) OR accepted_by = $2`,
      [person.email, person.userId],
    )) as [unknown, number];
    return { memberships: memberships.length, invitations };
  }

  /**
   * An organization always keeps an admin whose membership does not expire: demoting, removing or
   * giving an expiry to `userId` (an admin) needs another such admin. Expiring admins do not count,
   * or two admins could each be given an expiry and the organization would end with none.
   */
  private async assertNotLastAdmin(
    manager: EntityManager,
    organizationId: string,
    role: RoleEntity,
    userId: string,
  ): Promise<void> {
    if (!(role.builtIn && role.name === 'admin')) return;
    // Locks every admin membership so two concurrent changes cannot both pass.
    const admins = (await manager.query(
      `SELECT m.user_id, m.expires_at FROM membership m WHERE m.organization_id = $1 AND m.role_id = $2 FOR UPDATE`,
      [organizationId, role.id],
    )) as { user_id: string; expires_at: Date | null }[];
    if (!admins.some((a) => a.user_id !== userId && a.expires_at === null))
      throw new ConflictError({
        code: 'last_admin',
        detail: 'An organization keeps at least one admin whose membership does not expire.',
      });
  }
}

interface RawMember {
  user_id: string;
  email: string;
  display_name: string;
  role_id: string;
  role_name: string;
  expires_at: Date | null;
  created_at: Date;
}

const MEMBER_SQL = `SELECT m.user_id, u.email, u.display_name, r.id AS role_id, r.name AS role_name, m.expires_at, m.created_at
  FROM membership m JOIN user_account u ON u.id = m.user_id JOIN role r ON r.id = m.role_id
  WHERE m.organization_id = $1 AND m.user_id = $2`;

function toMemberView(row: RawMember): MemberView {
  return {
    userId: row.user_id,
    email: row.email,
    displayName: row.display_name,
    role: { id: row.role_id, name: row.role_name },
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    createdAt: new Date(row.created_at),
  };
}
