import type { RegistriesEnv } from './holdings.js';
import { REQUIRED_SCOPES, requireScopes } from './permissions.js';
import type { Principal } from './principal.js';

/** The scope registry, in order. */
export function listScopes(env: RegistriesEnv, principal: Principal | null): readonly string[] {
  requireScopes(principal, REQUIRED_SCOPES.readScopes);
  return env.settings.registry;
}
