import { ThrottledError } from '../access/index.js';
import { auditContext, recordAudit } from '../audit/index.js';
import { forLog, hasNulCharacter, InvalidClientError, InvalidRequestError, safeErrorFields } from '../core/index.js';
import type { AuthEnv } from './env.js';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface AuthenticatedClient {
  readonly clientId: string;
  readonly isRoot: boolean;
  /** The scopes the client holds directly now, in its order. */
  readonly scopes: readonly string[];
  /** The roles it holds now, in its order. */
  readonly roles: readonly string[];
  /** When all its tokens issued until then were revoked (epoch ms), or null. */
  readonly tokensRevokedAt: number | null;
}

/** A longer `client_id` is refused as malformed before it is counted, looked up or logged. */
export const MAX_CLIENT_ID_PARAMETER = 255;

/** Issued ids are 32 hex characters; the root's is configured. Longer ids cannot exist, and are not queried. */
const MAX_STORED_CLIENT_ID_LENGTH = 64;

/**
 * Authenticates a client by id and secret, for the token endpoint, `issueToken`, introspection and revocation.
 *
 * - The attempt is counted before the secret is checked (see `AuthThrottle`), and refunded when it succeeds.
 * - Unknown id and wrong secret are indistinguishable to the caller, in answer and in time: an unknown id still
 *   pays one argon2 verification, against a dummy hash. The reason goes to the log only, with the (sanitised)
 *   client id and the address.
 * - A secret already verified against the client's current hash skips argon2 (see `VerifiedSecrets`); nothing
 *   else does, and argon2's queue is bounded (see `Argon2Queue`).
 */
export async function authenticateClient(env: AuthEnv, credentials: ClientCredentials): Promise<AuthenticatedClient> {
  const { clientId } = credentials;
  if (clientId.length > MAX_CLIENT_ID_PARAMETER) {
    throw new InvalidRequestError(`The client_id parameter must be at most ${MAX_CLIENT_ID_PARAMETER} characters.`);
  }
  const who = { requestId: env.requestId, clientId: forLog(clientId), ip: env.clientIp };
  const known = await rememberedClient(env, credentials);
  if (known) {
    // A secret this process already verified against the client's current hash is no guess, so it is not counted:
    // counting it (and refunding it after) would let a burst of right secrets, 11 workers starting together behind
    // one address, use up their own pair's allowance and lock it out. A locked pair or address still refuses it.
    try {
      await env.throttle.check(clientId, env.clientIp);
    } catch (error) {
      if (error instanceof ThrottledError) env.telemetry.authThrottled(null);
      throw error;
    }
    return known;
  }
  let attempt;
  try {
    attempt = await env.throttle.attempt(clientId, env.clientIp);
  } catch (error) {
    if (error instanceof ThrottledError) env.telemetry.authThrottled(error.lockout);
    if (error instanceof ThrottledError && error.lockout) {
      env.log.warn({ ...who, limit: error.lockout }, 'client authentication locked out: too many failures');
      await recordLockout(env, who.clientId, error.lockout);
    }
    throw error;
  }
  try {
    const client = await verifyCredentials(env, credentials);
    await attempt.refund();
    return client;
  } catch (error) {
    if (error instanceof InvalidClientError)
      env.log.info({ ...who, reason: error.reason }, 'client authentication failed');
    // Refused before any verdict (argon2 queue full): nothing was learnt, so nothing is counted.
    else await attempt.refund();
    throw error;
  }
}

/** The lockout in the audit trail; a database that cannot take it must not turn the 429 into something else. */
async function recordLockout(env: AuthEnv, clientId: string, limit: 'pair' | 'address'): Promise<void> {
  try {
    const em = env.em.fork();
    recordAudit(em, auditContext(env, null), { action: 'auth.locked_out', clientId, details: { limit } });
    await em.flush();
  } catch (error) {
    env.log.warn(
      { requestId: env.requestId, ...safeErrorFields(error) },
      'could not record a lockout in the audit trail',
    );
  }
}

/**
 * The client, when this secret was already verified against its current hash (no argon2, nothing counted); null
 * otherwise, and then without reading anything: an id this process has not verified costs no lookup here.
 */
async function rememberedClient(env: AuthEnv, credentials: ClientCredentials): Promise<AuthenticatedClient | null> {
  const { settings } = env;
  const { clientId, clientSecret } = credentials;
  // One HMAC of the secret: the hash it was verified against, then only a comparison with the current one.
  const verified = env.secrets.verifiedHash(clientId, clientSecret);
  if (verified === null) return null;
  if (clientId === settings.root.clientId) {
    if (!env.secrets.confirm(clientId, verified, settings.root.secretHash)) return null;
    const { tokensRevokedAt } = await env.caches.tokenStates.readClient(env, clientId);
    return { clientId, isRoot: true, scopes: settings.root.scopes, roles: settings.root.roles, tokensRevokedAt };
  }
  const state = await env.caches.tokenStates.readClient(env, clientId);
  if (!state.row || !env.secrets.confirm(clientId, verified, state.row.secretHash)) return null;
  const { scopes, roles } = state.row;
  return { clientId, isRoot: false, scopes, roles, tokensRevokedAt: state.tokensRevokedAt };
}

async function verifyCredentials(env: AuthEnv, credentials: ClientCredentials): Promise<AuthenticatedClient> {
  const { settings } = env;
  const { clientId, clientSecret } = credentials;
  if (clientId === settings.root.clientId) {
    if (!(await checkSecret(env, clientId, settings.root.secretHash, clientSecret))) {
      throw new InvalidClientError('wrong secret for the root client');
    }
    const { tokensRevokedAt } = await env.caches.tokenStates.readClient(env, clientId);
    return { clientId, isRoot: true, scopes: settings.root.scopes, roles: settings.root.roles, tokensRevokedAt };
  }
  const state =
    clientId.length <= MAX_STORED_CLIENT_ID_LENGTH && !hasNulCharacter(clientId)
      ? await env.caches.tokenStates.readClient(env, clientId)
      : null;
  if (!state?.row) {
    await env.secrets.verify(settings.dummySecretHash, clientSecret, env.clientIp);
    throw new InvalidClientError('unknown client id');
  }
  if (!(await checkSecret(env, clientId, state.row.secretHash, clientSecret))) {
    throw new InvalidClientError('wrong secret');
  }
  const { scopes, roles } = state.row;
  return { clientId, isRoot: false, scopes, roles, tokensRevokedAt: state.tokensRevokedAt };
}

function checkSecret(env: AuthEnv, clientId: string, secretHash: string, secret: string): Promise<boolean> {
  return env.secrets.check(clientId, secretHash, secret, env.clientIp);
}
