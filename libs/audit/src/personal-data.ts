import type { EntityManager } from 'typeorm';
import { isUuid } from '#libs/common';

/**
 * Keys of `details` whose values identify a person (an email typed at login, a display name).
 * Their values never enter an event's hashed content: they are stored beside the event, where
 * erasure can delete them without touching a hash.
 */
const PERSONAL_KEY = /e[-_]?mail|display[-_]?name|full[-_]?name/i;

/** Actor types whose label names someone (an email, an API key's name) rather than a component. */
const LABELLED_ACTORS = new Set(['user', 'api_key']);

/** One personal value lifted out of `details`, and where it was. */
export interface PersonalValue {
  path: (string | number)[];
  value: unknown;
}

/** What an event holds outside its hashed content: written beside it, joined when read. */
export interface PersonalData {
  /** The actor's label (email, key name), stored per actor in `audit_actor`. */
  actorLabel: string | null;
  /** The person behind the actor (the user, or an API key's creator), owner of the label. */
  actorUserId: string | null;
  /** The person the event is about, so erasure finds its personal values. */
  userId: string | null;
  values: PersonalValue[];
}

/** Whether a details key holds a value that identifies a person. */
export function isPersonalKey(key: string): boolean {
  return PERSONAL_KEY.test(key);
}

/** Whether an actor of this type is labelled outside the hashed content. */
export function hasPersonalLabel(actorType: string): boolean {
  return LABELLED_ACTORS.has(actorType);
}

/**
 * Splits (already redacted) details into the part that is hashed and the personal values taken
 * out of it, each with its path. Pure: the same input always gives the same split.
 */
export function separatePersonal(details: Record<string, unknown>): {
  details: Record<string, unknown>;
  values: PersonalValue[];
} {
  const values: PersonalValue[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (isPersonalKey(key) && v !== null && v !== undefined) values.push({ path: [...path, key], value: v });
      else out[key] = walk(v, [...path, key]);
    }
    return out;
  };
  return { details: walk(details, []) as Record<string, unknown>, values };
}

/** Puts personal values back where they were, for reading (a copy; the input is unchanged). */
export function mergePersonal(
  details: Record<string, unknown>,
  values: PersonalValue[] | null | undefined,
): Record<string, unknown> {
  if (!values?.length) return details;
  const copy = structuredClone(details);
  for (const { path, value } of values) {
    let node: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== 'object') node[key] = {};
      node = node[key] as Record<string | number, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return copy;
}

/** The event's personal data as written: label, subject and lifted values. */
export function personalDataOf(
  actor: { type: string; userId: string | null; label: string | null },
  resource: { type: string | null; id: string | null },
  values: PersonalValue[],
): PersonalData {
  const actorUserId = actor.userId && isUuid(actor.userId) ? actor.userId.toLowerCase() : null;
  const aboutUser = (resource.type === 'user' || resource.type === 'member') && resource.id && isUuid(resource.id);
  return { actorLabel: actor.label, actorUserId, userId: aboutUser ? resource.id!.toLowerCase() : actorUserId, values };
}

/**
 * Writes the personal data of events just appended (same transaction): actor labels upserted per
 * actor, lifted values per event. An actor erased meanwhile keeps no label (`erased_at` is set).
 */
export async function writePersonalData(
  manager: EntityManager,
  events: { id: string; actorType: string; actorId: string; personal?: PersonalData }[],
): Promise<void> {
  const labels = new Map<string, { type: string; userId: string | null; label: string }>();
  const rows: { id: string; userId: string | null; data: string }[] = [];
  for (const e of events) {
    if (!e.personal) continue;
    if (e.personal.actorLabel && hasPersonalLabel(e.actorType)) {
      labels.set(e.actorId, { type: e.actorType, userId: e.personal.actorUserId, label: e.personal.actorLabel });
    }
    if (e.personal.values.length) {
      rows.push({ id: e.id, userId: e.personal.userId, data: JSON.stringify(e.personal.values) });
    }
  }
  if (labels.size) {
    const entries = [...labels.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await manager.query(
      `INSERT INTO audit_actor (actor_id, actor_type, user_id, label)
       SELECT a.* FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) AS a(actor_id, actor_type, user_id, label)
        WHERE NOT ${erasedPerson('a.user_id')}
       ON CONFLICT (actor_id) DO UPDATE SET label = EXCLUDED.label, user_id = EXCLUDED.user_id, updated_at = now()
        WHERE audit_actor.erased_at IS NULL
          AND (audit_actor.label IS DISTINCT FROM EXCLUDED.label OR audit_actor.user_id IS DISTINCT FROM EXCLUDED.user_id)`,
      [
        entries.map(([id]) => id),
        entries.map(([, v]) => v.type),
        entries.map(([, v]) => v.userId),
        entries.map(([, v]) => v.label),
      ],
    );
  }
  if (rows.length) {
    await manager.query(
      `INSERT INTO audit_event_personal (event_id, user_id, data)
       SELECT p.* FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS p(event_id, user_id, data)
        WHERE NOT ${erasedPerson('p.user_id')}`,
      [rows.map((r) => r.id), rows.map((r) => r.userId), rows.map((r) => r.data)],
    );
  }
}

/**
 * Whether `userColumn` names an erased person: an event buffered before their erasure and
 * written after it must not bring their labels or values back.
 */
function erasedPerson(userColumn: string): string {
  return `EXISTS (SELECT 1 FROM audit_actor erased WHERE erased.actor_id = ${userColumn}::text AND erased.erased_at IS NOT NULL)`;
}
