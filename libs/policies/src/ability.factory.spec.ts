import { subject } from '@casl/ability';
import { BUILT_IN_ROLES } from '#libs/common';
import { buildAbility, contextKey, type PrincipalProfile, type ProfilePolicy } from './ability.factory.js';

const ORG = '00000000-0000-4000-8000-000000000001';
const OTHER_ORG = '00000000-0000-4000-8000-000000000002';
const USER = '00000000-0000-4000-8000-0000000000a1';
const ADMIN_ROLE = '00000000-0000-4000-8000-0000000000r1'.replace('r', 'b');
const DEV_ROLE = '00000000-0000-4000-8000-0000000000c2';
const GUEST_ROLE = '00000000-0000-4000-8000-0000000000c3';
const PROJECT_A = '00000000-0000-4000-8000-0000000000d1';
const PROJECT_B = '00000000-0000-4000-8000-0000000000d2';
const FF_PRO = '00000000-0000-4000-8000-0000000000e1';
const OTHER_MODEL = '00000000-0000-4000-8000-0000000000e2';

const roles = {
  admin: { id: ADMIN_ROLE, name: 'admin', permissions: [...BUILT_IN_ROLES.admin] },
  developer: { id: DEV_ROLE, name: 'developer', permissions: [...BUILT_IN_ROLES.developer] },
  guest: { id: GUEST_ROLE, name: 'guest', permissions: [...BUILT_IN_ROLES.guest] },
};

function profile(role: keyof typeof roles, patch: Partial<PrincipalProfile> = {}): PrincipalProfile {
  return {
    userId: USER,
    organizationId: ORG,
    organization: { allowedIpRanges: [], mfaRequiredRoles: [] },
    membership: { role: roles[role], expiresAt: null },
    projects: [],
    grants: [],
    policies: [],
    ...patch,
  };
}

const model = (patch: Record<string, unknown> = {}) =>
  subject('Model', {
    id: OTHER_MODEL,
    organizationId: ORG,
    projectId: null,
    ownerId: null,
    stage: 'production',
    labels: [],
    ...patch,
  });
const facts = (patch: Partial<{ ip: string; now: Date; mfa: boolean }> = {}) => ({
  ip: '192.168.1.1',
  now: new Date('2025-01-06T02:00:00Z'), // Monday 10:00 in Shanghai
  mfa: false,
  ...patch,
});
const policy = (patch: Partial<ProfilePolicy>): ProfilePolicy => ({
  id: 'p1',
  name: 'policy',
  effect: 'deny',
  actions: [],
  principals: { all: true },
  conditions: {},
  ...patch,
});

