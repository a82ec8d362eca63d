import { principalFor, verifyToken } from './authenticate-bearer.js';
import type { AuthenticatedClient } from './authenticate-client.js';
import { REQUIRED_SCOPES, scopesHeld } from '../access/index.js';
import { InvalidTokenError } from '../core/index.js';
import type { AuthEnv } from './env.js';

export type Introspection =
  | { active: false }
  | {
      active: true;
      /** Effective scopes: the token's scopes that its client still holds now, and those of its roles it still holds. */
      scope: string;
      client_id: string;
      sub: string;
      exp: number;
      iat: number;
      aud: string;
      iss: string;
      jti: string;
      token_type: 'Bearer';
    };

/**
 * RFC 7662 introspection, for an authenticated client. Active means: verifies, not revoked, its client still
 * exists. The claims are told only to the token's own client or to a caller holding `client:read` (SPEC §9):
 * anyone else, like any inactive token, gets `{active: false}`, with no reason given, so a client cannot read out
 * what other clients' tokens (the root's, say) may do.
 */
export async function introspectToken(
  env: AuthEnv,
  caller: AuthenticatedClient,
  token: string,
): Promise<Introspection> {
  try {
    const claims = await verifyToken(env, token);
    if (claims.clientId !== caller.clientId && !canIntrospectOthers(env, caller)) return { active: false };
    const principal = await principalFor(env, claims);
    return {
      active: true,
      scope: principal.scopes.join(' '),
      client_id: claims.clientId,
      sub: claims.clientId,
      exp: claims.exp,
      iat: claims.iat,
      aud: env.settings.tokens.audience,
      iss: env.settings.tokens.issuer,
      jti: claims.jti,
      token_type: 'Bearer',
    };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { active: false };
    throw error;
  }
}

function canIntrospectOthers(env: AuthEnv, caller: AuthenticatedClient): boolean {
  if (caller.isRoot) return true;
  const held = scopesHeld(env.settings, caller);
  return REQUIRED_SCOPES.readClient.every((scope) => held.includes(scope));
}
