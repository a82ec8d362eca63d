export { signAccessToken, verifyAccessToken, type AccessTokenClaims, type TokenAudience } from './access-token.js';
export { principalFromAuthorization } from './authenticate-bearer.js';
export {
  authenticateClient,
  MAX_CLIENT_ID_PARAMETER,
  type AuthenticatedClient,
  type ClientCredentials,
} from './authenticate-client.js';
export { createTokenCaches, type TokenCaches } from './caches.js';
export type { AuthEnv } from './env.js';
export { introspectToken, type Introspection } from './introspect-token.js';
export { issueToken, type TokenGrant } from './issue-token.js';
export { KeyDecryptionError } from './key-encryption.js';
export {
  createSigningKey,
  listSigningKeys,
  openKeyStore,
  prepareSigningKeys,
  reencryptSigningKeys,
  removeExpiredKeys,
  rotateSigningKey,
  SIGNING_ALG,
  type KeyStore,
  type ReencryptionResult,
  type RotationResult,
} from './keys.js';
export { DEFAULT_ACTIVATE_IN_SECONDS, describeKeys, listKeys, rotateKeys, type SigningKeyView } from './manage-keys.js';
export { revokeToken } from './revoke-token.js';
export { createAuthSettings, type AuthSettings } from './settings.js';
