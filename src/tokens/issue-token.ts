import { authenticateClient, type ClientCredentials } from './authenticate-client.js';
import { scopesHeld, ThrottledError, type Holdings } from '../access/index.js';
import { InvalidClientError, InvalidScopeError, type GrantResult } from '../core/index.js';
import { signAccessToken } from './access-token.js';
import type { AuthEnv } from './env.js';
import { msUntilGrantable } from './revocation-mark.js';

export interface TokenGrant {
  /** The client it was issued to. */
  readonly clientId: string;
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  /** Seconds from now. */
  readonly expiresIn: number;
  readonly expiresAt: Date;
  /**
   * What the token may do, space-separated: every scope the client holds, directly or through its roles (in its
   * order, then registry order), or the subset it asked for.
   */
  readonly scope: string;
}

/**
 * The client-credentials grant: authenticate the client, settle what the token carries (all the client holds, its
 * scopes and its roles, or only the scopes it asked for), sign the token.
 *
 * Counted here, once per attempt, whichever transport called (`gatehouse_token_grants_total`). An attempt that ends
 * with no verdict on the client (an over-long `client_id`, the argon2 queue full, the database away) is not a grant
 * result: the argon2 refusals and the HTTP statuses count those.
 */
export async function issueToken(
  env: AuthEnv,
  credentials: ClientCredentials,
  options: { scope?: string | undefined } = {},
): Promise<TokenGrant> {
  try {
    const grant = await grantToken(env, credentials, options.scope);
    env.telemetry.grant('issued');
    return grant;
  } catch (error) {
    const result = refusal(error);
    if (result) env.telemetry.grant(result);
    throw error;
  }
}

function refusal(error: unknown): GrantResult | null {
  if (error instanceof ThrottledError) return 'throttled';
  if (error instanceof InvalidClientError) return 'invalid_client';
  if (error instanceof InvalidScopeError) return 'invalid_scope';
  return null;
}

async function grantToken(
  env: AuthEnv,
  credentials: ClientCredentials,
  requestedScope: string | undefined,
): Promise<TokenGrant> {
  const client = await authenticateClient(env, credentials);
  const { carried, grants } = settle(client, scopesHeld(env.settings, client), requestedScope);
  // Right after a revoke-all, a token signed in the same second would count as revoked (see revocation-mark.ts).
  // Checked again after each wait: a timer may fire a millisecond before the clock says it should.
  for (let wait = msUntilGrantable(client.tokensRevokedAt); wait > 0; wait = msUntilGrantable(client.tokensRevokedAt)) {
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const { lifetimeSeconds } = env.settings.tokens;
  const { token, claims } = await signAccessToken(env.keys, env.settings.tokens, {
    clientId: client.clientId,
    scopes: carried.scopes,
    roles: carried.roles,
    lifetimeSeconds,
  });
  return {
    clientId: client.clientId,
    accessToken: token,
    tokenType: 'Bearer',
    expiresIn: lifetimeSeconds,
    expiresAt: new Date(claims.exp * 1000),
    scope: grants.join(' '),
  };
}

/**
 * RFC 6749 §3.3: a space-delimited list; every entry must be held by the client, directly or through a role. Absent
 * or blank means all: the token then carries the client's scopes and its roles (whose scopes it need not list, which
 * keeps tokens small). A narrowed token carries the scopes asked for and no role, so it can do no more than it says.
 */
function settle(
  client: Holdings,
  held: readonly string[],
  requested: string | undefined,
): { carried: Holdings; grants: readonly string[] } {
  if (requested === undefined || requested.trim() === '') return { carried: client, grants: held };
  const asked = new Set(requested.split(' ').filter((scope) => scope !== ''));
  const heldSet = new Set(held);
  const refused = [...asked].filter((scope) => !heldSet.has(scope));
  if (refused.length > 0) throw new InvalidScopeError(refused);
  const scopes = held.filter((scope) => asked.has(scope));
  return { carried: { scopes, roles: [] }, grants: scopes };
}