describe('ability factory: roles', () => {
  it('gives the built-in roles their catalogue permissions on organization models', () => {
    const dev = buildAbility(profile('developer'), facts()).ability;
    expect(dev.can('read', model())).toBe(true);
    expect(dev.can('edit', model())).toBe(true);
    expect(dev.can('infer', model())).toBe(true);
    expect(dev.can('export', model())).toBe(false);
    expect(dev.can('delete', model())).toBe(false);
    const guest = buildAbility(profile('guest'), facts()).ability;
    expect(guest.can('read', model())).toBe(true);
    expect(guest.can('export', model())).toBe(false);
    expect(guest.can('infer', model())).toBe(false);
  });

  it('never reaches rows of another organization', () => {
    const admin = buildAbility(profile('admin'), facts()).ability;
    expect(admin.can('read', model({ organizationId: OTHER_ORG }))).toBe(false);
    expect(admin.can('manage', subject('Member', { organizationId: OTHER_ORG }))).toBe(false);
  });

  it('shows project models only to project members and project managers', () => {
    const outsider = buildAbility(profile('guest'), facts()).ability;
    expect(outsider.can('read', model({ projectId: PROJECT_A }))).toBe(false);
    const member = buildAbility(
      profile('guest', { projects: [{ projectId: PROJECT_A, role: roles.guest }] }),
      facts(),
    ).ability;
    expect(member.can('read', model({ projectId: PROJECT_A }))).toBe(true);
    expect(member.can('read', model({ projectId: PROJECT_B }))).toBe(false);
    const admin = buildAbility(profile('admin'), facts()).ability;
    expect(admin.can('read', model({ projectId: PROJECT_B }))).toBe(true);
  });

  it('applies a project role to that project only', () => {
    const ability = buildAbility(
      profile('guest', { projects: [{ projectId: PROJECT_A, role: roles.developer }] }),
      facts(),
    ).ability;
    expect(ability.can('edit', model({ projectId: PROJECT_A }))).toBe(true);
    expect(ability.can('edit', model({ projectId: null }))).toBe(false);
    expect(ability.can('edit', model({ projectId: PROJECT_B }))).toBe(false);
    // Project roles never reach organization administration.
    const admin = buildAbility(
      profile('guest', { projects: [{ projectId: PROJECT_A, role: roles.admin }] }),
      facts(),
    ).ability;
    expect(admin.can('manage', subject('Member', { organizationId: ORG }))).toBe(false);
  });

  it('gives nothing to a non-member or an expired membership', () => {
    expect(buildAbility(profile('admin', { membership: null }), facts()).ability.rules).toEqual([]);
    const expired = profile('admin', {
      membership: { role: roles.admin, expiresAt: new Date('2025-01-01T00:00:00Z') },
    });
    expect(buildAbility(expired, facts()).ability.can('read', model())).toBe(false);
  });

  it('lets job:read see own jobs and project jobs, job:read-all every job', () => {
    const guest = buildAbility(
      profile('guest', { projects: [{ projectId: PROJECT_A, role: roles.guest }] }),
      facts(),
    ).ability;
    const job = (patch: Record<string, unknown>) =>
      subject('Job', { organizationId: ORG, projectId: null, ownerId: 'someone', ...patch });
    expect(guest.can('read', job({ ownerId: USER }))).toBe(true);
    expect(guest.can('read', job({ projectId: PROJECT_A }))).toBe(true);
    expect(guest.can('read', job({}))).toBe(false);
    expect(buildAbility(profile('admin'), facts()).ability.can('read', job({}))).toBe(true);
  });
});

describe('ability factory: grants', () => {
  const grant = {
    id: 'g1',
    modelId: FF_PRO,
    actions: ['infer' as const, 'view' as const],
    conditions: {},
    expiresAt: null,
  };

  it('a grant {infer, view} lets the grantee run but not edit, export or delete that model', () => {
    const ability = buildAbility(
      profile('guest', { membership: { role: { ...roles.guest, permissions: [] }, expiresAt: null }, grants: [grant] }),
      facts(),
    ).ability;
    expect(ability.can('read', model({ id: FF_PRO }))).toBe(true);
    expect(ability.can('infer', model({ id: FF_PRO }))).toBe(true);
    expect(ability.can('edit', model({ id: FF_PRO }))).toBe(false);
    expect(ability.can('export', model({ id: FF_PRO }))).toBe(false);
    expect(ability.can('delete', model({ id: FF_PRO }))).toBe(false);
    expect(ability.can('infer', model({ id: OTHER_MODEL }))).toBe(false);
    expect(ability.can('infer', subject('ModelVersion', { modelId: FF_PRO, organizationId: ORG, id: 'v1' }))).toBe(
      true,
    );
  });

  it('ignores expired grants and grants whose context conditions fail', () => {
    const expired = { ...grant, expiresAt: new Date('2025-01-01T00:00:00Z') };
    expect(
      buildAbility(profile('guest', { grants: [expired] }), facts()).ability.can('infer', model({ id: FF_PRO })),
    ).toBe(false);
    const officeOnly = { ...grant, conditions: { sourceIp: { in: ['10.0.0.0/8'] } } };
    const built = buildAbility(profile('guest', { grants: [officeOnly] }), facts());
    expect(built.ability.can('infer', model({ id: FF_PRO }))).toBe(false);
    expect(built.skipped).toEqual([{ kind: 'grant', id: 'g1' }]);
    expect(
      buildAbility(profile('guest', { grants: [officeOnly] }), facts({ ip: '10.0.0.7' })).ability.can(
        'infer',
        model({ id: FF_PRO }),
      ),
    ).toBe(true);
  });
});

