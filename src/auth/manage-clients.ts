import { ClientSchema, type Client } from '../db/entities/index.js';
import type { AuthEnv, Principal } from './auth-env.js';
import { checkClientLabels, type ClientLabels } from './client-labels.js';
import type { CreatedClient } from './create-client.js';
import { NotFoundError } from './errors.js';
import { checkPage, toPage, type Page, type PageRequest } from './pagination.js';
import { checkGrantableScopes, REQUIRED_SCOPES, requireScopes } from './permissions.js';
import { hashSecret, newClientSecret } from './secrets.js';
import { hasNulCharacter } from './text.js';

// The client lifecycle after creation. REST and GraphQL both call these; each one checks its own scopes.

export const CLIENT_NOT_FOUND = 'No client found with that id';

/** Clients, newest first. Never includes a secret or its hash. */
export async function listClients(env: AuthEnv, principal: Principal | null, request: PageRequest): Promise<Page<Client>> {
  requireScopes(principal, REQUIRED_SCOPES.readClient);
  const { page, size, offset } = checkPage(request);
  const [items, total] = await env.em.findAndCount(
    ClientSchema,
    {},
    { orderBy: { createdAt: 'desc', id: 'asc' }, limit: size, offset },
  );
  return toPage(items, total, page, size);
}

/** One client, or null when there is none with that id (the root client lives in configuration, not here). */
export async function getClient(env: AuthEnv, principal: Principal | null, clientId: string): Promise<Client | null> {
  requireScopes(principal, REQUIRED_SCOPES.readClient);
  return findClient(env, clientId);
}

/** A client's scopes; `[]` for an unknown id, as Fides answers. */
export async function getClientScopes(env: AuthEnv, principal: Principal | null, clientId: string): Promise<readonly string[]> {
  requireScopes(principal, REQUIRED_SCOPES.readClient);
  return (await findClient(env, clientId))?.scopes ?? [];
}

export interface UpdateClientInput extends ClientLabels {
  readonly scopes?: readonly string[] | null | undefined;
}

/**
 * Changes a client's name, description and scopes; what is left out stays. New scopes take effect at once for
 * tokens already issued (they only ever narrow: a token keeps at most the scopes it was issued with).
 */
export async function updateClient(
  env: AuthEnv,
  principal: Principal | null,
  clientId: string,
  input: UpdateClientInput,
): Promise<Client> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.updateClient);
  const scopes = input.scopes === undefined || input.scopes === null ? undefined : checkGrantableScopes(env.settings, caller, input.scopes);
  checkClientLabels(input);
  const client = await findClient(env, clientId);
  if (!client) throw new NotFoundError(CLIENT_NOT_FOUND);
  if (scopes !== undefined) client.scopes = scopes;
  if (input.name !== undefined) client.name = input.name;
  if (input.description !== undefined) client.description = input.description;
  await env.em.flush();
  // Committed: tokens stop carrying removed scopes from the next request on, here and (by trigger) elsewhere.
  if (scopes !== undefined) env.caches.tokenStates.clientChanged(clientId);
  return client;
}

/** Replaces a client's scopes. */
export function setClientScopes(
  env: AuthEnv,
  principal: Principal | null,
  clientId: string,
  scopes: readonly string[],
): Promise<Client> {
  return updateClient(env, principal, clientId, { scopes });
}

/** A new secret for the client, shown once; the old one stops working at once. Issued tokens stay valid. */
export async function rotateClientSecret(
  env: AuthEnv,
  principal: Principal | null,
  clientId: string,
): Promise<CreatedClient> {
  requireScopes(principal, REQUIRED_SCOPES.updateClient);
  const client = await findClient(env, clientId);
  if (!client) throw new NotFoundError(CLIENT_NOT_FOUND);
  const clientSecret = newClientSecret();
  client.secretHash = await hashSecret(clientSecret);
  await env.em.flush();
  // Committed: the old secret stops here before this answers (elsewhere, by trigger); its remembered digest goes too.
  env.caches.tokenStates.clientChanged(clientId);
  env.caches.verifiedSecrets.forget(clientId);
  return { clientId: client.id, clientSecret, client };
}

/** Deletes a client; its tokens stop working at once. Returns whether there was one (an unknown id is no error). */
export async function deleteClient(env: AuthEnv, principal: Principal | null, clientId: string): Promise<boolean> {
  requireScopes(principal, REQUIRED_SCOPES.deleteClient);
  const deleted = await env.em.nativeDelete(ClientSchema, { id: clientId });
  env.caches.tokenStates.clientChanged(clientId);
  env.caches.verifiedSecrets.forget(clientId);
  return deleted > 0;
}

async function findClient(env: AuthEnv, clientId: string): Promise<Client | null> {
  // Ids are at most 64 characters; a longer one cannot exist, and is not worth a query.
  if (clientId.length > 64 || hasNulCharacter(clientId)) return null;
  return env.em.findOne(ClientSchema, { id: clientId });
}
