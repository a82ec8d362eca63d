import type { AuthEnv, Principal } from './auth-env.js';
import { InvalidTokenError } from './errors.js';
import { verifyAccessToken, type AccessTokenClaims } from './tokens/index.js';

/**
 * Turns a bearer token into the calling principal. Verifies the token, then intersects its scopes with the
 * scopes the client holds now, so narrowing a client applies at once and a deleted client's tokens stop working.
 */
export async function authenticateBearer(env: AuthEnv, token: string): Promise<Principal> {
  return principalFor(env, await verifyToken(env, token));
}

/**
 * Verifies a token's signature and claims, once per token and process: later calls answer from `VerifiedTokens`
 * until `exp`, as long as the key that signed it is still loaded.
 */
export async function verifyToken(env: AuthEnv, token: string): Promise<AccessTokenClaims> {
  const { verifiedTokens } = env.caches;
  const cached = verifiedTokens.get(token);
  if (cached && env.keys.has(cached.kid)) return cached;
  const claims = await verifyAccessToken(env.keys, env.settings.tokens, token);
  verifiedTokens.remember(token, claims);
  return claims;
}

/** The principal behind verified claims: refused when revoked or when its client is gone. */
export async function principalFor(env: AuthEnv, claims: AccessTokenClaims): Promise<Principal> {
  const isRoot = claims.clientId === env.settings.root.clientId;
  const state = await env.caches.tokenStates.read(env, isRoot ? null : claims.clientId, claims.jti);
  if (state.revoked) throw new InvalidTokenError('revoked');
  // The root client lives in configuration and holds the whole registry; any other must still exist.
  const current = isRoot ? env.settings.registry : state.client?.scopes;
  if (!current) throw new InvalidTokenError('client no longer exists');
  const granted = new Set(claims.scopes);
  return {
    clientId: claims.clientId,
    isRoot,
    scopes: current.filter((scope) => granted.has(scope)),
    expiresAt: new Date(claims.exp * 1000),
    jti: claims.jti,
  };
}

/**
 * Reads an `Authorization` header: no header, or a scheme other than Bearer, means an anonymous caller (null);
 * a Bearer token must verify, or this throws `InvalidTokenError`.
 */
export async function principalFromAuthorization(env: AuthEnv, header: string | null): Promise<Principal | null> {
  const match = header === null ? null : /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!match) {
    if (header !== null && /^Bearer\b/i.test(header)) throw new InvalidTokenError('empty or malformed Bearer header');
    return null;
  }
  return authenticateBearer(env, match[1]!);
}
