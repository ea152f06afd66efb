import { BadRequestError } from '#libs/common';
import type { EntityManager } from 'typeorm';

/** Checks that principal ids (users, roles, projects) belong to the organization; 400 otherwise. */
export async function assertPrincipalsInOrganization(
  manager: EntityManager,
  organizationId: string,
  ids: { users?: string[]; roles?: string[]; projects?: string[] },
): Promise<void> {
  const checks: [string, string[] | undefined, string][] = [
    [
      'SELECT count(*)::int AS n FROM membership WHERE organization_id = $1 AND user_id = ANY($2::uuid[])',
      ids.users,
      'users',
    ],
    ['SELECT count(*)::int AS n FROM role WHERE organization_id = $1 AND id = ANY($2::uuid[])', ids.roles, 'roles'],
    [
      'SELECT count(*)::int AS n FROM project WHERE organization_id = $1 AND id = ANY($2::uuid[])',
      ids.projects,
      'projects',
    ],
  ];
  for (const [sql, list, what] of checks) {
    if (!list?.length) continue;
    const unique = [...new Set(list)];
    const [{ n }] = (await manager.query(sql, [organizationId, unique])) as { n: number }[];
    if (n !== unique.length) {
      throw new BadRequestError({
        code: 'principal_not_found',
        detail: `Some ${what} do not belong to this organization.`,
      });
    }
  }
}
