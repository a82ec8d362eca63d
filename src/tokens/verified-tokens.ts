import { hash } from 'node:crypto';
import type { AccessTokenClaims } from './access-token.js';

/**
 * Access tokens whose signature and claims have verified, so the next request with the same token skips the
 * EdDSA verification. Keyed by the token's SHA-256 (the token itself is not kept), and valid until the token's
 * `exp`, checked exactly as jose checks it. The caller still checks that the signing key is loaded, and reads the
 * token's state (revocation, its client's scopes) from `TokenStates`: this cache says only "this is our token".
 */
export interface VerifiedTokens {
  get(token: string): AccessTokenClaims | undefined;
  remember(token: string, claims: AccessTokenClaims): void;
}

/** Bounded: past `maxEntries`, the oldest entry goes (its token verifies once more). */
export function createVerifiedTokens(maxEntries = 10_000): VerifiedTokens {
  const entries = new Map<string, AccessTokenClaims>();
  const keyOf = (token: string) => hash('sha256', token, 'base64url');
  // A client's tokens carry the same scope list: one copy of each list is kept, so a script that takes a new root
  // token on every run leaves small entries behind, not a copy of the whole registry each.
  const scopeLists = new Map<string, readonly string[]>();
  const intern = (scopes: readonly string[]) => {
    const key = scopes.join(' ');
    const known = scopeLists.get(key);
    if (known) return known;
    scopeLists.set(key, scopes);
    if (scopeLists.size > maxEntries) scopeLists.delete(scopeLists.keys().next().value!);
    return scopes;
  };

  return {
    get(token) {
      const key = keyOf(token);
      const claims = entries.get(key);
      if (!claims) return undefined;
      // jose refuses a token once `exp <= now`, in whole seconds.
      if (claims.exp <= Math.floor(Date.now() / 1000)) {
        entries.delete(key);
        return undefined;
      }
      return claims;
    },
    remember(token, claims) {
      entries.set(keyOf(token), { ...claims, scopes: intern(claims.scopes) });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}
