import { BadRequestError } from '#libs/common';
import { isUuid } from '#libs/common';
import { MODEL_STAGES } from '#libs/common/vocabulary';
import { MODEL_GRANT_ACTIONS, PERMISSIONS } from '#libs/common';
import { isValidCidr, isValidClock, isValidTimezone, type PolicyConditions, type TimeWindow } from './abac.js';
import type { PolicyPrincipals } from './ability.factory.js';

const invalid = (detail: string, field?: string) =>
  new BadRequestError({
    code: 'policy_invalid',
    detail,
    ...(field ? { extensions: { errors: [{ field, message: detail }] } } : {}),
  });

const minutesOfDay = (clock: string): number => (Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5))) % 1440;

const stringList = (value: unknown, what: string, check: (v: string) => boolean = () => true): string[] => {
  if (!Array.isArray(value) || value.length === 0 || value.length > 200)
    throw invalid(`${what} must be a non-empty list (at most 200).`);
  for (const v of value)
    if (typeof v !== 'string' || !check(v)) throw invalid(`${what} has an invalid entry: ${JSON.stringify(v)}.`);
  return [...new Set(value as string[])];
};

function timeWindows(value: unknown, what: string): TimeWindow[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 20)
    throw invalid(`${what} must be a non-empty list of windows.`);
  return value.map((w: unknown, index: number) => {
    const window = w as Partial<TimeWindow>;
    if (!window || typeof window !== 'object') throw invalid(`${what} entries must be objects.`);
    const extra = Object.keys(window).filter((k) => !['days', 'from', 'to', 'timezone'].includes(k));
    if (extra.length) throw invalid(`${what} has unknown fields: ${extra.join(', ')}.`);
    if (
      !Array.isArray(window.days) ||
      !window.days.length ||
      !window.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)
    ) {
      throw invalid(`${what}.days must list ISO weekdays 1 (Monday) to 7 (Sunday).`);
    }
    if (
      typeof window.from !== 'string' ||
      !isValidClock(window.from) ||
      typeof window.to !== 'string' ||
      !isValidClock(window.to)
    ) {
      throw invalid(`${what}.from and .to must be HH:MM.`);
    }
    // A window that starts where it ends would otherwise be read as crossing midnight: 24 hours.
    if (minutesOfDay(window.from) === minutesOfDay(window.to) && !(window.from === '00:00' && window.to === '24:00')) {
      throw invalid(
        `${what}[${index}] is empty: from and to are the same time (use 00:00 to 24:00 for a whole day).`,
        `conditions.${what}[${index}].to`,
      );
    }
    if (typeof window.timezone !== 'string' || !isValidTimezone(window.timezone))
      throw invalid(`${what}.timezone must be an IANA timezone.`);
    return { days: [...new Set(window.days)].sort(), from: window.from, to: window.to, timezone: window.timezone };
  });
}

/** Checks and normalises the conditions of a policy or grant; throws 400 `policy_invalid`. */
export function validateConditions(value: unknown): PolicyConditions {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('conditions must be an object.');
  const c = value as Record<string, unknown>;
  const known = ['sourceIp', 'time', 'mfa', 'modelIds', 'projectIds', 'stages', 'labels'];
  const extra = Object.keys(c).filter((k) => !known.includes(k));
  if (extra.length) throw invalid(`Unknown conditions: ${extra.join(', ')}.`);
  const out: PolicyConditions = {};
  if (c.sourceIp !== undefined) {
    const ip = c.sourceIp as Record<string, unknown>;
    if (
      !ip ||
      typeof ip !== 'object' ||
      (ip.in === undefined && ip.notIn === undefined) ||
      Object.keys(ip).some((k) => k !== 'in' && k !== 'notIn')
    ) {
      throw invalid('sourceIp must be { in?: CIDR[], notIn?: CIDR[] }.');
    }
    out.sourceIp = {};
    if (ip.in !== undefined) out.sourceIp.in = stringList(ip.in, 'sourceIp.in', isValidCidr);
    if (ip.notIn !== undefined) out.sourceIp.notIn = stringList(ip.notIn, 'sourceIp.notIn', isValidCidr);
  }
  if (c.time !== undefined) {
    const t = c.time as Record<string, unknown>;
    if (
      !t ||
      typeof t !== 'object' ||
      (t.within === undefined && t.outside === undefined) ||
      Object.keys(t).some((k) => k !== 'within' && k !== 'outside')
    ) {
      throw invalid('time must be { within?: Window[], outside?: Window[] }.');
    }
    out.time = {};
    if (t.within !== undefined) out.time.within = timeWindows(t.within, 'time.within');
    if (t.outside !== undefined) out.time.outside = timeWindows(t.outside, 'time.outside');
  }
  if (c.mfa !== undefined) {
    if (typeof c.mfa !== 'boolean') throw invalid('mfa must be true or false.');
    out.mfa = c.mfa;
  }
  if (c.modelIds !== undefined) out.modelIds = stringList(c.modelIds, 'modelIds', isUuid);
  if (c.projectIds !== undefined) out.projectIds = stringList(c.projectIds, 'projectIds', isUuid);
  if (c.stages !== undefined)
    out.stages = stringList(c.stages, 'stages', (s) => (MODEL_STAGES as readonly string[]).includes(s));
  if (c.labels !== undefined) out.labels = stringList(c.labels, 'labels', (s) => s.length > 0 && s.length <= 64);
  return out;
}

/** Checks the shape of policy principals (membership of the ids is checked against the database). */
export function validatePrincipals(value: unknown): PolicyPrincipals {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw invalid('principals must be an object.');
  const p = value as Record<string, unknown>;
  const known = ['all', 'roles', 'users', 'projects', 'exceptRoles', 'exceptUsers'];
  const extra = Object.keys(p).filter((k) => !known.includes(k));
  if (extra.length) throw invalid(`Unknown principals: ${extra.join(', ')}.`);
  const out: PolicyPrincipals = {};
  if (p.all !== undefined) {
    if (typeof p.all !== 'boolean') throw invalid('principals.all must be a boolean.');
    out.all = p.all;
  }
  for (const key of ['roles', 'users', 'projects', 'exceptRoles', 'exceptUsers'] as const) {
    if (p[key] !== undefined) out[key] = stringList(p[key], `principals.${key}`, isUuid);
  }
  if (!out.all && !out.roles && !out.users && !out.projects)
    throw invalid('principals must name someone (all, roles, users or projects).');
  return out;
}

/** Policy actions: catalogue permissions, `subject:*`, or `*`. */
export function validatePolicyActions(value: unknown): string[] {
  const subjects = new Set(PERMISSIONS.map((p) => p.split(':')[0]));
  return stringList(
    value,
    'actions',
    (a) =>
      a === '*' || (PERMISSIONS as readonly string[]).includes(a) || (a.endsWith(':*') && subjects.has(a.slice(0, -2))),
  );
}

/** Grant actions: a subset of view/infer/test/edit/export/delete/grant. */
export function validateGrantActions(value: unknown): (keyof typeof MODEL_GRANT_ACTIONS)[] {
  return stringList(value, 'actions', (a) => a in MODEL_GRANT_ACTIONS) as (keyof typeof MODEL_GRANT_ACTIONS)[];
}
