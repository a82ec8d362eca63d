import { LockMode, type EntityManager } from '@mikro-orm/core';
import { ClientRevocationSchema, ClientSchema, type Client } from '../db/entities/index.js';
import { checkClientLabels, type ClientLabels } from './client-labels.js';
import { toClientView, type ClientView } from './client-view.js';
import type { CreatedClient } from './create-client.js';
import { hasNulCharacter, NotFoundError, type PageRequest } from '../core/index.js';
import {
  checkGrantableRoles,
  checkGrantableScopes,
  holdsScopes,
  pagedList,
  REQUIRED_SCOPES,
  requireModifiable,
  requireScopes,
  type Principal,
} from '../access/index.js';
import { auditContext, recordAudit, type AuditAction } from '../audit/index.js';
import type { ClientsEnv } from './env.js';
import { newClientSecret } from './secrets.js';

// The client lifecycle after creation. REST and GraphQL both call these; each one checks its own scopes, and every
// write also checks that the caller holds whatever the client holds (`requireModifiable`).

export const CLIENT_NOT_FOUND = 'No client found with that id';

/** Ids are at most 64 characters; a longer one cannot exist, and is not worth a query. */
const MAX_CLIENT_ID_LENGTH = 64;

/** Clients, newest first. Never includes a secret or its hash. */
export const listClients = pagedList('readClient', ClientSchema, (_env: ClientsEnv, _caller, _query: PageRequest) => ({
  where: () => ({}),
  orderBy: { createdAt: 'desc', id: 'asc' },
  views: (rows) => rows.map((client) => toClientView(client, true)),
}));

/** One client, or null when there is none with that id (the root client lives in configuration, not here). */
export async function getClient(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
): Promise<ClientView | null> {
  requireScopes(principal, REQUIRED_SCOPES.readClient);
  const client = await findClient(env.em, clientId);
  return client && toClientView(client, true);
}

/** A client's scopes; `[]` for an unknown id, as Fides answers. */
export async function getClientScopes(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
): Promise<readonly string[]> {
  requireScopes(principal, REQUIRED_SCOPES.readClient);
  return (await findClient(env.em, clientId))?.scopes ?? [];
}

export interface UpdateClientInput extends ClientLabels {
  readonly scopes?: readonly string[] | null | undefined;
  readonly roles?: readonly string[] | null | undefined;
}

/**
 * Changes a client's name, description, scopes and roles; what is left out stays, and so do the name, the scopes and
 * the roles when given as null (as Fides does: only the description is cleared by null, and a name is never emptied).
 * New scopes and roles take effect at once for tokens already issued (they only ever narrow: a token keeps at most
 * what it was issued with). The answer shows the client's details only to a caller that may read clients.
 */
export async function updateClient(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
  input: UpdateClientInput,
): Promise<ClientView> {
  const updated = await applyUpdate(env, principal, clientId, input);
  if (!updated) throw new NotFoundError(CLIENT_NOT_FOUND);
  return updated;
}

/**
 * Replaces a client's scopes (its roles stay). Null when there is no such client, the root client included: then
 * nothing is done, and the scopes are not even checked, as Fides answers `PUT …/scope` for an unknown id.
 */
export function setClientScopes(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
  scopes: readonly string[],
): Promise<ClientView | null> {
  return applyUpdate(env, principal, clientId, { scopes }, 'client.scopes_set');
}

async function applyUpdate(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
  input: UpdateClientInput,
  action: 'client.updated' | 'client.scopes_set' = 'client.updated',
): Promise<ClientView | null> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.updateClient);
  checkClientLabels(input);
  const client = await changeClient(env, caller, clientId, action, (found) => {
    const changed: string[] = [];
    if (input.scopes != null) {
      found.scopes = checkGrantableScopes(env.settings, caller, input.scopes);
      changed.push('scopes');
    }
    if (input.roles != null) {
      found.roles = checkGrantableRoles(env.settings, caller, input.roles);
      changed.push('roles');
    }
    if (input.name != null) {
      found.name = input.name;
      changed.push('name');
    }
    if (input.description !== undefined) {
      found.description = input.description;
      changed.push('description');
    }
    return { changed, scopes: found.scopes, roles: found.roles };
  });
  return client && toClientView(client, holdsScopes(caller, REQUIRED_SCOPES.readClient));
}

