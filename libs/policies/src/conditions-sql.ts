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

/** One `field op value` test of a rule whose conditions are a plain conjunction. */
interface Atom {
  field: string;
  op: string;
  value: unknown;
  /** Identity of the test, to find rules that share it. */
  key: string;
}

/**
 * Rules ORed together as `rest AND field IN values`: rules that differ only by one equality
 * (a grant per model, a role per project) become one `= ANY(array)` test instead of one branch each.
 */
interface Group {
  rest: Atom[];
  field?: string;
  values: (string | null)[];
}

const isOperatorObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

const canonical = (op: string, value: unknown): unknown =>
  (op === '$in' || op === '$nin') && Array.isArray(value)
    ? value.map((v) => JSON.stringify(v) ?? 'undefined').sort()
    : value;

/** The conjunction of tests a condition object stands for, or `null` when it uses `$and`/`$or`. */
function atomsOf(query: MongoQuery | undefined): Atom[] | null {
  const atoms: Atom[] = [];
  const add = (field: string, op: string, value: unknown) =>
    atoms.push({ field, op, value, key: JSON.stringify([field, op, canonical(op, value)]) ?? '' });
  for (const [field, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (field.startsWith('$')) return null;
    if (isOperatorObject(value)) for (const [op, operand] of Object.entries(value)) add(field, op, operand);
    else add(field, '$eq', value);
  }
  return atoms;
}

/**
 * Turns the ability's rules for (action, subject) into one SQL condition on `alias`, so that a
 * list is filtered in the database by exactly the rules `can()` applies to a single row: the row
 * matches some allow rule and no deny rule of higher priority. Conditions on attributes the table
 * lacks are decided conservatively: never true in an allow rule, always true in a deny rule.
 *
 * Rules that differ only by an equality on one scalar column are merged into `col = ANY(array)`,
 * tests shared by every rule of a set are written once, and each deny rule appears once however
 * many allow rules it outranks, so the condition stays small (and cheap per row) with many grants.
 */
export function rulesToSql(
  ability: AppAbility,
  action: Action,
  subject: SubjectType,
  alias: string,
  columns: ColumnMap = DEFAULT_COLUMNS[subject],
): SqlCondition {
  const params: Record<string, unknown> = {};
  const names = new Map<string, string>();
  const prefix = `authz${(sequence = (sequence + 1) % 1_000_000)}_`;
  let counter = 0;
  // One placeholder per (column, value): the same organization id in every rule is sent once.
  const param = (column: string, value: unknown): string => {
    const key = JSON.stringify([column, value]);
    let name = names.get(key);
    if (!name) {
      name = `${prefix}${counter++}`;
      names.set(key, name);
      params[name] = value;
    }
    return `:${name}`;
  };
  const quotedAlias = `"${alias.replace(/"/g, '""')}"`;

  const leaf = (field: string, op: string, value: unknown, polarity: Polarity): string => {
    if (!(field in columns)) throw new Error(`No column is known for ${subject}.${field}`);
    const spec = columns[field];
    if (spec === null) return polarity === 'allow' ? 'FALSE' : 'TRUE';
    const col = `${quotedAlias}."${spec.column}"`;
    const p = (v: unknown) => param(`${spec.column}${spec.array ? '[]' : ''}`, v);
    const list = (v: unknown) => (Array.isArray(v) ? v : [v]);
    if (spec.array) {
      switch (op) {
        case '$eq':
          return value === null ? `(${col} IS NULL OR cardinality(${col}) = 0)` : `${p(value)} = ANY(${col})`;
        case '$ne':
          return `NOT (COALESCE(${p(value)} = ANY(${col}), FALSE))`;
        case '$in':
          return `COALESCE(${col} && ${p(list(value).filter((v) => v !== null))}::text[], FALSE)`;
        case '$nin':
          return `NOT COALESCE(${col} && ${p(list(value).filter((v) => v !== null))}::text[], FALSE)`;
      }
    } else {
      switch (op) {
        case '$eq':
          return value === null ? `${col} IS NULL` : `${col} = ${p(value)}`;
        case '$ne':
          return value === null ? `${col} IS NOT NULL` : `${col} IS DISTINCT FROM ${p(value)}`;
        case '$in':
        case '$nin': {
          const values = list(value);
          const nonNull = values.filter((v) => v !== null);
          const hasNull = nonNull.length !== values.length;
          const parts = [
            ...(nonNull.length === 1 ? [`${col} = ${p(nonNull[0])}`] : []),
            ...(nonNull.length > 1 ? [`${col} = ANY(${p(nonNull)})`] : []),
            ...(hasNull ? [`${col} IS NULL`] : []),
          ];
          const anyOf = parts.length > 1 ? `(${parts.join(' OR ')})` : (parts[0] ?? 'FALSE');
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
      } else if (isOperatorObject(value)) {
        for (const [op, operand] of Object.entries(value)) parts.push(leaf(key, op, operand, polarity));
      } else {
        parts.push(leaf(key, '$eq', value, polarity));
      }
    }
    return parts.length ? parts.join(' AND ') : 'TRUE';
  };

  /** The values an atom accepts when it is an equality (or IN) on a scalar column, else undefined. */
  const mergeable = (atom: Atom): (string | null)[] | undefined => {
    const spec = columns[atom.field];
    if (!spec || spec.array || !Object.prototype.hasOwnProperty.call(columns, atom.field)) return undefined;
    const plain = (v: unknown): v is string | null => typeof v === 'string' || v === null;
    if (atom.op === '$eq' && plain(atom.value)) return [atom.value];
    if (atom.op === '$in' && Array.isArray(atom.value) && atom.value.every(plain)) return atom.value;
    return undefined;
  };

  /** Partitions conjunctions into groups whose members differ only by one mergeable equality. */
  const groupsOf = (rules: Atom[][]): Group[] => {
    type Candidate = { field: string; values: (string | null)[]; key: string };
    const parsed = rules.map((atoms) => {
      const candidates: Candidate[] = [];
      for (const atom of atoms) {
        const values = mergeable(atom);
        if (!values || atoms.filter((a) => a.field === atom.field).length !== 1) continue;
        const rest = atoms
          .filter((a) => a !== atom)
          .map((a) => a.key)
          .sort();
        candidates.push({ field: atom.field, values, key: JSON.stringify([atom.field, rest]) });
      }
      return { atoms, candidates };
    });
    const tally = new Map<string, number>();
    for (const { candidates } of parsed) for (const c of candidates) tally.set(c.key, (tally.get(c.key) ?? 0) + 1);
    const groups = new Map<string, Group>();
    for (const { atoms, candidates } of parsed) {
      // The column whose other tests the most rules share; ties go to the first field of the rule.
      let best: Candidate | undefined;
      for (const c of candidates) if (!best || tally.get(c.key)! > tally.get(best.key)!) best = c;
      const key = best ? best.key : JSON.stringify(['', atoms.map((a) => a.key).sort()]);
      const group = groups.get(key);
      if (group) group.values.push(...(best?.values ?? []));
      else
        groups.set(key, {
          rest: best ? atoms.filter((a) => a.field !== best.field) : atoms,
          field: best?.field,
          values: [...(best?.values ?? [])],
        });
    }
    return [...groups.values()];
  };

  /** The OR of a set of rule conditions, merged; deny sets count a NULL comparison as no match, as can() does. */
  const compileSet = (conditions: (MongoQuery | undefined)[], polarity: Polarity): string => {
    const parsed = conditions.map((query) => ({ query, atoms: atomsOf(query) }));
    const flat = parsed.flatMap((p) => (p.atoms ? [p.atoms] : []));
    const nested = parsed.flatMap((p) => (p.atoms ? [] : [p.query!]));
    // Tests every rule has (typically the organization) are written once, outside the OR.
    const shared = nested.length
      ? []
      : flat[0].filter((a) => flat.every((atoms) => atoms.some((b) => b.key === a.key)));
    const sharedKeys = new Set(shared.map((a) => a.key));
    const branches = [
      ...groupsOf(flat.map((atoms) => atoms.filter((a) => !sharedKeys.has(a.key)))).map((g) => {
        const parts = g.rest.map((a) => leaf(a.field, a.op, a.value, polarity));
        if (g.field !== undefined) parts.push(leaf(g.field, '$in', [...new Set(g.values)], polarity));
        return parts.length ? parts.join(' AND ') : 'TRUE';
      }),
      ...nested.map((query) => compile(query, polarity)),
    ];
    const parts = shared.map((a) => leaf(a.field, a.op, a.value, polarity));
    if (!branches.includes('TRUE')) {
      const any = branches.map((b) => (branches.length > 1 ? `(${b})` : b)).join(' OR ');
      parts.push(parts.length && branches.length > 1 ? `(${any})` : any);
    }
    const sql = parts.length ? parts.join(' AND ') : 'TRUE';
    return polarity === 'deny' ? `COALESCE(${sql}, FALSE)` : `(${sql})`;
  };

  // Rules in priority order, cut into segments: the allow rules between two runs of deny rules are
  // outranked by the same denies. Nesting `NOT (denies just before) AND (its allows OR later segments)`
  // writes each deny once yet applies it to every allow of lower priority.
  const segments: { denies: (MongoQuery | undefined)[]; allows: (MongoQuery | undefined)[] }[] = [];
  let pending: (MongoQuery | undefined)[] = [];
  for (const rule of ability.rulesFor(action, subject)) {
    const conditions = rule.conditions as MongoQuery | undefined;
    if (rule.inverted) {
      // An unconditional deny hides every row that a lower-priority allow would have shown.
      if (!conditions || Object.keys(conditions).length === 0) break;
      pending.push(conditions);
      continue;
    }
    if (!segments.length || pending.length) segments.push({ denies: pending, allows: [] });
    pending = [];
    segments[segments.length - 1].allows.push(conditions);
  }
  let sql = 'FALSE';
  for (let k = segments.length - 1; k >= 0; k--) {
    const { denies, allows } = segments[k];
    const allowed = compileSet(allows, 'allow');
    const reach = sql === 'FALSE' ? allowed : `(${allowed} OR ${sql})`;
    sql = denies.length ? `(NOT ${compileSet(denies, 'deny')} AND ${reach})` : reach;
  }
  return { sql, params };
}
