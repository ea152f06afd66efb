import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { RequestContext } from '#libs/common';
import { MembershipService, OrganizationService } from '#libs/organizations';
import { PolicyService } from '#libs/policies';
import { createTestApp, type TestApp } from '../support/app.js';
import { authHeader, createUser, createUserAndLogin, login } from '../support/identity.js';
import { createTenant, type Tenant } from '../support/tenant.js';

const api = (orgId: string, path = '') => `/api/v1/orgs/${orgId}${path}`;

describe('organizations, members, roles, projects and policies over HTTP', () => {
  let t: TestApp;
  let org: Tenant;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTenant(t);
  });
  afterAll(() => t.close());

  describe('the seed scenario: director (admin), VFX artist (developer), intern (guest)', () => {
    let tidewater: string;
    let nightfall: string;
    let tidewaterModel: string;
    let nightfallModel: string;

    beforeAll(async () => {
      const director = org.admin.auth;
      tidewater = (
        await http().post(api(org.orgId, '/projects')).set(director).send({ name: 'Tidewater', slug: 'tidewater' })
      ).body.id;
      nightfall = (
        await http().post(api(org.orgId, '/projects')).set(director).send({ name: 'Nightfall', slug: 'nightfall' })
      ).body.id;
      for (const [user, role] of [
        [org.developer.id, 'developer'],
        [org.guest.id, 'guest'],
      ]) {
        const res = await http()
          .put(api(org.orgId, `/projects/${tidewater}/members/${user}`))
          .set(director)
          .send({ role });
        expect(res.status).toBe(200);
      }
      const create = (slug: string, projectId: string) =>
        http()
          .post(api(org.orgId, '/models'))
          .set(director)
          .send({ name: slug, slug, kind: 'face_swapper', family: 'inswapper', projectId });
      tidewaterModel = (await create('tide-swap', tidewater)).body.id;
      nightfallModel = (await create('ff-pro', nightfall)).body.id;
      expect(tidewaterModel).toBeDefined();
      expect(nightfallModel).toBeDefined();
    });

    it('the intern sees their project and its models, not the other project', async () => {
      const intern = org.guest.auth;
      const projects = await http().get(api(org.orgId, '/projects')).set(intern);
      expect(projects.body.items.map((p: { slug: string }) => p.slug)).toEqual(['tidewater']);
      expect(
        (
          await http()
            .get(api(org.orgId, `/projects/${nightfall}`))
            .set(intern)
        ).status,
      ).toBe(404);
      const models = await http().get(api(org.orgId, '/models')).set(intern);
      expect(models.status).toBe(200);
      const ids = models.body.items.map((m: { id: string }) => m.id);
      expect(ids).toContain(tidewaterModel);
      expect(ids).not.toContain(nightfallModel);
      expect(
        (
          await http()
            .get(api(org.orgId, `/models/${nightfallModel}`))
            .set(intern)
        ).status,
      ).toBe(404);
      // The director sees both projects.
      const all = await http().get(api(org.orgId, '/projects')).set(org.admin.auth);
      expect(all.body.items).toHaveLength(2);
    });

    it('the intern can view results of their project but cannot download a model', async () => {
      const intern = org.guest.auth;
      const download = await http()
        .get(api(org.orgId, `/models/${tidewaterModel}/versions/1/artifact`))
        .set(intern);
      expect(download.status).toBe(403);
      expect(download.body.code).toBe('model:export');
      const check = await http()
        .post(api(org.orgId, '/authz/check'))
        .set(intern)
        .send({
          checks: [
            { action: 'read', resource: { type: 'Model', id: tidewaterModel } },
            { action: 'export', resource: { type: 'Model', id: tidewaterModel } },
            { action: 'read', resource: { type: 'Model', id: nightfallModel } },
            { action: 'create', resource: { type: 'Job' } },
          ],
        });
      expect(check.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false, false, false]);
      // Job results (rows of the jobs area) of their project, not of another one.
      const policies = t.app.get(PolicyService);
      const ctx = new RequestContext({
        requestId: 'r',
        actor: { type: 'user', id: org.guest.id },
        organizationId: org.orgId,
      });
      const job = { id: randomUUID(), organizationId: org.orgId, ownerId: org.developer.id };
      await expect(policies.can(ctx, 'read', 'Job', { ...job, projectId: tidewater })).resolves.toBe(true);
      await expect(policies.can(ctx, 'read', 'Job', { ...job, projectId: nightfall })).resolves.toBe(false);
    });

    it('the VFX artist edits project models but cannot export or delete them', async () => {
      const artist = org.developer.auth;
      expect(
        (
          await http()
            .patch(api(org.orgId, `/models/${tidewaterModel}`))
            .set(artist)
            .send({ description: 'v2' })
        ).status,
      ).toBe(200);
      const del = await http()
        .delete(api(org.orgId, `/models/${tidewaterModel}`))
        .set(artist);
      expect(del.status).toBe(403);
      expect(del.body.code).toBe('model:delete');
    });

    it('a grant {infer, view} lets the intern run but not edit, export or delete that model', async () => {
      const grant = await http()
        .post(api(org.orgId, `/models/${nightfallModel}/grants`))
        .set(org.admin.auth)
        .send({ principalType: 'user', principalId: org.guest.id, permissions: ['infer', 'view'] });
      expect(grant.status).toBe(201);
      const intern = org.guest.auth;
      expect(
        (
          await http()
            .get(api(org.orgId, `/models/${nightfallModel}`))
            .set(intern)
        ).status,
      ).toBe(200);
      const check = await http()
        .post(api(org.orgId, '/authz/check'))
        .set(intern)
        .send({
          checks: ['infer', 'edit', 'export', 'delete'].map((action) => ({
            action,
            resource: { type: 'Model', id: nightfallModel },
          })),
        });
      expect(check.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([true, false, false, false]);
      expect(
        (
          await http()
            .patch(api(org.orgId, `/models/${nightfallModel}`))
            .set(intern)
            .send({ description: 'x' })
        ).body.code,
      ).toBe('model:edit');
      const explain = await http()
        .post(api(org.orgId, '/authz/explain'))
        .set(intern)
        .send({ action: 'infer', resource: { type: 'Model', id: nightfallModel } });
      expect(explain.body).toMatchObject({
        allowed: true,
        decidedBy: { effect: 'allow', source: { kind: 'grant', id: grant.body.id } },
      });
      await http()
        .delete(api(org.orgId, `/models/${nightfallModel}/grants/${grant.body.id}`))
        .set(org.admin.auth)
        .expect(204);
      expect(
        (
          await http()
            .get(api(org.orgId, `/models/${nightfallModel}`))
            .set(intern)
        ).status,
      ).toBe(404);
    });

    it('a deny policy wins and explain names it', async () => {
      const policy = await http()
        .post(api(org.orgId, '/policies'))
        .set(org.admin.auth)
        .send({
          name: 'ff-pro from the studio only',
          effect: 'deny',
          actions: ['model:*'],
          principals: { all: true },
          conditions: { modelIds: [nightfallModel], sourceIp: { notIn: ['10.0.0.0/8'] } },
        });
      expect(policy.status).toBe(201);
      expect(
        (
          await http()
            .get(api(org.orgId, `/models/${nightfallModel}`))
            .set(org.admin.auth)
        ).status,
      ).toBe(404);
      const explain = await http()
        .post(api(org.orgId, '/authz/explain'))
        .set(org.admin.auth)
        .send({ action: 'read', resource: { type: 'Model', id: nightfallModel }, userId: org.developer.id });
      expect(explain.body.allowed).toBe(false);
      expect(explain.body.decidedBy).toMatchObject({ effect: 'deny', source: { kind: 'policy', id: policy.body.id } });
      const fromStudio = await http()
        .post(api(org.orgId, '/authz/explain'))
        .set(org.admin.auth)
        .send({ action: 'read', resource: { type: 'Model', id: nightfallModel }, ip: '10.1.2.3' });
      expect(fromStudio.body.allowed).toBe(true);
      // Only policy managers may ask about others.
      const nosy = await http()
        .post(api(org.orgId, '/authz/explain'))
        .set(org.developer.auth)
        .send({ action: 'read', resource: { type: 'Model', id: nightfallModel }, userId: org.admin.id });
      expect(nosy.status).toBe(403);
      await http()
        .delete(api(org.orgId, `/policies/${policy.body.id}`))
        .set(org.admin.auth)
        .expect(204);
      expect(
        (
          await http()
            .get(api(org.orgId, `/models/${nightfallModel}`))
            .set(org.admin.auth)
        ).status,
      ).toBe(200);
    });
  });

  describe('privilege escalation', () => {
    it('a developer cannot make themself admin, create roles or policies', async () => {
      const me = org.developer;
      const promote = await http()
        .patch(api(org.orgId, `/members/${me.id}`))
        .set(me.auth)
        .send({ role: 'admin' });
      expect(promote.status).toBe(403);
      expect(promote.body.code).toBe('user:manage');
      expect(
        (
          await http()
            .post(api(org.orgId, '/roles'))
            .set(me.auth)
            .send({ name: 'root', permissions: ['org:manage'] })
        ).body.code,
      ).toBe('role:manage');
      expect((await http().get(api(org.orgId, '/policies')).set(me.auth)).body.code).toBe('policy:manage');
    });

    it('a member manager cannot hand out, or take away, more than they hold', async () => {
      const role = await http()
        .post(api(org.orgId, '/roles'))
        .set(org.admin.auth)
        .send({ name: 'people', permissions: ['user:manage', 'model:read', 'job:read'] });
      expect(role.status).toBe(201);
      const hr = await createUserAndLogin(t);
      await http()
        .post(api(org.orgId, '/members'))
        .set(org.admin.auth)
        .send({ email: hr.email, role: 'people' })
        .expect(201);
      const auth = authHeader(hr.tokens);
      const outsider = await createUser(t);
      const asAdmin = await http()
        .post(api(org.orgId, '/members'))
        .set(auth)
        .send({ email: outsider.email, role: 'admin' });
      expect(asAdmin.status).toBe(403);
      const self = await http()
        .patch(api(org.orgId, `/members/${hr.id}`))
        .set(auth)
        .send({ role: 'admin' });
      expect(self.status).toBe(403);
      const demote = await http()
        .patch(api(org.orgId, `/members/${org.admin.id}`))
        .set(auth)
        .send({ role: 'guest' });
      expect(demote.status).toBe(403);
      expect(
        (
          await http()
            .delete(api(org.orgId, `/members/${org.admin.id}`))
            .set(auth)
        ).status,
      ).toBe(403);
      // Within their own rights it works.
      const asGuest = await http()
        .post(api(org.orgId, '/members'))
        .set(auth)
        .send({ email: outsider.email, role: 'guest' });
      expect(asGuest.status).toBe(201);
      expect(asGuest.body.status).toBe('added');
    });

    it('an API key never gets more than its creator, and is bound by its scope', async () => {
      const role = await http()
        .post(api(org.orgId, '/roles'))
        .set(org.admin.auth)
        .send({ name: 'integrator', permissions: ['apikey:manage', 'model:read'] });
      expect(role.status).toBe(201);
      const dev = await createUserAndLogin(t);
      await http()
        .post(api(org.orgId, '/members'))
        .set(org.admin.auth)
        .send({ email: dev.email, role: 'integrator' })
        .expect(201);
      const auth = authHeader(dev.tokens);
      const greedy = await http()
        .post(api(org.orgId, '/api-keys'))
        .set(auth)
        .send({ name: 'greedy', permissions: ['model:read', 'model:export'] });
      expect(greedy.status).toBe(403);
      expect(greedy.body.code).toBe('model:export');
      const key = await http()
        .post(api(org.orgId, '/api-keys'))
        .set(auth)
        .send({ name: 'reader', permissions: ['model:read'] });
      expect(key.status).toBe(201);
      const asKey = { 'x-api-key': key.body.secret as string };
      expect((await http().get(api(org.orgId, '/models')).set(asKey)).status).toBe(200);
      expect((await http().get(api(org.orgId, '/api-keys')).set(asKey)).body.code).toBe('apikey:manage');
      // The key follows its creator: once they leave, it is revoked and reaches nothing.
      await http()
        .delete(api(org.orgId, `/members/${dev.id}`))
        .set(org.admin.auth)
        .expect(204);
      const after = await http().get(api(org.orgId, '/models')).set(asKey);
      expect(after.status).toBe(401);
      expect(after.body.code).toBe('token_invalid');
    });

    it('refuses organizationId in a body, and the tenant always comes from the path', async () => {
      const other = await createTenant(t);
      const res = await http()
        .post(api(org.orgId, '/projects'))
        .set(org.admin.auth)
        .send({ name: 'x', slug: 'x-proj', organizationId: other.orgId });
      expect(res.status).toBe(400);
      const theirs = await http().get(api(other.orgId, '/projects')).set(other.admin.auth);
      expect(theirs.body.items).toEqual([]);
    });
  });

  describe('memberships and roles', () => {
    it('a role change takes effect on the next request, without signing in again', async () => {
      const user = await createUserAndLogin(t);
      await http()
        .post(api(org.orgId, '/members'))
        .set(org.admin.auth)
        .send({ email: user.email, role: 'guest' })
        .expect(201);
      const auth = authHeader(user.tokens);
      expect((await http().get(api(org.orgId, '/policies')).set(auth)).status).toBe(403);
      await http()
        .patch(api(org.orgId, `/members/${user.id}`))
        .set(org.admin.auth)
        .send({ role: 'admin' })
        .expect(200);
      expect((await http().get(api(org.orgId, '/policies')).set(auth)).status).toBe(200);
      // Editing the role itself works the same way.
      const role = await http()
        .post(api(org.orgId, '/roles'))
        .set(org.admin.auth)
        .send({ name: 'auditor', permissions: ['model:read'] });
      await http()
        .patch(api(org.orgId, `/members/${user.id}`))
        .set(org.admin.auth)
        .send({ role: 'auditor' })
        .expect(200);
      expect((await http().get(api(org.orgId, '/policies')).set(auth)).status).toBe(403);
      await http()
        .patch(api(org.orgId, `/roles/${role.body.id}`))
        .set(org.admin.auth)
        .send({ permissions: ['model:read', 'policy:manage'] })
        .expect(200);
      expect((await http().get(api(org.orgId, '/policies')).set(auth)).status).toBe(200);
      // Removal answers 404 on the next request.
      await http()
        .delete(api(org.orgId, `/members/${user.id}`))
        .set(org.admin.auth)
        .expect(204);
      expect((await http().get(api(org.orgId)).set(auth)).status).toBe(404);
    });

    it('keeps the last admin', async () => {
      const tenant = await createTenant(t);
      const demote = await http()
        .patch(api(tenant.orgId, `/members/${tenant.admin.id}`))
        .set(tenant.admin.auth)
        .send({ role: 'guest' });
      expect(demote.status).toBe(409);
      expect(demote.body.code).toBe('last_admin');
      expect(
        (
          await http()
            .delete(api(tenant.orgId, `/members/${tenant.admin.id}`))
            .set(tenant.admin.auth)
        ).body.code,
      ).toBe('last_admin');
      const adminRole = (await http().get(api(tenant.orgId, '/roles')).set(tenant.admin.auth)).body.items.find(
        (r: { name: string }) => r.name === 'admin',
      );
      const shrink = await http()
        .patch(api(tenant.orgId, `/roles/${adminRole.id}`))
        .set(tenant.admin.auth)
        .send({ permissions: ['model:read'] });
      expect(shrink.body.code).toBe('admin_role_locked');
      // With a second admin, the first can step down.
      await http()
        .patch(api(tenant.orgId, `/members/${tenant.developer.id}`))
        .set(tenant.admin.auth)
        .send({ role: 'admin' })
        .expect(200);
      await http()
        .patch(api(tenant.orgId, `/members/${tenant.admin.id}`))
        .set(tenant.admin.auth)
        .send({ role: 'guest' })
        .expect(200);
    });

    it('keeps an admin whose membership does not expire', async () => {
      const tenant = await createTenant(t);
      await http()
        .patch(api(tenant.orgId, `/members/${tenant.developer.id}`))
        .set(tenant.admin.auth)
        .send({ role: 'admin' })
        .expect(200);
      const nextYear = new Date(Date.now() + 365 * 86400_000).toISOString();
      // One of the two permanent admins may become temporary...
      await http()
        .patch(api(tenant.orgId, `/members/${tenant.developer.id}`))
        .set(tenant.admin.auth)
        .send({ expiresAt: nextYear })
        .expect(200);
      // ...but not the other as well, nor may the permanent one step down or leave.
      for (const change of [{ expiresAt: nextYear }, { role: 'guest' }]) {
        const res = await http()
          .patch(api(tenant.orgId, `/members/${tenant.admin.id}`))
          .set(tenant.admin.auth)
          .send(change);
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('last_admin');
      }
      const leave = await http()
        .delete(api(tenant.orgId, `/members/${tenant.admin.id}`))
        .set(tenant.admin.auth);
      expect(leave.body.code).toBe('last_admin');
    });

    it('invites an email without an account; only that user can accept', async () => {
      const email = `invitee-${randomUUID()}@example.test`;
      const invite = await http().post(api(org.orgId, '/members')).set(org.admin.auth).send({ email, role: 'tester' });
      expect(invite.status).toBe(201);
      expect(invite.body).toMatchObject({ status: 'invited', invitation: { email, role: { name: 'tester' } } });
      const token = invite.body.invitation.token as string;
      const stranger = await createUserAndLogin(t);
      expect(
        (await http().post('/api/v1/invitations/accept').set(authHeader(stranger.tokens)).send({ token })).status,
      ).toBe(404);
      const invitee = await createUser(t, { email });
      const tokens = await login(t, invitee.email, invitee.password);
      const accepted = await http().post('/api/v1/invitations/accept').set(authHeader(tokens)).send({ token });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ organizationId: org.orgId, role: { name: 'tester' } });
      expect((await http().get(api(org.orgId)).set(authHeader(tokens))).status).toBe(200);
      expect((await http().post('/api/v1/invitations/accept').set(authHeader(tokens)).send({ token })).status).toBe(
        404,
      );
    });

    it('lists my organizations, and creating one needs a platform administrator', async () => {
      const mine = await http().get('/api/v1/orgs').set(org.guest.auth);
      expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([org.orgId]);
      const refused = await http()
        .post('/api/v1/orgs')
        .set(org.admin.auth)
        .send({ name: 'New', slug: `new-${randomUUID().slice(0, 8)}` });
      expect(refused.status).toBe(403);
      const operator = await createUserAndLogin(t, { platformAdmin: true });
      const created = await http()
        .post('/api/v1/orgs')
        .set(authHeader(operator.tokens))
        .send({ name: 'New', slug: `new-${randomUUID().slice(0, 8)}` });
      expect(created.status).toBe(201);
      const roles = await http().get(api(created.body.id, '/roles')).set(authHeader(operator.tokens));
      // The creator is an admin, whose role requires MFA by default.
      expect(roles.status).toBe(403);
      expect(roles.body.code).toBe('mfa_required');
    });
  });

  describe('organization ABAC settings', () => {
    it('members of MFA-required roles without MFA reach only the MFA setup routes', async () => {
      const tenant = await createTenant(t, { mfaRequiredRoles: ['admin'] });
      const res = await http().get(api(tenant.orgId, '/members')).set(tenant.admin.auth);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('mfa_required');
      expect((await http().post('/api/v1/auth/mfa/setup').set(tenant.admin.auth)).status).toBe(200);
      expect((await http().get(api(tenant.orgId, '/members')).set(tenant.developer.auth)).status).toBe(200);
      // An admin who signed in with a second factor gets in.
      const strong = await createUserAndLogin(t, { mfa: true });
      await t.app.get(MembershipService).add(tenant.adminCtx, { email: strong.email, role: 'admin' });
      expect((await http().get(api(tenant.orgId, '/members')).set(authHeader(strong.tokens))).status).toBe(200);
    });

    it('allowed IP ranges refuse requests from elsewhere; X-Forwarded-For counts only behind a trusted proxy', async () => {
      const tenant = await createTenant(t);
      await t.app
        .get(OrganizationService)
        .update(tenant.adminCtx.with({ ip: '10.0.0.1' }), { allowedIpRanges: ['10.0.0.0/8'] });
      const spoofed = await http().get(api(tenant.orgId)).set(tenant.guest.auth).set('x-forwarded-for', '10.1.2.3');
      expect(spoofed.status).toBe(403);
      expect(spoofed.body.code).toBe('ip_not_allowed');
      const lockout = await http()
        .patch(api(tenant.orgId))
        .set(tenant.admin.auth)
        .set('x-forwarded-for', '10.1.2.3')
        .send({ allowedIpRanges: ['10.0.0.0/8'] });
      expect(lockout.status).toBe(403);

      const proxied = await createTestApp({ environment: t.env, env: { TRUST_PROXY: 'true' } });
      try {
        const p = () => request(proxied.app.getHttpServer());
        const inside = await p().get(api(tenant.orgId)).set(tenant.guest.auth).set('x-forwarded-for', '10.1.2.3');
        expect(inside.status).toBe(200);
        const outside = await p().get(api(tenant.orgId)).set(tenant.guest.auth).set('x-forwarded-for', '203.0.113.5');
        expect(outside.body.code).toBe('ip_not_allowed');
        const selfLock = await p()
          .patch(api(tenant.orgId))
          .set(tenant.admin.auth)
          .set('x-forwarded-for', '10.1.2.3')
          .send({ allowedIpRanges: ['192.168.0.0/16'] });
        expect(selfLock.status).toBe(409);
        expect(selfLock.body.code).toBe('ip_lockout');
      } finally {
        await proxied.app.close();
      }
    });
  });
});
