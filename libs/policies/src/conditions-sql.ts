import type { MongoQuery } from '@casl/ability';
import type { Action, AppAbility, SubjectType } from './subjects.js';

/** How a row attribute maps to a column: `null` when the table has no such column. */
export type ColumnSpec = { column: string; array?: boolean } | null;
export type ColumnMap = Record<string, ColumnSpec>;

/** Default columns of each subject's table (snake_case names, as the house migrations use). */
export const DEFAULT_COLUMNS: Record<SubjectType, ColumnMap> = {
  Model: {
    id: { column: 'id' },
    organizationId: { column: 'organization_id' },
    projectId: { column: 'project_id' },
    ownerId: { column: 'owner_id' },
    stage: null,
    labels: { column: 'labels', array: true },
  },
  ModelVersion: {
    id: { column: 'id' },
    modelId: { column: 'model_id' },
    organizationId: { column: 'organization_id' },
    projectId: null,
    ownerId: null,
    stage: { column: 'stage' },
    labels: null,
  },
  Job: {
    id: { column: 'id' },
    organizationId: { column: 'organization_id' },
    projectId: { column: 'project_id' },
    ownerId: { column: 'owner_id' },
    modelId: { column: 'model_id' },
  },
  Project: { id: { column: 'id' }, organizationId: { column: 'organization_id' } },
  Role: { id: { column: 'id' }, organizationId: { column: 'organization_id' } },
  Member: { organizationId: { column: 'organization_id' }, userId: { column: 'user_id' } },
  Policy: { id: { column: 'id' }, organizationId: { column: 'organization_id' } },
  ApiKey: { id: { column: 'id' }, organizationId: { column: 'organization_id' }, projectId: { column: 'project_id' } },
  AuditEvent: { organizationId: { column: 'organization_id' } },
  Organization: { id: { column: 'id' } },
};

export interface SqlCondition {
  /** A boolean SQL expression with `:name` placeholders (TypeORM style). */
  sql: string;
  params: Record<string, unknown>;
}

type Polarity = 'allow' | 'deny';
let sequence = 0;

/**
 * Turns the ability's rules for (action, subject) into one SQL condition on `alias`, so that a
 * list is filtered in the database by exactly the rules `can()` applies to a single row: the row
 * matches some allow rule and no deny rule of higher priority. Conditions on attributes the table
 * lacks are decided conservatively: never true in an allow rule, always true in a deny rule.
 */
export function rulesToSql(
  ability: AppAbility,
  action: Action,
  subject: SubjectType,
  alias: string,
  columns: ColumnMap = DEFAULT_COLUMNS[subject],
): SqlCondition {
  const params: Record<string, unknown> = {};
  const prefix = `authz${(sequence = (sequence + 1) % 1_000_000)}_`;
  let counter = 0;
  const param = (value: unknown): string => {
    const name = `${prefix}${counter++}`;
    params[name] = value;
    return `:${name}`;
  };
  const quotedAlias = `"${alias.replace(/"/g, '""')}"`;

  const leaf = (field: string, op: string, value: unknown, polarity: Polarity): string => {
    if (!(field in columns)) throw new Error(`No column is known for ${subject}.${field}`);
    const spec = columns[field];
    if (spec === null) return polarity === 'allow' ? 'FALSE' : 'TRUE';
    const col = `${quotedAlias}."${spec.column}"`;
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
    if (spec.array) {
      switch (op) {
        case '$eq':
          return value === null ? `(${col} IS NULL OR cardinality(${col}) = 0)` : `${param(value)} = ANY(${col})`;
        case '$ne':
          return `NOT (COALESCE(${param(value)} = ANY(${col}), FALSE))`;
        case '$in':
          return `COALESCE(${col} && ${param(list(value).filter((v) => v !== null))}::text[], FALSE)`;
        case '$nin':
          return `NOT COALESCE(${col} && ${param(list(value).filter((v) => v !== null))}::text[], FALSE)`;
      }
    } else {
      switch (op) {
        case '$eq':
          return value === null ? `${col} IS NULL` : `${col} = ${param(value)}`;
        case '$ne':
          return value === null ? `${col} IS NOT NULL` : `${col} IS DISTINCT FROM ${param(value)}`;
        case '$in':
        case '$nin': {
          const values = list(value);
          const nonNull = values.filter((v) => v !== null);
          const hasNull = nonNull.length !== values.length;
          const parts = [
            ...(nonNull.length ? [`${col} = ANY(${param(nonNull)})`] : []),
            ...(hasNull ? [`${col} IS NULL`] : []),
          ];
          const anyOf = parts.length ? `(${parts.join(' OR ')})` : 'FALSE';
          return op === '$in' ? anyOf : `NOT COALESCE(${anyOf}, FALSE)`;
        }
      }
    }
    throw new Error(`Operator ${op} is not supported in SQL filters`);
  };

  const compile = (query: MongoQuery, polarity: Polarity): string => {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
      if (key === '$and' || key === '$or') {
        const inner = (value as MongoQuery[]).map((q) => compile(q, polarity));
        if (!inner.length) parts.push(key === '$and' ? 'TRUE' : 'FALSE');
        else parts.push(`(${inner.join(key === '$and' ? ' AND ' : ' OR ')})`);
      } else if (key.startsWith('$')) {
        throw new Error(`Operator ${key} is not supported in SQL filters`);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
        for (const [op, operand] of Object.entries(value)) parts.push(leaf(key, op, operand, polarity));
      } else {
        parts.push(leaf(key, '$eq', value, polarity));
      }
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  };

  const denies: string[] = [];
  const allows: string[] = [];
  for (const rule of ability.rulesFor(action, subject)) {
    const conditions = rule.conditions as MongoQuery | undefined;
    if (rule.inverted) {
      // An unconditional deny hides every row that a lower-priority allow would have shown.
      if (!conditions || Object.keys(conditions).length === 0) break;
      // NULL (a comparison with a missing value) must count as "no match", as it does in can().
      denies.push(`COALESCE(${compile(conditions, 'deny')}, FALSE)`);
      continue;
    }
    const condition = conditions ? compile(conditions, 'allow') : 'TRUE';
    allows.push(denies.length ? `((${condition}) AND NOT (${denies.join(' OR ')}))` : `(${condition})`);
  }
  return { sql: allows.length ? `(${allows.join(' OR ')})` : 'FALSE', params };
}
