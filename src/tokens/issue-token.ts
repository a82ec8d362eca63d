import { authenticateClient, type ClientCredentials } from './authenticate-client.js';
import { InvalidScopeError } from '../core/index.js';
import { signAccessToken } from './access-token.js';
import type { AuthEnv } from './env.js';
import { msUntilGrantable } from './revocation-mark.js';

export interface TokenGrant {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds from now. */
  readonly expiresIn: number;
  readonly expiresAt: Date;
  /** Space-separated, in the client's order. */
  readonly scope: string;
}

/**
 * The client-credentials grant: authenticate the client, settle the scopes (all it holds, or the subset it asked
 * for), sign the token.
 */
export async function issueToken(
  env: AuthEnv,
  credentials: ClientCredentials,
  options: { scope?: string | undefined } = {},
): Promise<TokenGrant> {
  const client = await authenticateClient(env, credentials);
  const scopes = narrowScopes(client.scopes, options.scope);
  // Right after a revoke-all, a token signed in the same second would count as revoked (see revocation-mark.ts).
  // Checked again after each wait: a timer may fire a millisecond before the clock says it should.
  for (let wait = msUntilGrantable(client.tokensRevokedAt); wait > 0; wait = msUntilGrantable(client.tokensRevokedAt)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const { lifetimeSeconds } = env.settings.tokens;
  const { token, claims } = await signAccessToken(env.keys, env.settings.tokens, {
    clientId: client.clientId,
    scopes,
    lifetimeSeconds,
  });
  return {
    accessToken: token,
    tokenType: 'Bearer',
    expiresIn: lifetimeSeconds,
    expiresAt: new Date(claims.exp * 1000),
    scope: scopes.join(' '),
  };
}

/** RFC 6749 §3.3: a space-delimited list; every entry must be held by the client. Absent or blank means all. */
function narrowScopes(held: readonly string[], requested: string | undefined): readonly string[] {
  if (requested === undefined || requested.trim() === '') return held;
  const asked = new Set(requested.split(' ').filter((scope) => scope !== ''));
  const heldSet = new Set(held);
  const refused = [...asked].filter((scope) => !heldSet.has(scope));
  if (refused.length > 0) throw new InvalidScopeError(refused);
  return held.filter((scope) => asked.has(scope));
}