describe('ability factory: ABAC policy examples', () => {
  it('"model ff-pro only from 10.0.0.0/8"', () => {
    const p = policy({ actions: ['model:*'], conditions: { modelIds: [FF_PRO], sourceIp: { notIn: ['10.0.0.0/8'] } } });
    const outside = buildAbility(profile('admin', { policies: [p] }), facts({ ip: '203.0.113.9' })).ability;
    expect(outside.can('read', model({ id: FF_PRO }))).toBe(false);
    expect(outside.can('infer', model({ id: FF_PRO }))).toBe(false);
    expect(outside.can('read', model({ id: OTHER_MODEL }))).toBe(true);
    const inside = buildAbility(profile('admin', { policies: [p] }), facts({ ip: '10.4.4.4' })).ability;
    expect(inside.can('infer', model({ id: FF_PRO }))).toBe(true);
  });

  it('"test models only Monday–Friday 09:00–18:00 Asia/Shanghai"', () => {
    const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' };
    const p = policy({
      actions: ['model:test', 'model:infer'],
      conditions: { labels: ['test'], time: { outside: [office] } },
    });
    const testModel = model({ labels: ['test', 'swap'] });
    const monday10 = buildAbility(
      profile('admin', { policies: [p] }),
      facts({ now: new Date('2025-01-06T02:00:00Z') }),
    ).ability;
    expect(monday10.can('test', testModel)).toBe(true);
    const monday19 = buildAbility(
      profile('admin', { policies: [p] }),
      facts({ now: new Date('2025-01-06T11:00:00Z') }),
    ).ability;
    expect(monday19.can('test', testModel)).toBe(false);
    expect(monday19.can('infer', testModel)).toBe(false);
    expect(monday19.can('infer', model({ labels: ['swap'] }))).toBe(true);
    const saturday = buildAbility(
      profile('admin', { policies: [p] }),
      facts({ now: new Date('2025-01-11T02:00:00Z') }),
    ).ability;
    expect(saturday.can('test', testModel)).toBe(false);
  });

  it('"export requires MFA"', () => {
    const p = policy({ actions: ['model:export'], conditions: { mfa: false } });
    expect(
      buildAbility(profile('admin', { policies: [p] }), facts({ mfa: false })).ability.can('export', model()),
    ).toBe(false);
    expect(buildAbility(profile('admin', { policies: [p] }), facts({ mfa: true })).ability.can('export', model())).toBe(
      true,
    );
  });

  it('"deny delete to everyone but admins"', () => {
    const p = policy({ actions: ['model:delete'], principals: { all: true, exceptRoles: [ADMIN_ROLE] } });
    const dev = profile('developer', {
      policies: [p],
      grants: [{ id: 'g', modelId: OTHER_MODEL, actions: ['delete'], conditions: {}, expiresAt: null }],
    });
    expect(buildAbility(dev, facts()).ability.can('delete', model())).toBe(false);
    expect(buildAbility(profile('admin', { policies: [p] }), facts()).ability.can('delete', model())).toBe(true);
  });

  it('deny wins over allow whatever the order they were written in', () => {
    const allow = policy({ id: 'a', effect: 'allow', actions: ['model:export'], principals: { roles: [DEV_ROLE] } });
    const deny = policy({ id: 'd', effect: 'deny', actions: ['model:export'], principals: { roles: [DEV_ROLE] } });
    for (const policies of [
      [allow, deny],
      [deny, allow],
    ]) {
      expect(buildAbility(profile('developer', { policies }), facts()).ability.can('export', model())).toBe(false);
    }
    expect(buildAbility(profile('developer', { policies: [allow] }), facts()).ability.can('export', model())).toBe(
      true,
    );
  });

  it('policies address principals by role, user, project and exceptions', () => {
    const byUser = policy({ actions: ['model:read'], principals: { users: [USER] } });
    expect(buildAbility(profile('admin', { policies: [byUser] }), facts()).ability.can('read', model())).toBe(false);
    const byProject = policy({ actions: ['model:read'], principals: { projects: [PROJECT_A] } });
    expect(buildAbility(profile('admin', { policies: [byProject] }), facts()).ability.can('read', model())).toBe(true);
    const member = profile('admin', { policies: [byProject], projects: [{ projectId: PROJECT_A, role: roles.guest }] });
    expect(buildAbility(member, facts()).ability.can('read', model())).toBe(false);
    const exceptMe = policy({ actions: ['model:read'], principals: { all: true, exceptUsers: [USER] } });
    expect(buildAbility(profile('guest', { policies: [exceptMe] }), facts()).ability.can('read', model())).toBe(true);
  });

  it('an unconditional deny also fails the route-level check', () => {
    const p = policy({ actions: ['model:delete'], principals: { all: true } });
    expect(buildAbility(profile('admin', { policies: [p] }), facts()).ability.can('delete', 'Model')).toBe(false);
    expect(buildAbility(profile('admin'), facts()).ability.can('delete', 'Model')).toBe(true);
  });
});

