import { effectiveHoldings, type Holdings, type Principal } from '../access/index.js';
import { InvalidTokenError } from '../core/index.js';
import { verifyAccessToken, type AccessTokenClaims } from './access-token.js';
import type { AuthEnv } from './env.js';
import { issuedBeforeRevocation } from './revocation-mark.js';

/**
 * Turns a bearer token into the calling principal. Verifies the token, then intersects its scopes and roles with
 * what the client holds now (see `effectiveHoldings`), so narrowing a client applies at once and a deleted client's
 * tokens stop working.
 */
export async function authenticateBearer(env: AuthEnv, token: string): Promise<Principal> {
  return principalFor(env, rememberedClaims(env, token) ?? (await verifyAndRemember(env, token)));
}

/**
 * Verifies a token's signature and claims, once per token and process: later calls answer from `VerifiedTokens`
 * until `exp`, as long as the key that signed it is still loaded.
 */
export async function verifyToken(env: AuthEnv, token: string): Promise<AccessTokenClaims> {
  return rememberedClaims(env, token) ?? verifyAndRemember(env, token);
}

function rememberedClaims(env: AuthEnv, token: string): AccessTokenClaims | undefined {
  const cached = env.caches.verifiedTokens.get(token);
  const claims = cached && env.keys.has(cached.kid) ? cached : undefined;
  env.telemetry.cacheLookup('verified_token', claims !== undefined);
  return claims;
}

async function verifyAndRemember(env: AuthEnv, token: string): Promise<AccessTokenClaims> {
  const claims = await verifyAccessToken(env.keys, env.settings.tokens, token);
  env.caches.verifiedTokens.remember(token, claims);
  return claims;
}

/** The principal behind verified claims: refused when revoked, revoked with all its client's tokens, or when its client is gone. */
export async function principalFor(env: AuthEnv, claims: AccessTokenClaims): Promise<Principal> {
  const isRoot = claims.clientId === env.settings.root.clientId;
  const { tokenStates } = env.caches;
  const state =
    tokenStates.peek(claims.clientId, claims.jti) ?? (await tokenStates.read(env, claims.clientId, claims.jti));
  if (state.revoked) throw new InvalidTokenError('revoked');
  if (issuedBeforeRevocation(claims.iat, state.client.tokensRevokedAt))
    throw new InvalidTokenError("issued before its client's tokens were revoked");
  // The root client lives in configuration and holds the whole registry; any other must still exist.
  if (!isRoot && !state.client.row) throw new InvalidTokenError('client no longer exists');
  const holder: Holdings = isRoot ? env.settings.root : state.client.row!;
  // Warm requests with one token see the same cached claims and client row: the principal is built once for them.
  const known = principals.get(claims);
  if (known?.holder === holder) return known.principal;
  const { scopes, roles } = effectiveHoldings(env.settings, claims, holder);
  const principal: Principal = Object.freeze({
    clientId: claims.clientId,
    isRoot,
    scopes: Object.freeze(scopes),
    roles: Object.freeze(roles),
    expiresAt: new Date(claims.exp * 1000),
    jti: claims.jti,
  });
  principals.set(claims, { holder, principal });
  return principal;
}

/** Principals by the (cached) claims they were built from, with what their client held when they were built. */
const principals = new WeakMap<AccessTokenClaims, { holder: Holdings; principal: Principal }>();

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
