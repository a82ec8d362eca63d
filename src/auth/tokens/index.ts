export { signAccessToken, verifyAccessToken } from './access-token.js';
export type { AccessTokenClaims, TokenAudience } from './access-token.js';
export { KeyDecryptionError } from './key-encryption.js';
export {
  createSigningKey,
  listSigningKeys,
  openKeyStore,
  prepareSigningKeys,
  removeExpiredKeys,
  rotateSigningKey,
  SIGNING_ALG,
} from './keys.js';
export type { KeyStore } from './keys.js';