describe('ability factory: API key scope', () => {
  it('keeps only the key permissions and its project', () => {
    const scoped = buildAbility(profile('admin'), facts(), {
      permissions: ['model:read', 'model:infer'],
      projectId: PROJECT_A,
    }).ability;
    expect(scoped.can('infer', model({ projectId: PROJECT_A }))).toBe(true);
    expect(scoped.can('infer', model({ projectId: null }))).toBe(false);
    expect(scoped.can('export', model({ projectId: PROJECT_A }))).toBe(false);
    expect(scoped.can('manage', subject('Member', { organizationId: ORG }))).toBe(false);
  });

  it('cannot exceed the creator: scope permissions the creator lacks give nothing', () => {
    const ability = buildAbility(profile('guest'), facts(), { permissions: ['model:export', 'model:read'] }).ability;
    expect(ability.can('export', model())).toBe(false);
    expect(ability.can('read', model())).toBe(true);
  });
});

describe('contextKey', () => {
  it('differs exactly when a context condition flips', () => {
    const p = policy({ actions: ['model:export'], conditions: { mfa: false } });
    const prof = profile('admin', { policies: [p] });
    expect(contextKey(prof, facts({ ip: '1.1.1.1' }))).toBe(contextKey(prof, facts({ ip: '2.2.2.2' })));
    expect(contextKey(prof, facts({ mfa: true }))).not.toBe(contextKey(prof, facts({ mfa: false })));
  });
});

