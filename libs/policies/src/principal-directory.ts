import { Injectable } from '@nestjs/common';
import { BadRequestError } from '#libs/common';
import type { EntityManager } from 'typeorm';
import type { ProfileRole } from './ability.factory.js';

/** What the organization says about one user: the organization's gates, the membership, project roles. */
export interface MemberFacts {
  organization: { allowedIpRanges: string[]; mfaRequiredRoles: string[] };
  membership: { role: ProfileRole; expiresAt: Date | null } | null;
  projects: { projectId: string; role: ProfileRole }[];
}

/** The API key facts the policy engine trusts: read from the database, never from the request. */
export interface KeyRecord {
  organizationId: string;
  createdBy: string | null;
  scope: { permissions: string[]; projectId?: string | null };
}

/** Principal ids by kind, as policies and grants name them. */
export interface PrincipalIds {
  users?: string[];
  roles?: string[];
  projects?: string[];
}

/**
 * The policy engine's view of who exists: organizations, members, roles, projects and API keys
 * belong to other libraries, which supply this directory (the organizations library registers it
 * with {@link PrincipalDirectoryRef.use} when it starts). The policy engine reads no table of theirs.
 * Every method takes an optional `manager` to read inside the caller's transaction.
 */
export interface PrincipalDirectory {
  /** The member's facts in `organizationId`; null when the organization does not exist. */
  memberFacts(organizationId: string, userId: string, manager?: EntityManager): Promise<MemberFacts | null>;
  /** Which of `ids` are not principals of the organization (members, its roles, its projects). */
  missingPrincipals(
    organizationId: string,
    ids: PrincipalIds,
    manager?: EntityManager,
  ): Promise<(keyof PrincipalIds)[]>;
  /** Members holding the built-in admin role without expiry, oldest first. */
  adminUserIds(organizationId: string, manager?: EntityManager): Promise<string[]>;
  /** An API key that is not revoked. */
  apiKey(keyId: string): Promise<KeyRecord | null>;
}

/** Holds the directory the policy engine reads principals from; until one is registered, every read fails. */
@Injectable()
export class PrincipalDirectoryRef {
  private directory: PrincipalDirectory | undefined;

  use(directory: PrincipalDirectory): void {
    this.directory = directory;
  }

  get(): PrincipalDirectory {
    if (!this.directory) throw new Error('No principal directory is registered with the policy engine.');
    return this.directory;
  }

  /** Checks that principal ids (users, roles, projects) belong to the organization; 400 otherwise. */
  async assertInOrganization(organizationId: string, ids: PrincipalIds, manager?: EntityManager): Promise<void> {
    const unique = Object.fromEntries(
      Object.entries(ids).map(([kind, list]) => [kind, [...new Set(list as string[] | undefined)]]),
    ) as PrincipalIds;
    const [missing] = await this.get().missingPrincipals(organizationId, unique, manager);
    if (missing) {
      throw new BadRequestError({
        code: 'principal_not_found',
        detail: `Some ${missing} do not belong to this organization.`,
      });
    }
  }
}
