import type { Role } from './role-registry.js';

/** What a client holds, or what a token carries: scopes, and roles that each stand for their scopes. */
export interface Holdings {
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/** The registries grants are checked against, and the order scopes are shown in. */
export interface AccessRegistries {
  /** Every scope a client may hold, in registry order. */
  readonly registry: readonly string[];
  /** Every role a client may hold, in Fides' order. */
  readonly roles: readonly Role[];
}

/** What the registry use cases read: the configured registries, and nothing else of the environment. */
export interface RegistriesEnv {
  readonly settings: AccessRegistries;
}

/** The scopes the named roles stand for (unknown names stand for none). */
export function scopesOfRoles(registries: AccessRegistries, names: readonly string[]): Set<string> {
  const scopes = new Set<string>();
  for (const role of registries.roles) {
    if (names.includes(role.name)) for (const scope of role.scopes) scopes.add(scope);
  }
  return scopes;
}

/**
 * What a token may do now, given what its client holds now (Fides' `_has_direct_scopes` and `_has_scope_via_role`,
 * as SPEC §4's intersection rather than all-or-nothing):
 *
 * - its roles that the client still holds, and every scope they stand for;
 * - its scopes that the client still holds, directly or through any of its roles (a token narrowed with `scope=`
 *   carries scopes only, some of which the client may hold through a role).
 *
 * So narrowing a client, or taking a role from it, applies at once to the tokens it already holds, and a token never
 * does more than it was issued with. Scopes come in the client's order, then the rest in registry order; roles in the
 * client's order.
 */
export function effectiveHoldings(registries: AccessRegistries, token: Holdings, client: Holdings): Holdings {
  const roles = client.roles.filter((role) => token.roles.includes(role));
  const granted = new Set(token.scopes);
  const direct = client.scopes.filter((scope) => granted.has(scope));
  if (roles.length === 0 && client.roles.length === 0) return { scopes: direct, roles };
  const fromTokenRoles = scopesOfRoles(registries, roles);
  const fromClientRoles = scopesOfRoles(registries, client.roles);
  const listed = new Set(direct);
  const rest = registries.registry.filter(
    (scope) => !listed.has(scope) && (fromTokenRoles.has(scope) || (granted.has(scope) && fromClientRoles.has(scope))),
  );
  return { scopes: [...direct, ...rest], roles };
}

/** Every scope a client holds, directly or through its roles: its scopes, then its roles' others in registry order. */
export function scopesHeld(registries: AccessRegistries, holder: Holdings): readonly string[] {
  return effectiveHoldings(registries, holder, holder).scopes;
}
