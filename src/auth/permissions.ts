import { ForbiddenError, ScopeEscalationError, UnauthenticatedError, UnknownScopeError, ValidationError } from './errors.js';

/** More than this many scope names in one request is a 422, whatever they are. */
const MAX_SCOPES_IN_REQUEST = 1000;
import type { Principal } from './auth-env.js';
import type { AuthSettings } from './settings.js';

/**
 * The scopes each operation needs, declared once. The use cases enforce them, the GraphQL schema declares them
 * with scope-auth, and the REST documentation lists them, all from this table.
 */
export const REQUIRED_SCOPES = {
  createClient: ['client:create'],
  readClient: ['client:read'],
  updateClient: ['client:update'],
  deleteClient: ['client:delete'],
  readScopes: ['scope:read'],
} as const satisfies Record<string, readonly string[]>;

/** Throws unless the principal holds every one of `required` (strategy "all"). */
export function requireScopes(principal: Principal | null, required: readonly string[]): Principal {
  if (!principal) throw new UnauthenticatedError();
  const held = new Set(principal.scopes);
  if (!required.every((scope) => held.has(scope))) throw new ForbiddenError(required);
  return principal;
}

/**
 * Checks scopes someone is about to grant: each must be in the registry (422), and a non-root caller may only
 * grant scopes it holds itself (403). Returns them without duplicates, in the order given.
 */
export function checkGrantableScopes(settings: AuthSettings, principal: Principal, scopes: readonly string[]): string[] {
  if (scopes.length > MAX_SCOPES_IN_REQUEST) {
    throw new ValidationError([{ loc: ['scopes'], msg: `List should have at most ${MAX_SCOPES_IN_REQUEST} items`, type: 'too_long' }]);
  }
  const unique = [...new Set(scopes)];
  const registry = new Set(settings.registry);
  const unknown = unique.filter((scope) => !registry.has(scope));
  if (unknown.length > 0) throw new UnknownScopeError(unknown, settings.registry);
  if (!principal.isRoot) {
    const held = new Set(principal.scopes);
    const missing = unique.filter((scope) => !held.has(scope));
    if (missing.length > 0) throw new ScopeEscalationError(missing);
  }
  return unique;
}
