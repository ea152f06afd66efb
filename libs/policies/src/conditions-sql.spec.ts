import { createMongoAbility, type RawRuleOf } from '@casl/ability';
import { rulesToSql, type ColumnMap } from './conditions-sql.js';
import type { Action, AppAbility } from './subjects.js';

const ORG = '00000000-0000-4000-8000-000000000001';
const P1 = '00000000-0000-4000-8000-0000000000d1';
const P2 = '00000000-0000-4000-8000-0000000000d2';
const P3 = '00000000-0000-4000-8000-0000000000d3';
const models = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const PROBE: ColumnMap = {
  id: { column: 'id' },
  organizationId: { column: 'organization_id' },
  projectId: { column: 'project_id' },
  ownerId: { column: 'owner_id' },
  stage: { column: 'stage' },
  labels: { column: 'labels', array: true },
};

type Rule = RawRuleOf<AppAbility>;
const allow = (conditions?: Rule['conditions'], action: Action = 'read'): Rule => ({
  action,
  subject: 'Model',
  conditions,
});
const deny = (conditions?: Rule['conditions']): Rule => ({
  action: 'read',
  subject: 'Model',
  conditions,
  inverted: true,
});

/** The SQL for `read Model` with every placeholder replaced by its value, so a test reads the whole condition. */
function sqlFor(rules: Rule[], columns: ColumnMap = PROBE): { sql: string; params: Record<string, unknown> } {
  const { sql, params } = rulesToSql(createMongoAbility<AppAbility>(rules), 'read', 'Model', 'm', columns);
  const inlined = sql.replace(/:(authz\d+_\d+)/g, (_, name: string) => {
    const value = params[name];
    return Array.isArray(value) ? `{${[...value].sort().join(',')}}` : `'${String(value)}'`;
  });
  return { sql: inlined.replaceAll('"m".', '').replaceAll('"', ''), params };
}

// Rules are listed lowest priority first, as the ability factory writes them (allows, then denies).
const guestRules = (): Rule[] => [
  allow({ organizationId: ORG, projectId: null }),
  allow({ organizationId: ORG, projectId: { $in: [P1, P2, P3] } }),
  ...[P1, P2, P3].map((projectId) => allow({ organizationId: ORG, projectId })),
  ...models.map((id) => allow({ organizationId: ORG, id })),
];

describe('rulesToSql', () => {
  it('merges one grant per model into a single = ANY(array), and project roles into one project test', () => {
    const { sql, params } = sqlFor(guestRules());
    expect(sql).toBe(
      `(organization_id = '${ORG}' AND ((id = ANY({${models.join(',')}})) OR ((project_id = ANY({${P1},${P2},${P3}}) OR project_id IS NULL))))`,
    );
    // The organization id is sent once, not once per rule.
    expect(Object.values(params).filter((v) => v === ORG)).toHaveLength(1);
  });

  it('keeps a deny on one granted model: the model stays in the merged grants and is excluded once', () => {
    const { sql } = sqlFor([...guestRules(), deny({ organizationId: ORG, id: models[7] })]);
    expect(sql).toBe(
      `(NOT COALESCE(organization_id = '${ORG}' AND id = '${models[7]}', FALSE) AND ` +
        `(organization_id = '${ORG}' AND ((id = ANY({${models.join(',')}})) OR ((project_id = ANY({${P1},${P2},${P3}}) OR project_id IS NULL)))))`,
    );
  });

  it('merges deny rules too, counting a NULL comparison as no match', () => {
    const { sql } = sqlFor([
      allow({ organizationId: ORG }),
      deny({ organizationId: ORG, projectId: P1 }),
      deny({ organizationId: ORG, projectId: P2 }),
      deny({ organizationId: ORG, projectId: null }),
    ]);
    expect(sql).toBe(
      `(NOT COALESCE(organization_id = '${ORG}' AND (project_id = ANY({${P1},${P2}}) OR project_id IS NULL), FALSE) AND (organization_id = '${ORG}'))`,
    );
  });

  it('keeps rules with other conditions apart, grouping those whose other conditions are identical', () => {
    const { sql } = sqlFor([
      allow({ organizationId: ORG, id: models[0] }),
      allow({ organizationId: ORG, id: models[1] }),
      allow({ organizationId: ORG, id: models[2], labels: { $in: ['swap'] } }),
      allow({ organizationId: ORG, id: models[3], labels: { $in: ['swap'] } }),
      allow({ organizationId: ORG, id: models[4], stage: { $in: ['staging'] } }),
    ]);
    expect(sql).toBe(
      `(organization_id = '${ORG}' AND ((stage = 'staging' AND id = '${models[4]}') OR ` +
        `(COALESCE(labels && {swap}::text[], FALSE) AND id = ANY({${models[2]},${models[3]}})) OR ` +
        `(id = ANY({${models[0]},${models[1]}}))))`,
    );
  });

  it('applies a deny only to the allows it outranks', () => {
    // Priority, highest first: allow P2, deny labelled test, allow P1.
    const { sql } = sqlFor([
      allow({ organizationId: ORG, projectId: P1 }),
      deny({ organizationId: ORG, labels: { $in: ['test'] } }),
      allow({ organizationId: ORG, projectId: P2 }),
    ]);
    expect(sql).toBe(
      `((organization_id = '${ORG}' AND project_id = '${P2}') OR ` +
        `(NOT COALESCE(organization_id = '${ORG}' AND COALESCE(labels && {test}::text[], FALSE), FALSE) AND ` +
        `(organization_id = '${ORG}' AND project_id = '${P1}')))`,
    );
  });

  it('an unconditional deny hides what lower-priority allows gave, not what higher ones give', () => {
    expect(sqlFor([allow({ organizationId: ORG, projectId: P1 }), deny()]).sql).toBe('FALSE');
    expect(sqlFor([allow({ organizationId: ORG, projectId: P1 }), deny(), allow({ id: models[0] })]).sql).toBe(
      `(id = '${models[0]}')`,
    );
  });

  it('an unconditional allow makes the set true, and a rule on an absent column is never true', () => {
    expect(sqlFor([allow({ organizationId: ORG, id: models[0] }), allow({})]).sql).toBe('(TRUE)');
    expect(sqlFor([allow({ stage: 'staging' })], { ...PROBE, stage: null }).sql).toBe('(FALSE)');
    // In a deny, the same test counts as matching: the row is hidden rather than wrongly shown.
    expect(sqlFor([allow({}), deny({ stage: 'archived' })], { ...PROBE, stage: null }).sql).toBe(
      '(NOT COALESCE(TRUE, FALSE) AND (TRUE))',
    );
  });

  it('does not merge array columns, $or conditions or non-text values', () => {
    const { sql } = sqlFor([
      allow({ labels: 'a' }),
      allow({ labels: 'b' }),
      allow({ $or: [{ projectId: P1 }, { ownerId: P2 }] }),
      allow({ stage: { $in: [1, 2] as unknown as string[] } }),
    ]);
    expect(sql).toBe(
      `((stage = ANY({1,2})) OR ('b' = ANY(labels)) OR ('a' = ANY(labels)) OR ((project_id = '${P1}' OR owner_id = '${P2}')))`,
    );
  });
});
