import { Injectable } from '@nestjs/common';
import { createMongoAbility, subject as asSubject } from '@casl/ability';
import { Brackets, type DataSource } from 'typeorm';
import { ForbiddenError, NotFoundError } from '#libs/common';
import { isUuid } from '#libs/common';
import { metrics } from '#libs/common';
import type { RequestContext } from '#libs/common';
import {
  buildAbility,
  contextKey,
  type BuiltAbility,
  type KeyScope,
  type PrincipalProfile,
  type RuleSource,
} from './ability.factory.js';
import { rulesToSql, type ColumnMap, type SqlCondition } from './conditions-sql.js';
import { PolicyVersionService } from './policy-version.service.js';
import { ProfileLoader, type KeyRecord } from './profile.loader.js';
import { ipInRanges, type RequestFacts } from './abac.js';
import type { Permission } from '#libs/common';
import {
  notFoundCode,
  PERMISSION_CHECK,
  permissionFor,
  type Action,
  type AppAbility,
  type SubjectType,
} from './subjects.js';

/** A row as the rules see it: `organizationId` plus the attributes its subject's rules read. */
export type SubjectRow = Record<string, unknown>;

/** Loads one row of a subject type for `authz/check` and `authz/explain` by id (null when absent). */
export type SubjectLoader = (organizationId: string, id: string) => Promise<SubjectRow | null>;

/**
 * A loader that runs `sql` with `$1` = the id and `$2` = the organization id and returns the first
 * row; an id that is not a UUID finds nothing without a query.
 */
export function sqlSubjectLoader(dataSource: DataSource, sql: string): SubjectLoader {
  return async (organizationId, id) => {
    if (!isUuid(id)) return null;
    const [row] = (await dataSource.query(sql, [id, organizationId])) as SubjectRow[];
    return row ?? null;
  };
}

/** The principal behind a context, resolved against the database. */
export interface ResolvedPrincipal {
  profile: PrincipalProfile | null;
  /** API key limits, taken from the key's row. */
  scope?: KeyScope;
  built: BuiltAbility;
  /** Whether the principal is a current member (for keys: whether their creator is). */
  isMember: boolean;
}

export interface Explanation {
  allowed: boolean;
  /** The rule that decided (the highest-priority matching one), or null when no rule matched. */
  decidedBy: ExplainedRule | null;
  /** Every rule for the action and subject that matches the row, highest priority first. */
  matched: ExplainedRule[];
  /** Grants and policies not in force for this request (their IP, time or MFA conditions do not hold). */
  notInForce: RuleSource[];
}

export interface ExplainedRule {
  effect: 'allow' | 'deny';
  source: RuleSource;
  conditions: Record<string, unknown> | null;
}

interface CacheEntry {
  version: string;
  loadedAt: number;
  profile: PrincipalProfile | null;
  key?: KeyRecord | null;
  abilities: Map<string, BuiltAbility>;
}

/** Profiles are reloaded at least this often even when the version did not move (grant expiry, safety). */
const PROFILE_TTL_MS = 30_000;
const MAX_ENTRIES = 20_000;
const MAX_ABILITIES_PER_ENTRY = 32;
const EMPTY: BuiltAbility = { ability: createMongoAbility<AppAbility>([]), sources: new Map(), skipped: [] };

/**
 * The policy decision point. Abilities are built from the database (roles, project roles, grants,
 * ABAC policies), cached per (principal, organization, policy version) and specialised per request
 * facts (source IP, time, MFA). Services call `assertCan` on loaded rows and `accessibleWhere` to
 * filter lists in SQL.
 */
@Injectable()
export class PolicyService {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly loaders = new Map<SubjectType, SubjectLoader>();
  /**
   * SQL conditions compiled from an ability, kept as long as the ability is (abilities are cached
   * per principal and policy version): a list read by the same caller compiles its filter once.
   */
  private readonly compiled = new WeakMap<AppAbility, Map<string, SqlCondition>>();

  constructor(
    private readonly profiles: ProfileLoader,
    private readonly versions: PolicyVersionService,
  ) {}

