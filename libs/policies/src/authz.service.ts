import { Injectable } from '@nestjs/common';
import { BadRequestError, ForbiddenError, NotFoundError } from '#libs/common';
import { RequestContext } from '#libs/common';
import { PolicyService, type Explanation, type SubjectRow } from './policy.service.js';
import type { Action, SubjectType } from './subjects.js';

export interface AuthzQuery {
  action: Action;
  resource: { type: SubjectType; id?: string };
}

export interface ExplainQuery extends AuthzQuery {
  /** Explain for another member (needs `policy:manage`). */
  userId?: string;
  /** What-if facts (need `policy:manage`): source address, MFA used, instant. */
  ip?: string;
  mfa?: boolean;
  at?: Date;
}

/** `authz/check` and `authz/explain`: decisions for the caller (or, for policy managers, anyone). */
@Injectable()
export class AuthzService {
  constructor(private readonly policies: PolicyService) {}

  /** Whether the caller may do each action; an absent or invisible resource is simply not allowed. */
  async check(ctx: RequestContext, queries: AuthzQuery[]): Promise<boolean[]> {
    const out: boolean[] = [];
    for (const q of queries) {
      const row = await this.row(ctx, q);
      out.push(row === null ? false : await this.policies.can(ctx, q.action, q.resource.type, row));
    }
    return out;
  }

  async explain(ctx: RequestContext, query: ExplainQuery): Promise<Explanation> {
    let subjectCtx = ctx;
    if (query.userId !== undefined || query.ip !== undefined || query.mfa !== undefined || query.at !== undefined) {
      if (!(await this.policies.can(ctx, 'manage', 'Policy'))) {
        throw new ForbiddenError({
          code: 'policy:manage',
          detail: 'Explaining for others or other facts needs policy:manage.',
        });
      }
      subjectCtx = new RequestContext({
        requestId: ctx.requestId,
        organizationId: ctx.organizationId,
        actor: query.userId ? { type: 'user', id: query.userId, userId: query.userId } : ctx.actor,
        ip: query.ip ?? ctx.ip,
        mfa: query.mfa ?? ctx.mfa,
        now: query.at ?? ctx.now,
      });
    }
    // Explaining for someone who is not a member would only confirm whether an account exists.
    if (query.userId !== undefined && !(await this.policies.resolve(subjectCtx)).isMember) {
      throw new NotFoundError({ code: 'member_not_found', detail: 'No such member.' });
    }
    const row = await this.row(ctx, query);
    if (row === null) return { allowed: false, decidedBy: null, matched: [], notInForce: [] };
    return this.policies.explain(subjectCtx, query.action, query.resource.type, row);
  }

  /** The row named by the query (undefined for a type-level question, null when absent). */
  private async row(ctx: RequestContext, q: AuthzQuery): Promise<SubjectRow | null | undefined> {
    if (q.resource.id === undefined) return undefined;
    const loader = this.policies.loaderFor(q.resource.type);
    if (!loader) {
      throw new BadRequestError({
        code: 'resource_type_unsupported',
        detail: `${q.resource.type} cannot be checked by id.`,
      });
    }
    return loader(ctx.organizationId!, q.resource.id);
  }
}