describe('ability factory: merged grants', () => {
  const models = Array.from(
    { length: 40 },
    (_, i) => `00000000-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`,
  );
  const OUTSIDE = '00000000-0000-4000-8000-0000000002ff';
  const grant = (modelId: string, i: number, patch: Partial<PrincipalProfile['grants'][number]> = {}) => ({
    id: `00000000-0000-4000-8000-0000000003${String(i).padStart(2, '0')}`,
    modelId,
    actions: ['view' as const, 'infer' as const],
    conditions: {},
    expiresAt: null,
    ...patch,
  });
  const guestWith = (grants: PrincipalProfile['grants'], policies: ProfilePolicy[] = []) =>
    profile('guest', { grants, policies });
  const inferRules = (p: PrincipalProfile, grantRules?: 'merged' | 'per-grant') =>
    buildAbility(p, facts(), undefined, { grantRules })
      .ability.rulesFor('infer', 'Model')
      .filter((r) => !r.inverted);

  it('writes the grants of one action as one rule over the models, and decides as one rule per grant does', () => {
    const p = guestWith(models.map((m, i) => grant(m, i)));
    expect(inferRules(p)).toHaveLength(1);
    expect(inferRules(p, 'per-grant')).toHaveLength(models.length);
    const withProjects = profile('developer', {
      grants: p.grants,
      projects: [
        { projectId: PROJECT_A, role: roles.developer },
        { projectId: PROJECT_B, role: { id: 'tester', name: 'tester', permissions: [...BUILT_IN_ROLES.tester] } },
      ],
    });
    for (const who of [p, withProjects]) {
      const merged = buildAbility(who, facts()).ability;
      const perGrant = buildAbility(who, facts(), undefined, { grantRules: 'per-grant' }).ability;
      for (const id of [...models, OUTSIDE, FF_PRO]) {
        for (const projectId of [null, PROJECT_A, PROJECT_B]) {
          for (const action of ['read', 'infer', 'edit', 'test', 'export', 'delete'] as const) {
            expect(merged.can(action, model({ id, projectId }))).toBe(perGrant.can(action, model({ id, projectId })));
          }
        }
      }
      for (const action of ['read', 'create', 'cancel'] as const) {
        for (const projectId of [null, PROJECT_A, PROJECT_B]) {
          const job = subject('Job', { id: OUTSIDE, organizationId: ORG, projectId, ownerId: FF_PRO });
          expect(merged.can(action, job)).toBe(perGrant.can(action, job));
        }
      }
    }
  });

  it('still refuses a model outside the granted list, and another organization’s row with a granted id', () => {
    const ability = buildAbility(guestWith(models.map((m, i) => grant(m, i))), facts()).ability;
    expect(ability.can('infer', model({ id: models[17] }))).toBe(true);
    expect(ability.can('infer', model({ id: OUTSIDE }))).toBe(false);
    expect(ability.can('export', model({ id: models[17] }))).toBe(false);
    expect(ability.can('infer', model({ id: models[17], organizationId: OTHER_ORG }))).toBe(false);
    expect(ability.can('infer', subject('ModelVersion', { ...model({ id: OUTSIDE }), modelId: models[3] }))).toBe(true);
    expect(ability.can('infer', subject('ModelVersion', { ...model({ id: models[3] }), modelId: OUTSIDE }))).toBe(
      false,
    );
  });

  it('a deny rule beats a merged allow, on the models it names and no others', () => {
    const ability = buildAbility(
      guestWith(
        models.map((m, i) => grant(m, i)),
        [policy({ actions: ['model:infer'], conditions: { modelIds: [models[5], models[30]] } })],
      ),
      facts(),
    ).ability;
    expect(ability.can('infer', model({ id: models[5] }))).toBe(false);
    expect(ability.can('infer', model({ id: models[30] }))).toBe(false);
    expect(ability.can('infer', model({ id: models[6] }))).toBe(true);
    expect(ability.can('read', model({ id: models[5] }))).toBe(true);
  });

  it('keeps grants with different conditions apart, and leaves out those whose context does not hold', () => {
    const p = guestWith([
      grant(models[0], 0),
      grant(models[1], 1, { conditions: { stages: ['staging'] } }),
      grant(models[2], 2, { conditions: { sourceIp: { in: ['10.0.0.0/8'] } } }),
      grant(models[3], 3, { expiresAt: new Date('2020-01-01T00:00:00Z') }),
    ]);
    const ability = buildAbility(p, facts()).ability;
    expect(ability.can('infer', model({ id: models[0] }))).toBe(true);
    expect(ability.can('infer', model({ id: models[1], stage: 'staging' }))).toBe(true);
    expect(ability.can('infer', model({ id: models[1], stage: 'production' }))).toBe(false);
    expect(ability.can('infer', model({ id: models[2] }))).toBe(false);
    expect(buildAbility(p, facts({ ip: '10.1.2.3' })).ability.can('infer', model({ id: models[2] }))).toBe(true);
    expect(ability.can('infer', model({ id: models[3] }))).toBe(false);
  });
});
