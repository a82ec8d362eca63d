import type { AuthEnv, Principal } from './auth-env.js';
import { REQUIRED_SCOPES, requireScopes } from './permissions.js';

/** The scope registry, in order. */
export function listScopes(env: Pick<AuthEnv, 'settings'>, principal: Principal | null): readonly string[] {
  requireScopes(principal, REQUIRED_SCOPES.readScopes);
  return env.settings.registry;
}
