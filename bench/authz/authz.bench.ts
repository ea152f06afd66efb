/**
 * Authorization costs:
 * - for a principal with ~290 rules when written one per grant (role permissions + per-model grants +
 *   ABAC policies): ability build time and `can()` on a row with conditions (µs, p50/p99), with
 *   grants merged per action (as the project builds abilities), one rule per grant, and plain CASL
 *   on a hand-written equivalent rule set, in the same run, with the ratios;
 * - list filtering of 10 000 models in PostgreSQL with the ability turned into SQL, against the
 *   same query without the filter;
 * - the same decision through `POST /orgs/:orgId/authz/check` (authentication + guard + check)
 *   against an unguarded `@Public()` route, in the same run (Fastify inject, no socket).
 *
 *   npm run build:tools && node dist/bench/authz/authz.bench.js      (or: npm run bench:authz)
 *   env: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 *        BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_REQUESTS (default 2000)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createMongoAbility, subject, type MongoQuery, type RawRuleOf } from '@casl/ability';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { UserService } from '#libs/auth';
import { BUILT_IN_ROLES, Public, RequestContext } from '#libs/common';
import { OrganizationService } from '#libs/organizations';
import {
  buildAbility,
  contextHolds,
  PolicyService,
  type Action,
  type AppAbility,
  type PrincipalProfile,
  type RequestFacts,
} from '#libs/policies';
import { figure, report } from '../support/report.js';
import { createBenchApp, scratchConfig, withScratch } from '../support/scratch.js';
import { stats, Timings, type Summary } from '../support/stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const MODELS = 10_000;

@Controller('bench')
class BenchController {
  @Public()
  @Post('open')
  @HttpCode(200)
  open(@Body() body: unknown) {
    return { results: [{ allowed: body !== undefined }] };
  }
}

@Module({ controllers: [BenchController] })
class BenchModule {}

const fmt = (n: number) => n.toFixed(2).padStart(9);

function line(label: string, s: Summary): string {
  return `${label.padEnd(38)}${fmt(s.p50)}${fmt(s.p99)}${fmt(s.mean)}`;
}

/** A developer with grants on 80 models and 6 ABAC policies: ~200 CASL rules. */
function bigProfile(orgId: string, userId: string, modelIds: string[]): PrincipalProfile {
  const role = { id: randomUUID(), name: 'developer', permissions: [...BUILT_IN_ROLES.developer] };
  return {
    userId,
    organizationId: orgId,
    organization: { allowedIpRanges: [], mfaRequiredRoles: [] },
    membership: { role, expiresAt: null },
    projects: [{ projectId: randomUUID(), role }],
    grants: modelIds.slice(0, 80).map((modelId, i) => ({
      id: randomUUID(),
      modelId,
      actions: i % 2 ? ['view', 'infer'] : ['export'],
      conditions: i % 5 === 0 ? { sourceIp: { in: ['10.0.0.0/8'] } } : {},
      expiresAt: null,
    })),
    policies: [
      {
        id: 'p1',
        name: 'ff-pro',
        effect: 'deny',
        actions: ['model:*'],
        principals: { all: true },
        conditions: { modelIds: modelIds.slice(0, 3), sourceIp: { notIn: ['10.0.0.0/8'] } },
      },
      {
        id: 'p2',
        name: 'office hours',
        effect: 'deny',
        actions: ['model:test'],
        principals: { all: true },
        conditions: {
          labels: ['test'],
          time: { outside: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' }] },
        },
      },
      {
        id: 'p3',
        name: 'export mfa',
        effect: 'deny',
        actions: ['model:export'],
        principals: { all: true },
        conditions: { mfa: false },
      },
      {
        id: 'p4',
        name: 'delete admins',
        effect: 'deny',
        actions: ['model:delete'],
        principals: { all: true, exceptRoles: ['x'] },
        conditions: {},
      },
      {
        id: 'p5',
        name: 'staging',
        effect: 'allow',
        actions: ['model:test'],
        principals: { all: true },
        conditions: { stages: ['staging'] },
      },
      {
        id: 'p6',
        name: 'archived',
        effect: 'deny',
        actions: ['model:infer'],
        principals: { all: true },
        conditions: { stages: ['archived'] },
      },
    ],
  };
}

async function main(): Promise<void> {
  await withScratch('authz', async (scratch) => {
    const app = await createBenchApp(scratchConfig(scratch), [BenchModule]);
    try {
      await measure(app);
    } finally {
      await app.close();
    }
  });
}

/**
 * The same principal written by hand as plain CASL rules, the way an application without a policy
 * engine would: one rule per permission and scope, grants of one action as one `$in` rule, the
 * policies whose context holds for these facts as inverted rules. Computed once; only
 * `createMongoAbility` is timed for it.
 */
function handWrittenRules(profile: PrincipalProfile, facts: RequestFacts): RawRuleOf<AppAbility>[] {
  const org = { organizationId: profile.organizationId };
  const projects = profile.projects.map((p) => p.projectId);
  const rules: RawRuleOf<AppAbility>[] = [
    { action: 'read', subject: 'Organization', conditions: { id: profile.organizationId } },
    { action: 'read', subject: 'Role', conditions: org },
    { action: 'read', subject: 'Member', conditions: org },
    { action: 'read', subject: 'Project', conditions: { ...org, id: { $in: projects } } },
    { action: 'create', subject: 'Job', conditions: org },
    { action: 'cancel', subject: 'Job', conditions: { ...org, ownerId: profile.userId } },
    { action: 'read', subject: 'Job', conditions: { ...org, ownerId: profile.userId } },
    { action: 'read', subject: 'Job', conditions: { ...org, projectId: { $in: projects } } },
  ];
  const models = (verb: Action, extra: Record<string, unknown>, inverted = false) => {
    rules.push({ action: verb, subject: 'Model', conditions: { ...org, ...extra } as MongoQuery, inverted });
    const version = 'id' in extra ? { ...extra, modelId: extra.id, id: undefined } : extra;
    if ('id' in extra) delete version.id;
    rules.push({ action: verb, subject: 'ModelVersion', conditions: { ...org, ...version } as MongoQuery, inverted });
  };
  for (const verb of ['read', 'create', 'edit', 'infer'] as const) {
    models(verb, { projectId: null });
    models(verb, { projectId: { $in: projects } });
  }
  const granted = new Map<Action, string[]>();
  for (const g of profile.grants) {
    if (!contextHolds(g.conditions, facts)) continue;
    for (const a of g.actions) {
      const verb = (a === 'view' ? 'read' : a) as Action;
      granted.set(verb, [...(granted.get(verb) ?? []), g.modelId]);
    }
  }
  for (const [verb, ids] of granted) models(verb, { id: { $in: ids } });
  models('test', { stage: { $in: ['staging'] } });
  for (const p of profile.policies) {
    if (p.effect !== 'deny' || !contextHolds(p.conditions, facts, 'deny')) continue;
    const c = p.conditions;
    const extra = {
      ...(c.modelIds ? { id: { $in: c.modelIds } } : {}),
      ...(c.stages ? { stage: { $in: c.stages } } : {}),
      ...(c.labels ? { labels: { $in: c.labels } } : {}),
    };
    const verbs = p.actions.includes('model:*')
      ? (['read', 'create', 'edit', 'delete', 'infer', 'test', 'export', 'grant'] as const)
      : p.actions.map((a) => a.split(':')[1] as Action);
    for (const verb of verbs) models(verb, extra, true);
  }
  return rules;
}

async function measure(app: NestFastifyApplication): Promise<void> {
  // ---- ability build and can() -------------------------------------------------------------
  // Three abilities for one principal, measured interleaved in this run: the project's (grants of
  // one action merged into one `$in` rule), the project's with one rule per grant (the shape
  // `explain` uses, and the one every decision used before grants were merged), and plain CASL on
  // a hand-written equivalent rule set.
  const orgIdPure = randomUUID();
  const modelIds = Array.from({ length: 100 }, () => randomUUID());
  const profile = bigProfile(orgIdPure, randomUUID(), modelIds);
  const facts = { ip: '10.1.2.3', now: new Date(), mfa: false };
  const perGrant = { grantRules: 'per-grant' as const };
  const merged = buildAbility(profile, facts).ability;
  const unmerged = buildAbility(profile, facts, undefined, perGrant).ability;
  const raw = handWrittenRules(profile, facts);
  const handWritten = createMongoAbility<AppAbility>(raw);
  const rows = Array.from({ length: 1000 }, (_, i) =>
    subject('Model', {
      id: modelIds[i % modelIds.length],
      organizationId: orgIdPure,
      projectId: null,
      ownerId: null,
      stage: i % 3 ? 'production' : 'staging',
      labels: i % 4 ? [] : ['test'],
    }),
  );
  // The hand-written set must decide exactly as the project does, or the comparison means nothing.
  const probes = [
    ...rows.slice(0, 100),
    ...modelIds.map((id, i) =>
      subject('Model', {
        id,
        organizationId: orgIdPure,
        projectId: i % 2 ? randomUUID() : null,
        ownerId: null,
        stage: ['production', 'staging', 'archived'][i % 3],
        labels: i % 4 ? [] : ['test'],
      }),
    ),
  ];
  for (const row of probes) {
    for (const action of ['read', 'create', 'edit', 'delete', 'infer', 'test', 'export', 'grant'] as const) {
      const expected = merged.can(action, row);
      if (unmerged.can(action, row) !== expected || handWritten.can(action, row) !== expected) {
        throw new Error(`the abilities disagree on ${action} ${JSON.stringify(row)}`);
      }
    }
  }
  const BUILDS = 3000;
  const build = { merged: new Timings(BUILDS), unmerged: new Timings(BUILDS), plain: new Timings(BUILDS) };
  for (let i = 0; i < BUILDS; i++) {
    let start = performance.now();
    buildAbility(profile, facts);
    build.merged.since(start);
    start = performance.now();
    buildAbility(profile, facts, undefined, perGrant);
    build.unmerged.since(start);
    start = performance.now();
    createMongoAbility<AppAbility>(raw);
    build.plain.since(start);
  }
  const ROUNDS = 50;
  const checks = ROUNDS * rows.length;
  const can = { merged: new Timings(checks), unmerged: new Timings(checks), plain: new Timings(checks) };
  let allowed = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of rows) {
      let start = performance.now();
      if (merged.can('infer', row)) allowed++;
      can.merged.since(start);
      start = performance.now();
      unmerged.can('infer', row);
      can.unmerged.since(start);
      start = performance.now();
      handWritten.can('infer', row);
      can.plain.since(start);
    }
  }
  const s = {
    build: {
      merged: build.merged.summary(),
      unmerged: build.unmerged.summary(),
      plain: build.plain.summary(),
    },
    can: {
      merged: can.merged.summary(),
      unmerged: can.unmerged.summary(),
      plain: can.plain.summary(),
    },
  };
  const share = ((allowed / checks) * 100).toFixed(0);
  console.log('one principal: developer role, a project role, 80 grants, 6 ABAC policies');
  console.log(
    `rules: ${merged.rules.length} (grants merged per action), ${unmerged.rules.length} (one rule per grant), ` +
      `${raw.length} (hand-written CASL); decisions agree on ${probes.length} rows × 8 actions`,
  );
  console.log(`${''.padEnd(38)}${'p50 µs'.padStart(9)}${'p99 µs'.padStart(9)}${'mean µs'.padStart(9)}`);
  console.log(line('ability build, grants merged', s.build.merged));
  console.log(line('ability build, one rule per grant', s.build.unmerged));
  console.log(line('raw CASL createMongoAbility(hand rules)', s.build.plain));
  console.log(line(`can('infer', row), grants merged (${share}%)`, s.can.merged));
  console.log(line("can('infer', row), one rule per grant", s.can.unmerged));
  console.log(line("raw CASL can('infer', row)", s.can.plain));
  const ratio = (a: Summary, b: Summary) => `p50 ${(a.p50 / b.p50).toFixed(2)}x, p99 ${(a.p99 / b.p99).toFixed(2)}x`;
  console.log(`can() merged / raw CASL: ${ratio(s.can.merged, s.can.plain)} (goal ≤ 1.2x; p99 ≤ 2 µs)`);
  console.log(`can() one rule per grant / merged: ${ratio(s.can.unmerged, s.can.merged)}`);
  console.log(`ability build merged / raw CASL build: ${ratio(s.build.merged, s.build.plain)} (goal p99 ≤ 500 µs)`);

  // ---- list filtering on 10 000 models -------------------------------------------------------
  const users = app.get(UserService);
  const password = 'bench passphrase of decent length';
  const email = `bench-${randomBytes(3).toString('hex')}@example.test`;
  const user = await users.create(RequestContext.system('bench'), { email, password });
  const creator = new RequestContext({ requestId: 'bench', actor: { type: 'user', id: user.id, userId: user.id } });
  const org = await app
    .get(OrganizationService)
    .create(creator, { name: 'Bench', slug: `bench-${randomBytes(3).toString('hex')}` });
  const orgCtx = creator.forOrganization(org.id);
  await app.get(OrganizationService).update(orgCtx, { mfaRequiredRoles: [] });
  const db = app.get(DataSource);
  const projects: string[] = [];
  for (let i = 0; i < 20; i++) {
    const [p] = (await db.query(`INSERT INTO project (organization_id, name, slug) VALUES ($1, $2, $2) RETURNING id`, [
      org.id,
      `p${i}`,
    ])) as { id: string }[];
    projects.push(p.id);
  }
  await db.query(
    `INSERT INTO model (organization_id, project_id, name, slug, kind, family, labels, owner_id)
       SELECT $1, CASE WHEN g % 4 = 0 THEN NULL ELSE ($2::uuid[])[1 + g % 20] END, 'm' || g, 'm' || g, 'face_swapper', 'inswapper',
              CASE WHEN g % 7 = 0 THEN ARRAY['test'] ELSE ARRAY['prod'] END, $3
         FROM generate_series(1, ${MODELS}) g`,
    [org.id, projects, user.id],
  );
  await db.query('ANALYZE model');
  // A guest in 3 projects, with grants on 50 models and a deny policy on labels: a realistic filter.
  const [{ id: guestRole }] = (await db.query(`SELECT id FROM role WHERE organization_id = $1 AND name = 'guest'`, [
    org.id,
  ])) as { id: string }[];
  const [guest] = (await db.query(`INSERT INTO user_account (email, display_name) VALUES ($1, 'guest') RETURNING id`, [
    `g-${randomUUID()}@example.test`,
  ])) as { id: string }[];
  await db.query(`INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [
    org.id,
    guest.id,
    guestRole,
  ]);
  for (const p of projects.slice(0, 3))
    await db.query(
      `INSERT INTO project_member (organization_id, project_id, user_id, role_id) VALUES ($1, $2, $3, $4)`,
      [org.id, p, guest.id, guestRole],
    );
  await db.query(
    `INSERT INTO model_grant (organization_id, model_id, grantee_user_id, actions)
       SELECT $1, id, $2, ARRAY['view'] FROM model WHERE organization_id = $1 AND project_id = ANY($3::uuid[]) LIMIT 50`,
    [org.id, guest.id, projects.slice(10)],
  );
  await db.query(
    `INSERT INTO abac_policy (organization_id, name, effect, actions, principals, conditions) VALUES ($1, 'no test', 'deny', ARRAY['model:read'], '{"all": true}', '{"labels": ["test"]}')`,
    [org.id],
  );
  const policies = app.get(PolicyService);
  const guestCtx = new RequestContext({
    requestId: 'bench',
    actor: { type: 'user', id: guest.id, userId: guest.id },
    organizationId: org.id,
  });
  const where = await policies.accessibleWhere(guestCtx, 'read', 'Model', 'm');
  const listFiltered = () =>
    db
      .createQueryBuilder()
      .select(['m.id', 'm.name'])
      .from('model', 'm')
      .where('m.organization_id = :org', { org: org.id })
      .andWhere(where.brackets)
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(50)
      .getRawMany();
  const listAll = () =>
    db
      .createQueryBuilder()
      .select(['m.id', 'm.name'])
      .from('model', 'm')
      .where('m.organization_id = :org', { org: org.id })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(50)
      .getRawMany();
  const countFiltered = async () =>
    Number(
      (await db
        .createQueryBuilder()
        .select('count(*)', 'n')
        .from('model', 'm')
        .where('m.organization_id = :org', { org: org.id })
        .andWhere(where.brackets)
        .getRawOne<{ n: string }>())!.n,
    );
  const visible = await countFiltered();
  const sqlSamples: bigint[] = [];
  for (let i = 0; i < 500; i++) {
    const start = process.hrtime.bigint();
    await policies.accessibleWhere(guestCtx, 'read', 'Model', 'm');
    sqlSamples.push(process.hrtime.bigint() - start);
  }
  const timeQuery = async (fn: () => Promise<unknown>) => {
    const out: bigint[] = [];
    for (let i = 0; i < 200; i++) {
      const start = process.hrtime.bigint();
      await fn();
      out.push(process.hrtime.bigint() - start);
    }
    return out;
  };
  await timeQuery(listAll);
  await timeQuery(listFiltered);
  const plain = [...(await timeQuery(listAll)), ...(await timeQuery(listAll))];
  const filtered = [...(await timeQuery(listFiltered)), ...(await timeQuery(listFiltered))];
  const counting = await timeQuery(countFiltered);
  console.log(
    `\nlist filtering: ${MODELS} models, guest in 3/20 projects + 50 grants + 1 deny policy → ${visible} visible`,
  );
  console.log(line('ability → SQL condition (cached ability)', stats(sqlSamples)));
  console.log(line('first page (50), no filter', stats(plain)));
  console.log(line('first page (50), filtered in SQL', stats(filtered)));
  console.log(line('count(*) of visible rows, filtered', stats(counting)));
  console.log(`filtered / unfiltered p50: ${(stats(filtered).p50 / stats(plain).p50).toFixed(2)}x`);

  // ---- the same decision over HTTP --------------------------------------------------------------
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login answered ${login.statusCode}: ${login.body}`);
  const auth = { authorization: `Bearer ${(login.json() as { accessToken: string }).accessToken}` };
  const [anyModel] = (await db.query(`SELECT id FROM model WHERE organization_id = $1 LIMIT 1`, [org.id])) as {
    id: string;
  }[];
  const payload = { checks: [{ action: 'infer', resource: { type: 'Model', id: anyModel.id } }] };
  const inject = async (url: string, headers: Record<string, string>) => {
    const out: bigint[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = process.hrtime.bigint();
      const res = await app.inject({ method: 'POST', url, headers, payload });
      out.push(process.hrtime.bigint() - start);
      if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
    }
    return out;
  };
  const checkUrl = `/api/v1/orgs/${org.id}/authz/check`;
  await inject('/api/v1/bench/open', {});
  await inject(checkUrl, auth);
  const open = [...(await inject('/api/v1/bench/open', {})), ...(await inject('/api/v1/bench/open', {}))];
  const check = [...(await inject(checkUrl, auth)), ...(await inject(checkUrl, auth))];
  const o = stats(open);
  const c = stats(check);
  console.log(`\nHTTP (inject, ${open.length} requests each)`);
  console.log(line('unguarded @Public() route', o));
  console.log(line('POST authz/check (auth + guard + check)', c));
  console.log(`overhead p50 ${(c.p50 - o.p50).toFixed(1)} µs, ratio p50 ${(c.p50 / o.p50).toFixed(2)}x`);
  report('authz', [
    figure('ability build p99 (grants merged)', s.build.merged.p99, 'µs', ['raw CASL build', s.build.plain.p99]),
    figure("can('infer', row) p50", s.can.merged.p50, 'µs', ['raw CASL', s.can.plain.p50]),
    figure("can('infer', row) p99", s.can.merged.p99, 'µs', ['raw CASL', s.can.plain.p99]),
    figure('first page (50), filtered in SQL, p50', stats(filtered).p50, 'µs', ['unfiltered', stats(plain).p50]),
    figure('POST authz/check p50', c.p50, 'µs', ['unguarded route', o.p50]),
  ]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
