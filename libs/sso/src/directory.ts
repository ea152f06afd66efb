import type { RoleMapping } from './oidc-provider.entity.js';

/** Claims of an ID token or userinfo answer. */
export type Claims = Record<string, unknown>;

/**
 * The string values of a claim: a string, or the strings of an array. A dotted name reaches into
 * nested objects (`realm_access.roles` in Keycloak) when no claim has the dotted name itself.
 */
export function claimValues(claims: Claims, name: string): string[] {
  let value: unknown = claims[name];
  if (value === undefined && name.includes('.')) {
    value = name.split('.').reduce<unknown>((node, key) => {
      return node && typeof node === 'object' && !Array.isArray(node) ? (node as Claims)[key] : undefined;
    }, claims);
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The first mapping whose claim holds its value gives the role; otherwise `defaultRole` (may be null). */
export function mappedRole(
  claims: Claims,
  mappings: RoleMapping[],
  groupsClaim: string,
  defaultRole: string | null,
): string | null {
  for (const mapping of mappings) {
    if (claimValues(claims, mapping.claim ?? groupsClaim).includes(mapping.value)) return mapping.role;
  }
  return defaultRole;
}

/** True when the ID token's `amr` holds one of `amrValues`, or its `acr` is one of `acrValues`. */
export function providerDidMfa(claims: Claims, amrValues: string[], acrValues: string[]): boolean {
  const amr = claimValues(claims, 'amr');
  const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
  return amr.some((v) => amrValues.includes(v)) || (acr !== undefined && acrValues.includes(acr));
}

/**
 * Whether the provider vouches for the email: `email_verified` as a boolean or the string "true"
 * (some providers send that), or Entra ID's `xms_edov` (the email's domain owner is verified),
 * as Entra sends no `email_verified`.
 */
export function emailVerified(claims: Claims): boolean {
  const vouched = (v: unknown) => v === true || v === 'true';
  return vouched(claims.email_verified) || vouched(claims.xms_edov);
}

/** Whether `email`'s domain is one of `domains` (case-insensitive); any domain when the list is empty. */
export function domainAllowed(email: string, domains: string[]): boolean {
  if (domains.length === 0) return true;
  const at = email.lastIndexOf('@');
  if (at < 1) return false;
  return domains.includes(email.slice(at + 1).toLowerCase());
}
