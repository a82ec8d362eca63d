import { scopesHeld, scopesOfRoles, type AccessRegistries, type Holdings } from './holdings.js';
import type { Principal } from './principal.js';
import {
  ClientModificationForbiddenError,
  ForbiddenError,
  RoleEscalationError,
  ScopeEscalationError,
  UnauthenticatedError,
  UnknownNameError,
  ValidationError,
} from '../core/index.js';

/** More than this many scope (or role) names in one request is a 422, whatever they are. */
const MAX_NAMES_IN_REQUEST = 1000;

/**
 * The scopes each operation needs, declared once (strategy "all"). The use cases enforce them with
 * `requireScopes`; the GraphQL schema's scope-auth rules and the REST documentation read them from here.
 */
export const REQUIRED_SCOPES = {
  createClient: ['client:create'],
  readClient: ['client:read'],
  updateClient: ['client:update'],
  deleteClient: ['client:delete'],
  revokeClientTokens: ['client:update'],
  readScopes: ['scope:read'],
  readAudit: ['client:read'],
  // As Fides guards GET /oauth/role.
  readRoles: ['scope:read'],
  readPolicy: ['policy:read'],
  upsertPolicy: ['policy:create_or_update'],
  deletePolicy: ['policy:delete'],
  readRule: ['rule:read'],
  upsertRule: ['rule:create_or_update'],
  deleteRule: ['rule:delete'],
  // A rule's targets, on their own routes: the rule scopes, as Fides uses them there.
  readRuleTarget: ['rule:read'],
  upsertRuleTarget: ['rule:create_or_update'],
  deleteRuleTarget: ['rule:delete'],
} as const satisfies Record<string, readonly string[]>;

/** An operation of that table. */
export type Operation = keyof typeof REQUIRED_SCOPES;

/** Throws unless the principal holds every one of `required` (strategy "all"). */
export function requireScopes(principal: Principal | null, required: readonly string[]): Principal {
  if (!principal) throw new UnauthenticatedError();
  if (!holdsScopes(principal, required)) throw new ForbiddenError(required);
  return principal;
}

/**
 * Checks scopes someone is about to grant: each must be in the registry (422), and a non-root caller may only
 * grant scopes it holds itself, directly or through its roles (403). Returns them without duplicates, in the order
 * given.
 */
export function checkGrantableScopes(
  settings: AccessRegistries,
  principal: Principal,
  scopes: readonly string[],
): string[] {
  const unique = uniqueNames(scopes, 'scopes');
  const registry = new Set(settings.registry);
  const unknown = unique.filter((scope) => !registry.has(scope));
  if (unknown.length > 0) throw new UnknownNameError('Scope', settings.registry);
  if (!principal.isRoot) {
    const held = new Set(principal.scopes);
    const missing = unique.filter((scope) => !held.has(scope));
    if (missing.length > 0) throw new ScopeEscalationError(missing);
  }
  return unique;
}

/**
 * Checks roles someone is about to grant: each must be in the role registry (422), and a non-root caller may only
 * grant a role whose every scope it holds itself (403, naming the scopes it lacks, sorted as roles list them): a
 * role is no more than its scopes. Returns them without duplicates, in the order given.
 */
export function checkGrantableRoles(
  settings: AccessRegistries,
  principal: Principal,
  roles: readonly string[],
): string[] {
  const unique = uniqueNames(roles, 'roles');
  const names = settings.roles.map((role) => role.name);
  const unknown = unique.filter((role) => !names.includes(role));
  if (unknown.length > 0) throw new UnknownNameError('Role', names);
  if (!principal.isRoot) {
    const held = new Set(principal.scopes);
    const missing = [...scopesOfRoles(settings, unique)].filter((scope) => !held.has(scope)).sort();
    if (missing.length > 0) throw new RoleEscalationError(missing);
  }
  return unique;
}

function uniqueNames(names: readonly string[], field: 'scopes' | 'roles'): string[] {
  if (names.length > MAX_NAMES_IN_REQUEST) {
    throw new ValidationError([
      { loc: [field], msg: `List should have at most ${MAX_NAMES_IN_REQUEST} items`, type: 'too_long' },
    ]);
  }
  return [...new Set(names)];
}

/** Whether the principal holds every one of `scopes` among its effective scopes. */
export function holdsScopes(principal: Principal | null, scopes: readonly string[]): boolean {
  if (!principal) return false;
  const held = new Set(principal.scopes);
  return scopes.every((scope) => held.has(scope));
}

/**
 * Least privilege on every write to a client (SPEC §9): a non-root caller may change, rotate, revoke or delete only
 * a client whose every scope, held directly or through its roles, is among the caller's own effective scopes.
 * Otherwise a `client:update` holder could rotate a stronger client's secret and become it, or disable it by
 * emptying its scopes.
 */
export function requireModifiable(settings: AccessRegistries, caller: Principal, target: Holdings): void {
  if (caller.isRoot) return;
  const held = new Set(caller.scopes);
  const missing = scopesHeld(settings, target).filter((scope) => !held.has(scope));
  if (missing.length > 0) throw new ClientModificationForbiddenError(missing);
}