  /** Lets the lib owning a subject make it checkable by id through `authz/check` and `authz/explain`. */
  registerLoader(subjectType: SubjectType, loader: SubjectLoader): void {
    this.loaders.set(subjectType, loader);
  }

  /** The loader registered for a subject type, if any. */
  loaderFor(subjectType: SubjectType): SubjectLoader | undefined {
    return this.loaders.get(subjectType);
  }

  /** Resolves the context's principal in `ctx.organizationId` (an empty ability outside any membership). */
  async resolve(ctx: RequestContext): Promise<ResolvedPrincipal> {
    const organizationId = ctx.organizationId;
    const none: ResolvedPrincipal = { profile: null, built: EMPTY, isMember: false };
    if (!organizationId || !isUuid(organizationId)) return none;
    const { actor } = ctx;
    if (actor.type !== 'user' && actor.type !== 'api_key') return none;
    if (!isUuid(actor.id)) return none;

    const version = await this.versions.current(organizationId);
    const cacheKey = `${actor.type}:${actor.id}:${organizationId}`;
    let entry = this.cache.get(cacheKey);
    if (!entry || entry.version !== version || Date.now() - entry.loadedAt > PROFILE_TTL_MS) {
      entry = await this.load(actor.type, actor.id, organizationId, version);
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(cacheKey, entry);
    }
    const profile = entry.profile;
    if (!profile) return none;
    const scope = entry.key?.scope;
    const facts = factsOf(ctx);
    const isMember =
      !!profile.membership && !(profile.membership.expiresAt && profile.membership.expiresAt <= facts.now);
    const key = contextKey(profile, facts, scope);
    let built = entry.abilities.get(key);
    if (!built) {
      built = buildAbility(profile, facts, scope);
      if (entry.abilities.size >= MAX_ABILITIES_PER_ENTRY) entry.abilities.clear();
      entry.abilities.set(key, built);
    }
    return { profile, scope, built, isMember };
  }

  private async load(
    type: 'user' | 'api_key',
    actorId: string,
    organizationId: string,
    version: string,
  ): Promise<CacheEntry> {
    const entry: CacheEntry = { version, loadedAt: Date.now(), profile: null, abilities: new Map() };
    let userId = actorId;
    if (type === 'api_key') {
      entry.key = await this.profiles.loadKey(actorId);
      // A key acts only in its own organization, and only while its creator is a member there.
      if (!entry.key || entry.key.organizationId !== organizationId || !entry.key.createdBy) return entry;
      userId = entry.key.createdBy;
    }
    entry.profile = await this.profiles.load(userId, organizationId);
    return entry;
  }

  /** The caller's ability in `ctx.organizationId` (cached per user, organization and policy version). */
  async abilityFor(ctx: RequestContext): Promise<AppAbility> {
    return (await this.resolve(ctx)).built.ability;
  }

  /** Whether the caller may do `action` on `row` (or, without a row, on some row of the type). */
  async can(ctx: RequestContext, action: Action, subjectType: SubjectType, row?: SubjectRow): Promise<boolean> {
    const ability = await this.abilityFor(ctx);
    if (!row) return ability.can(action, subjectType);
    if (!sameOrganization(ctx, subjectType, row)) return false;
    return ability.can(action, asSubject(subjectType, { ...row }));
  }

  /**
   * Throws unless the caller may do `action` on `row`: NotFoundError (`<subject>_not_found`) when
   * the row belongs to another organization or the caller may not even view it, ForbiddenError
   * with `code` = the missing permission (e.g. `model:export`) when they may view but not act.
   */
  async assertCan(ctx: RequestContext, action: Action, subjectType: SubjectType, row: SubjectRow): Promise<void> {
    const permission = permissionFor(action, subjectType);
    try {
      await this.decide(ctx, action, subjectType, row);
      metrics.authzDecisions.inc({ level: 'row', permission, outcome: 'allowed' });
    } catch (error) {
      const outcome =
        error instanceof NotFoundError ? 'hidden' : error instanceof ForbiddenError ? 'denied' : undefined;
      if (outcome) metrics.authzDecisions.inc({ level: 'row', permission, outcome });
      throw error;
    }
  }