/** A new secret for the client, shown once; the old one stops working at once. Issued tokens stay valid. */
export async function rotateClientSecret(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
): Promise<CreatedClient> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.updateClient);
  const clientSecret = newClientSecret();
  const client = await changeClient(env, caller, clientId, 'client.secret_rotated', async (found) => {
    found.secretHash = await env.secrets.hash(clientSecret);
    return {};
  });
  if (!client) throw new NotFoundError(CLIENT_NOT_FOUND);
  return {
    clientId: client.id,
    clientSecret,
    client: toClientView(client, holdsScopes(caller, REQUIRED_SCOPES.readClient)),
  };
}

/**
 * Every token issued to the client up to now stops working, everywhere at once (the containment step after a
 * leak). Returns the moment of the revocation.
 */
export async function revokeClientTokens(
  env: ClientsEnv,
  principal: Principal | null,
  clientId: string,
): Promise<Date> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.revokeClientTokens);
  const revokedAt = new Date();
  const client = await changeClient(env, caller, clientId, 'client.tokens_revoked', async (_found, em) => {
    await markTokensRevoked(em, clientId, revokedAt);
    return { revoked_before: revokedAt.toISOString() };
  });
  if (!client) throw new NotFoundError(CLIENT_NOT_FOUND);
  return revokedAt;
}

/**
 * Records that every token issued to `clientId` until `revokedAt` is revoked. Also for the root client, which has
 * no row (the operator CLI calls this directly): the mark is keyed by id alone.
 */
export async function markTokensRevoked(em: EntityManager, clientId: string, revokedAt: Date): Promise<void> {
  await em.upsert(
    ClientRevocationSchema,
    { clientId, revokedAt },
    { onConflictFields: ['clientId'], onConflictAction: 'merge' },
  );
}

/** Deletes a client; its tokens stop working at once. Returns whether there was one (an unknown id is no error). */
export async function deleteClient(env: ClientsEnv, principal: Principal | null, clientId: string): Promise<boolean> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.deleteClient);
  const deleted = await changeClient(env, caller, clientId, 'client.deleted', async (found, em) => {
    em.remove(found);
    await em.nativeDelete(ClientRevocationSchema, { clientId });
    return { scopes: found.scopes, roles: found.roles };
  });
  return deleted !== null;
}

/**
 * The shape of every write to a client: in one transaction, lock its row, refuse a caller that does not hold what
 * it holds (its scopes and its roles' scopes), apply the change and record it in the audit trail (`action`, with the
 * details `change` answers); after the commit, forget what this process remembered of it (other processes hear the
 * database trigger) before the caller answers. Null, with nothing done, when there is no such client: each use case
 * decides what that means.
 */
async function changeClient(
  env: ClientsEnv,
  caller: Principal,
  clientId: string,
  action: AuditAction,
  change: (client: Client, em: EntityManager) => Record<string, unknown> | Promise<Record<string, unknown>>,
): Promise<Client | null> {
  const client = await env.em.transactional(async (em) => {
    const found = await findClient(em, clientId, LockMode.PESSIMISTIC_WRITE);
    if (!found) return null;
    requireModifiable(env.settings, caller, found);
    const details = await change(found, em);
    recordAudit(em, auditContext(env, caller), { action, clientId, details });
    return found;
  });
  if (client) env.clientChanged(clientId);
  return client;
}

async function findClient(em: EntityManager, clientId: string, lockMode?: LockMode): Promise<Client | null> {
  if (clientId.length > MAX_CLIENT_ID_LENGTH || hasNulCharacter(clientId)) return null;
  return em.findOne(ClientSchema, { id: clientId }, lockMode === undefined ? {} : { lockMode });
}
