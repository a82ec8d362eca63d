import { REQUIRED_SCOPES, requireScopes } from './permissions.js';
import type { Principal } from './principal.js';

/** The scope registry, in order. */
export function listScopes(
  env: { readonly settings: { readonly registry: readonly string[] } },
  principal: Principal | null,
): readonly string[] {
  requireScopes(principal, REQUIRED_SCOPES.readScopes);
  return env.settings.registry;
}