  private async decide(ctx: RequestContext, action: Action, subjectType: SubjectType, row: SubjectRow): Promise<void> {
    const resolved = await this.resolve(ctx);
    const { ability } = resolved.built;
    const notFound = () =>
      new NotFoundError({ code: notFoundCode(subjectType), detail: `No such ${subjectType.toLowerCase()}.` });
    if (!sameOrganization(ctx, subjectType, row)) throw notFound();
    const typed = asSubject(subjectType, { ...row });
    if (!ability.can('read', typed) || (action !== 'read' && !ability.can(action, typed))) {
      if (this.mfaWouldAllow(ctx, resolved, (a) => a.can(action, typed) && a.can('read', typed))) throw mfaRequired();
      if (!ability.can('read', typed)) throw notFound();
      const permission = permissionFor(action, subjectType);
      throw new ForbiddenError({ code: permission, detail: `This needs the ${permission} permission.` });
    }
  }

  /**
   * Throws 403 (code = the permission) unless the caller may ever do `action` on `subjectType`:
   * for creating rows, where there is no row to check yet.
   */
  async assertMay(ctx: RequestContext, action: Action, subjectType: SubjectType): Promise<void> {
    const resolved = await this.resolve(ctx);
    if (!resolved.built.ability.can(action, subjectType)) {
      if (this.mfaWouldAllow(ctx, resolved, (a) => a.can(action, subjectType))) throw mfaRequired();
      const permission = permissionFor(action, subjectType);
      throw new ForbiddenError({ code: permission, detail: `This needs the ${permission} permission.` });
    }
  }

  /**
   * Whether a refused request would pass with a second factor: only when a project role was
   * withheld from this session for want of MFA (the organization requires it for that role).
   */
  private mfaWouldAllow(ctx: RequestContext, resolved: ResolvedPrincipal, check: (a: AppAbility) => boolean): boolean {
    if (!resolved.built.mfaWithheld?.length || !resolved.profile) return false;
    return check(buildAbility(resolved.profile, { ...factsOf(ctx), mfa: true }, resolved.scope).ability);
  }

  /**
   * A SQL condition on `alias` that keeps exactly the rows the caller may `action`, for list
   * queries: `qb.andWhere(condition.brackets)` or `qb.andWhere(condition.sql, condition.params)`.
   * `columns` overrides where row attributes live (see DEFAULT_COLUMNS; `null` for an absent one).
   */
  async accessibleWhere(
    ctx: RequestContext,
    action: Action,
    subjectType: SubjectType,
    alias: string,
    columns?: ColumnMap,
  ): Promise<SqlCondition & { brackets: Brackets }> {
    const ability = await this.abilityFor(ctx);
    const condition = columns
      ? rulesToSql(ability, action, subjectType, alias, columns)
      : this.compiledFor(ability, `${action}|${subjectType}|${alias}`, () =>
          rulesToSql(ability, action, subjectType, alias),
        );
    return { ...condition, brackets: new Brackets((qb) => qb.where(condition.sql, condition.params)) };
  }

  private compiledFor(ability: AppAbility, key: string, compile: () => SqlCondition): SqlCondition {
    let byKey = this.compiled.get(ability);
    if (!byKey) this.compiled.set(ability, (byKey = new Map()));
    let condition = byKey.get(key);
    if (!condition) byKey.set(key, (condition = compile()));
    return condition;
  }

  /** Why the caller may or may not do `action` on `row`: the deciding rule, every matching rule, rules not in force. */
  async explain(ctx: RequestContext, action: Action, subjectType: SubjectType, row?: SubjectRow): Promise<Explanation> {
    const resolved = await this.resolve(ctx);
    // One rule per grant here, so the deciding grant is named (decisions are the same as merged).
    const built = resolved.profile
      ? buildAbility(resolved.profile, factsOf(ctx), resolved.scope, { grantRules: 'per-grant' })
      : resolved.built;
    const { ability } = built;
    const describe = (rule: ReturnType<AppAbility['rulesFor']>[number]): ExplainedRule => ({
      effect: rule.inverted ? 'deny' : 'allow',
      source: built.sources.get(rule.reason ?? '') ?? { kind: 'membership', id: rule.reason ?? 'unknown' },
      conditions: (rule.conditions as Record<string, unknown> | undefined) ?? null,
    });
    const inOrg = !row || sameOrganization(ctx, subjectType, row);
    const typed = row ? asSubject(subjectType, { ...row }) : subjectType;
    const matched = inOrg
      ? ability.rulesFor(action, subjectType).filter((rule) => !row || rule.matchesConditions(typed as never))
      : [];
    const allowed = inOrg && ability.can(action, typed as never);
    return {
      allowed,
      decidedBy: matched.length ? describe(matched[0]) : null,
      matched: matched.map(describe),
      notInForce: built.skipped,
    };
  }

