import type { AuthEnv } from './auth-env.js';
import { principalFor, verifyToken } from './authenticate-bearer.js';
import { InvalidTokenError } from './errors.js';

export type Introspection =
  | { active: false }
  | {
      active: true;
      /** Effective scopes: the token's scopes that its client still holds now. */
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
 * RFC 7662 introspection, for an authenticated client (a resource server). Active means: verifies, not revoked,
 * its client still exists. Anything else is `{active: false}`, with no reason given.
 */
export async function introspectToken(env: AuthEnv, token: string): Promise<Introspection> {
  try {
    const claims = await verifyToken(env, token);
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
