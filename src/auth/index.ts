export type { AuthEnv, Principal } from './auth-env.js';
export type { ClientView } from './client-view.js';
export { safeErrorFields, type Logger } from './logger.js';
export { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from './availability.js';
export { hasNulCharacter, isNestedDeeperThan } from './text.js';
export { principalFromAuthorization } from './authenticate-bearer.js';
export { createAuthCaches, type AuthCaches } from './caches.js';
export { authenticateClient, MAX_CLIENT_ID_PARAMETER, type AuthenticatedClient, type ClientCredentials } from './authenticate-client.js';
export { createClient, type CreateClientInput, type CreatedClient } from './create-client.js';
export * from './errors.js';
export { introspectToken, type Introspection } from './introspect-token.js';
export { issueToken, type TokenGrant } from './issue-token.js';
export { listScopes } from './list-scopes.js';
export {
  CLIENT_NOT_FOUND,
  deleteClient,
  getClient,
  getClientScopes,
  listClients,
  markTokensRevoked,
  revokeClientTokens,
  rotateClientSecret,
  setClientScopes,
  updateClient,
  type UpdateClientInput,
} from './manage-clients.js';
export { checkPage, toPage, type Page, type PageRequest } from './pagination.js';
export { holdsScopes, REQUIRED_SCOPES, requireScopes } from './permissions.js';
export { revokeToken } from './revocation.js';
export { SCOPE_REGISTRY } from './scope-registry.js';
export { createAuthSettings, type AuthSettings } from './settings.js';
export { DEFAULT_ARGON2_BOUNDS, type Argon2Bounds } from './secrets.js';
export { createAuthThrottle, type AuthThrottle, type RateLimit, type ThrottleLimits } from './throttle.js';
