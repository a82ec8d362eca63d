export { effectiveHoldings, scopesHeld, type AccessRegistries, type Holdings } from './holdings.js';
export { listRoles } from './list-roles.js';
export { listScopes } from './list-scopes.js';
export * from './permissions.js';
export type { Principal } from './principal.js';
export { ROLE_REGISTRY, ROOT_ROLES, type Role } from './role-registry.js';
export { SCOPE_REGISTRY } from './scope-registry.js';
export {
  createAuthThrottle,
  ThrottledError,
  type AuthThrottle,
  type RateLimit,
  type ThrottleLimits,
} from './throttle.js';
export { pagedList } from './paged-list.js';
