import type { RegistriesEnv } from './holdings.js';
import { REQUIRED_SCOPES, requireScopes } from './permissions.js';
import type { Principal } from './principal.js';
import type { Role } from './role-registry.js';

/** The role registry, in order, each role with its scopes. */
export function listRoles(env: RegistriesEnv, principal: Principal | null): readonly Role[] {
  requireScopes(principal, REQUIRED_SCOPES.readRoles);
  return env.settings.roles;
}
