import type { AuthEnv } from './auth-env.js';
import { InvalidClientError } from './errors.js';
import { verifySecret } from './secrets.js';
import { hasNulCharacter } from './text.js';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface AuthenticatedClient {
  readonly clientId: string;
  readonly isRoot: boolean;
  /** Everything the client holds now, in its order. */
  readonly scopes: readonly string[];
}

/** Longer ids are never issued; they are answered like any unknown id, at the same cost. */
const MAX_CLIENT_ID_LENGTH = 64;

/**
 * Authenticates a client by id and secret. Unknown id and wrong secret are indistinguishable to the caller,
 * in answer and in time: an unknown id still pays one argon2 verification, against a dummy hash. A secret already
 * verified against the client's current hash skips argon2 (see `VerifiedSecrets`); nothing else does.
 */
export async function authenticateClient(
  env: AuthEnv,
  credentials: ClientCredentials,
  usedBasic = false,
): Promise<AuthenticatedClient> {
  await env.throttle.check(credentials.clientId, env.clientIp);
  try {
    return await verifyCredentials(env, credentials, usedBasic);
  } catch (error) {
    if (error instanceof InvalidClientError) await env.throttle.fail(credentials.clientId, env.clientIp);
    throw error;
  }
}

async function verifyCredentials(env: AuthEnv, credentials: ClientCredentials, usedBasic: boolean): Promise<AuthenticatedClient> {
  const { settings } = env;
  const { clientId, clientSecret } = credentials;
  if (clientId === settings.root.clientId) {
    if (await checkSecret(env, clientId, settings.root.secretHash, clientSecret)) {
      return { clientId, isRoot: true, scopes: settings.registry };
    }
    throw new InvalidClientError('wrong secret for the root client', usedBasic);
  }
  const client =
    clientId.length <= MAX_CLIENT_ID_LENGTH && !hasNulCharacter(clientId)
      ? await env.caches.tokenStates.readClient(env, clientId)
      : null;
  if (!client) {
    await verifySecret(settings.dummySecretHash, clientSecret);
    throw new InvalidClientError('unknown client id', usedBasic);
  }
  if (!(await checkSecret(env, clientId, client.secretHash, clientSecret))) {
    throw new InvalidClientError('wrong secret', usedBasic);
  }
  return { clientId, isRoot: false, scopes: client.scopes };
}

async function checkSecret(env: AuthEnv, clientId: string, secretHash: string, secret: string): Promise<boolean> {
  const { verifiedSecrets } = env.caches;
  if (verifiedSecrets.matches(clientId, secretHash, secret)) return true;
  const verified = await verifySecret(secretHash, secret);
  if (verified) verifiedSecrets.remember(clientId, secretHash, secret);
  return verified;
}
