import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '#libs/audit';
import {
  AttemptThrottleService,
  AuthEvents,
  PasswordHasher,
  SessionService,
  UserService,
  type TokenPair,
  type UserEntity,
} from '#libs/auth';
import { ConflictError, GoneError, NotFoundError } from '#libs/common';
import { isUuid, randomToken } from '#libs/common';
import { newestFirstPage, type Page } from '#libs/common';
import type { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { Transactions } from '#libs/database';
import { MailerService } from '#libs/mail';
import { PolicyService } from '#libs/policies';
import { PolicyVersionService } from '#libs/policies';
import { InvitationEntity } from './invitation.entity.js';
import { findRole } from './role.service.js';
import type { RoleEntity } from './role.entity.js';

export const hashInvitationToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * How the invitee learns their token: by mail (`SMTP_URL` set), or, without mail, the token goes
 * back once to the inviter to hand over. `email_failed`: the SMTP server refused it; resend later.
 */
export type InvitationDelivery = 'email' | 'email_failed' | 'token';

export interface IssuedInvitation {
  invitation: InvitationEntity;
  role: RoleEntity;
  delivery: InvitationDelivery;
  /** Only with `delivery: 'token'`. */
  token?: string;
}

export interface InvitationView {
  id: string;
  email: string;
  role: { id: string; name: string };
  status: 'pending' | 'expired';
  invitedBy: string | null;
  expiresAt: Date;
  sentAt: Date | null;
  createdAt: Date;
}

/** What the invitee is told to do before anything else in the organization. */
export type RequiredAction = 'mfa_enrolment_required';

export interface Registration extends TokenPair {
  user: UserEntity;
  organizationId: string;
  role: RoleEntity;
  requiredActions: RequiredAction[];
}

const notFound = () => new NotFoundError({ code: 'invitation_not_found', detail: 'No such invitation.' });

/**
 * Invitations of people to an organization: single-use tokens stored as SHA-256, valid
 * `INVITATION_TTL_HOURS`, mailed when SMTP is configured. Inviters (`user:manage`) list, revoke and
 * resend them; an invitee without an account registers with the token (`register`), one with an
 * account accepts it signed in (MembershipService.acceptInvitation).
 */
@Injectable()
export class InvitationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly policies: PolicyService,
    private readonly versions: PolicyVersionService,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: AttemptThrottleService,
    private readonly events: AuthEvents,
    private readonly mailer: MailerService,
    private readonly config: AppConfig,
    @Optional() private readonly audit?: AuditService,
  ) {}

  /**
   * Inside the caller's transaction (MembershipService.add): a new invitation for `email`, which
   * replaces any pending one for the same email in the organization. Deliver it after commit.
   */
  async createIn(
    ctx: RequestContext,
    manager: EntityManager,
    input: { email: string; role: RoleEntity },
  ): Promise<{ invitation: InvitationEntity; token: string }> {
    const organizationId = ctx.organizationId!;
    await manager.query(
      `UPDATE invitation SET revoked_at = now(), revoked_by = $3
        WHERE organization_id = $1 AND lower(email) = lower($2) AND accepted_at IS NULL AND revoked_at IS NULL`,
      [organizationId, input.email, ctx.actor.userId ?? null],
    );
    const token = randomToken(32);
    const repo = manager.getRepository(InvitationEntity);
    const invitation = await repo.save(
      repo.create({
        organizationId,
        email: input.email.toLowerCase(),
        roleId: input.role.id,
        tokenHash: hashInvitationToken(token),
        invitedBy: ctx.actor.userId ?? null,
        expiresAt: new Date(ctx.now.getTime() + this.config.onboarding.invitationTtlSeconds * 1000),
        revokedAt: null,
        revokedBy: null,
        sentAt: null,
      }),
    );
    await this.audit?.record(ctx, {
      action: 'member.invited',
      resourceType: 'invitation',
      resourceId: invitation.id,
      details: { role: input.role.name, expiresAt: invitation.expiresAt },
    });
    return { invitation, token };
  }

  /** After commit: mails the invitation, or says the token goes back to the inviter. */
  async deliver(
    ctx: RequestContext,
    created: { invitation: InvitationEntity; token: string },
    role: RoleEntity,
  ): Promise<IssuedInvitation> {
    const { invitation, token } = created;
    if (!this.mailer.enabled) return { invitation, role, delivery: 'token', token };
    const manager = this.transactions.manager();
    const [org] = (await manager.query(`SELECT name, mfa_required_roles FROM organization WHERE id = $1`, [
      invitation.organizationId,
    ])) as { name: string; mfa_required_roles: string[] }[];
    const inviter = ctx.actor.userId ? await this.users.findById(ctx, ctx.actor.userId) : null;
    const sent = await this.mailer.send(invitation.email, {
      kind: 'invitation',
      organizationName: org.name,
      roleName: role.name,
      inviterName: inviter?.displayName,
      link: this.mailer.link('invitation', token),
      expiresAt: invitation.expiresAt,
      mfaRequired: org.mfa_required_roles.includes(role.name),
    });
    if (!sent) return { invitation, role, delivery: 'email_failed' };
    await manager.query(`UPDATE invitation SET sent_at = now() WHERE id = $1`, [invitation.id]);
    return { invitation: { ...invitation, sentAt: new Date() }, role, delivery: 'email' };
  }

  /** Pending invitations of the organization (expired ones included, to resend), newest first. */
  async list(ctx: RequestContext, query: { limit?: number; cursor?: string }): Promise<Page<InvitationView>> {
    await this.policies.assertMay(ctx, 'create', 'Member');
    const qb = this.transactions
      .manager(ctx)
      .getRepository(InvitationEntity)
      .createQueryBuilder('i')
      .where('i.organization_id = :org', { org: ctx.organizationId })
      .andWhere('i.accepted_at IS NULL AND i.revoked_at IS NULL');
    const page = await newestFirstPage(qb, 'i', query);
    const roleIds = [...new Set(page.items.map((i) => i.roleId))];
    const roles = roleIds.length
      ? ((await this.transactions
          .manager(ctx)
          .query(`SELECT id, name FROM role WHERE id = ANY($1::uuid[])`, [roleIds])) as { id: string; name: string }[])
      : [];
    const names = new Map(roles.map((r) => [r.id, r.name]));
    const now = ctx.now.getTime();
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((i) => ({
        id: i.id,
        email: i.email,
        role: { id: i.roleId, name: names.get(i.roleId) ?? '' },
        status: i.expiresAt.getTime() > now ? 'pending' : 'expired',
        invitedBy: i.invitedBy,
        expiresAt: i.expiresAt,
        sentAt: i.sentAt,
        createdAt: i.createdAt,
      })),
    };
  }

  /** Revokes a pending invitation: its token stops working at once. */
  async revoke(ctx: RequestContext, invitationId: string): Promise<void> {
    await this.policies.assertMay(ctx, 'create', 'Member');
    await this.transactions.run(ctx, async (ctx, manager) => {
      const { invitation, role } = await this.lockPending(manager, ctx, invitationId);
      await manager.query(`UPDATE invitation SET revoked_at = now(), revoked_by = $2 WHERE id = $1`, [
        invitation.id,
        ctx.actor.userId ?? null,
      ]);
      await this.audit?.record(ctx, {
        action: 'member.invitation_revoked',
        resourceType: 'invitation',
        resourceId: invitation.id,
        details: { role: role.name },
      });
    });
  }

  /**
   * Sends a pending (or expired) invitation again with a new token and a new expiry; the old token
   * stops working.
   */
  async resend(ctx: RequestContext, invitationId: string): Promise<IssuedInvitation> {
    await this.policies.assertMay(ctx, 'create', 'Member');
    const { created, role } = await this.transactions.run(ctx, async (ctx, manager) => {
      const { invitation, role } = await this.lockPending(manager, ctx, invitationId);
      const token = randomToken(32);
      const expiresAt = new Date(ctx.now.getTime() + this.config.onboarding.invitationTtlSeconds * 1000);
      await manager.query(`UPDATE invitation SET token_hash = $2, expires_at = $3, sent_at = NULL WHERE id = $1`, [
        invitation.id,
        hashInvitationToken(token),
        expiresAt,
      ]);
      await this.audit?.record(ctx, {
        action: 'member.invitation_resent',
        resourceType: 'invitation',
        resourceId: invitation.id,
        details: { role: role.name, expiresAt },
      });
      return { created: { invitation: { ...invitation, expiresAt, sentAt: null }, token }, role };
    });
    return this.deliver(ctx, created, role);
  }

  /** Locks a pending invitation of the caller's organization whose role the caller may hand out. */
  private async lockPending(
    manager: EntityManager,
    ctx: RequestContext,
    invitationId: string,
  ): Promise<{ invitation: InvitationEntity; role: RoleEntity }> {
    if (!isUuid(invitationId)) throw notFound();
    const invitation = await manager
      .getRepository(InvitationEntity)
      .createQueryBuilder('i')
      .setLock('pessimistic_write')
      .where('i.id = :id AND i.organization_id = :org', { id: invitationId, org: ctx.organizationId })
      .andWhere('i.accepted_at IS NULL AND i.revoked_at IS NULL')
      .getOne();
    if (!invitation) throw notFound();
    const role = await findRole(manager, invitation.organizationId, invitation.roleId);
    await this.policies.assertHoldsAll(ctx, role.permissions);
    return { invitation, role };
  }

  /**
   * Creates the account of someone invited who has none, with the membership, and signs them in.
   * Unknown tokens answer 404 `invitation_not_found` (and count as a guess against the source
   * address); used, revoked or expired ones 410 `invitation_used` / `invitation_revoked` /
   * `invitation_expired`; a weak password 400 `password_weak`; an email that already has an account
   * 409 `account_exists` (sign in and accept instead). None of these consumes the invitation. Of
   * concurrent uses of one token exactly one creates an account.
   */
  async register(
    ctx: RequestContext,
    input: { token: string; password: string; displayName: string },
  ): Promise<Registration> {
    await this.throttle.reserveTokenGuess('invitation', ctx);
    const tokenHash = hashInvitationToken(input.token);
    const [found] = (await this.transactions
      .manager(ctx)
      .query(
        `SELECT email, accepted_at, revoked_at, expires_at <= now() AS expired FROM invitation WHERE token_hash = $1`,
        [tokenHash],
      )) as { email: string; accepted_at: Date | null; revoked_at: Date | null; expired: boolean }[];
    if (!found) throw notFound();
    await this.throttle.refundTokenGuess('invitation', ctx);
    if (found.accepted_at) throw used();
    if (found.revoked_at) throw new GoneError({ code: 'invitation_revoked', detail: 'This invitation was withdrawn.' });
    if (found.expired)
      throw new GoneError({
        code: 'invitation_expired',
        detail: 'This invitation has expired; ask for a new one.',
      });
    this.hasher.assertAcceptable(input.password);

    const joined = await this.transactions.run(ctx, async (ctx, manager) => {
      // The conditional update is the use: of concurrent registrations only one claims the token.
      const [claimed] = (await manager.query(
        `UPDATE invitation SET accepted_at = now()
          WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          RETURNING id, organization_id, role_id, email`,
        [tokenHash],
      )) as [{ id: string; organization_id: string; role_id: string; email: string }[], number];
      const invitation = claimed[0];
      if (!invitation) throw used();
      const user = await this.users
        .create(ctx, { email: invitation.email, displayName: input.displayName, password: input.password })
        .catch((error: unknown) => {
          throw error instanceof ConflictError && error.code === 'email_taken' ? accountExists() : error;
        });
      await manager.query(`INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [
        invitation.organization_id,
        user.id,
        invitation.role_id,
      ]);
      await manager.query(`UPDATE invitation SET accepted_by = $2 WHERE id = $1`, [invitation.id, user.id]);
      const role = await findRole(manager, invitation.organization_id, invitation.role_id);
      const [org] = (await manager.query(`SELECT mfa_required_roles FROM organization WHERE id = $1`, [
        invitation.organization_id,
      ])) as { mfa_required_roles: string[] }[];
      const asUser = ctx
        .with({ actor: { type: 'user', id: user.id, userId: user.id, label: user.email } })
        .forOrganization(invitation.organization_id);
      await this.audit?.record(asUser, {
        action: 'member.joined',
        resourceType: 'member',
        resourceId: user.id,
        details: { role: role.name, invitationId: invitation.id },
      });
      await this.versions.bump(ctx, invitation.organization_id);
      const requiredActions: RequiredAction[] = org.mfa_required_roles.includes(role.name)
        ? ['mfa_enrolment_required']
        : [];
      return { user, role, organizationId: invitation.organization_id, requiredActions };
    });

    const asUser = ctx.with({ actor: { type: 'user', id: joined.user.id, userId: joined.user.id } });
    const pair = await this.sessions.start(asUser, joined.user, ['pwd']);
    await this.throttle.rememberAddress('login', joined.user.email.toLowerCase(), ctx.ip);
    await this.events.record(asUser, {
      action: 'auth.login.succeeded',
      subjectId: joined.user.id,
      details: { sessionId: pair.sessionId, amr: ['pwd'], via: 'invitation' },
    });
    return { ...pair, ...joined };
  }
}

function used(): GoneError {
  return new GoneError({ code: 'invitation_used', detail: 'This invitation was already accepted.' });
}

function accountExists(): ConflictError {
  return new ConflictError({
    code: 'account_exists',
    detail: 'This email already has an account: sign in and accept the invitation at /invitations/accept.',
  });
}