  /**
   * The organization-level gate of every `:orgId` route: a current membership (404
   * `organization_not_found` otherwise), a source address in the organization's allowed ranges
   * (403 `ip_not_allowed`), MFA for roles that require it (403 `mfa_required`: such members can
   * only reach the MFA setup routes, which are outside organizations), and, when given, the
   * route-level permission (403 with `code` = the permission).
   */
  async authorizeOrganization(ctx: RequestContext, permission?: Permission): Promise<ResolvedPrincipal> {
    const resolved = await this.resolve(ctx);
    const { profile } = resolved;
    if (!resolved.isMember || !profile?.membership) {
      throw new NotFoundError({ code: 'organization_not_found', detail: 'No such organization.' });
    }
    const { allowedIpRanges, mfaRequiredRoles } = profile.organization;
    if (allowedIpRanges.length && !ipInRanges(ctx.ip, allowedIpRanges)) {
      throw new ForbiddenError({
        code: 'ip_not_allowed',
        detail: 'This organization is not reachable from your network.',
      });
    }
    if (ctx.actor.type === 'user' && !ctx.mfa && mfaRequiredRoles.includes(profile.membership.role.name)) {
      throw mfaRequired();
    }
    if (permission) {
      const { action, subject } = PERMISSION_CHECK[permission];
      if (!resolved.built.ability.can(action, subject)) {
        if (this.mfaWouldAllow(ctx, resolved, (a) => a.can(action, subject))) throw mfaRequired();
        throw new ForbiddenError({ code: permission, detail: `This needs the ${permission} permission.` });
      }
    }
    return resolved;
  }

  /**
   * The organization permissions the caller holds outright: their organization role's, limited by
   * an API key's scope, minus any an ABAC policy denies them unconditionally. Used to refuse
   * privilege escalation (assigning a role, creating a key or a role with more than that).
   */
  async heldPermissions(ctx: RequestContext): Promise<Set<Permission>> {
    const { profile, scope, built, isMember } = await this.resolve(ctx);
    const held = new Set<Permission>();
    if (!isMember || !profile?.membership) return held;
    for (const permission of profile.membership.role.permissions) {
      if (scope && !scope.permissions.includes(permission)) continue;
      const { action, subject } = PERMISSION_CHECK[permission];
      if (built.ability.can(action, subject)) held.add(permission);
    }
    return held;
  }

  /** Throws 403 (code = the first permission missing) unless the caller holds every one of `permissions`. */
  async assertHoldsAll(ctx: RequestContext, permissions: Iterable<string>): Promise<void> {
    const held = await this.heldPermissions(ctx);
    for (const permission of permissions) {
      if (!held.has(permission as Permission)) {
        throw new ForbiddenError({
          code: permission,
          detail: `You cannot hand out ${permission}: you do not hold it yourself.`,
        });
      }
    }
  }

  /** Forgets every cached ability (tests, key rotation of the whole cache). */
  clearCache(): void {
    this.cache.clear();
  }
}

function mfaRequired(): ForbiddenError {
  return new ForbiddenError({
    code: 'mfa_required',
    detail: 'Your role here requires two-factor authentication; set it up at /auth/mfa/setup and sign in with it.',
  });
}

function factsOf(ctx: RequestContext): RequestFacts {
  return { ip: ctx.ip, now: ctx.now, mfa: ctx.mfa };
}

function sameOrganization(ctx: RequestContext, subjectType: SubjectType, row: SubjectRow): boolean {
  const org = subjectType === 'Organization' ? row.id : row.organizationId;
  return typeof org === 'string' && org === ctx.organizationId;
}
