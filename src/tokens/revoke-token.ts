import { RevokedTokenSchema } from '../db/entities/index.js';
import { auditContext, recordAudit } from '../audit/index.js';
import { InvalidTokenError } from '../core/index.js';
import { verifyToken } from './authenticate-bearer.js';
import type { AuthEnv } from './env.js';

/**
 * RFC 7009: a client revokes one of its own tokens (the root client, any token). The token stops working
 * everywhere at once. Returns false, and changes nothing, for a token that is invalid, expired, or another client's:
 * the caller learns nothing about tokens that are not its own.
 */
export async function revokeToken(
  env: AuthEnv,
  caller: { clientId: string; isRoot: boolean },
  token: string,
): Promise<boolean> {
  let claims;
  try {
    claims = await verifyToken(env, token);
  } catch (error) {
    if (error instanceof InvalidTokenError) return false;
    throw error;
  }
  if (claims.clientId !== caller.clientId && !caller.isRoot) return false;
  const { jti, clientId, exp } = claims;
  await env.em.transactional(async (em) => {
    await em.upsert(
      RevokedTokenSchema,
      { jti, clientId, expiresAt: new Date(exp * 1000), revokedAt: new Date() },
      { onConflictFields: ['jti'], onConflictAction: 'ignore' },
    );
    // The jti names the token without being it: the token itself is never kept.
    recordAudit(em, auditContext(env, caller), { action: 'token.revoked', clientId, details: { jti } });
  });
  // Committed: drop this process's cached state before answering (other processes hear the trigger).
  env.caches.tokenStates.tokenRevoked(claims.jti);
  await purgeExpiredRevocations(env);
  return true;
}

/** A revocation outlives its token by nothing: once the token has expired, verification refuses it anyway. */
async function purgeExpiredRevocations(env: Pick<AuthEnv, 'em'>): Promise<number> {
  return env.em.nativeDelete(RevokedTokenSchema, { expiresAt: { $lt: new Date() } });
}
