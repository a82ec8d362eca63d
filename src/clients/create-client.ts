import { ClientSchema } from '../db/entities/index.js';
import { checkClientLabels, type ClientLabels } from './client-labels.js';
import { toClientView, type ClientView } from './client-view.js';
import {
  checkGrantableRoles,
  checkGrantableScopes,
  REQUIRED_SCOPES,
  requireScopes,
  type Principal,
} from '../access/index.js';
import { auditContext, recordAudit } from '../audit/index.js';
import type { ClientsEnv } from './env.js';
import { newClientId, newClientSecret } from './secrets.js';

export interface CreateClientInput extends ClientLabels {
  readonly scopes?: readonly string[] | null | undefined;
  readonly roles?: readonly string[] | null | undefined;
}

export interface CreatedClient {
  readonly clientId: string;
  /** Shown this once; only its hash is stored. */
  readonly clientSecret: string;
  readonly client: ClientView;
}

/**
 * Creates a client holding scopes and roles that the caller may grant (those whose scopes it holds itself), and its
 * one-time secret.
 */
export async function createClient(
  env: ClientsEnv,
  principal: Principal | null,
  input: CreateClientInput,
): Promise<CreatedClient> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.createClient);
  // The body's shape first, as Fides validates it before looking at the scopes.
  checkClientLabels(input);
  const scopes = checkGrantableScopes(env.settings, caller, input.scopes ?? []);
  const roles = checkGrantableRoles(env.settings, caller, input.roles ?? []);

  const clientId = newClientId();
  const clientSecret = newClientSecret();
  const client = env.em.create(ClientSchema, {
    id: clientId,
    secretHash: await env.secrets.hash(clientSecret),
    scopes,
    roles,
    name: input.name ?? null,
    description: input.description ?? null,
  });
  recordAudit(env.em, auditContext(env, caller), {
    action: 'client.created',
    clientId,
    details: { scopes, roles, name: input.name ?? null },
  });
  // One flush, so one transaction: the client and its audit event.
  await env.em.flush();
  // The creator has just chosen everything the view holds.
  return { clientId, clientSecret, client: toClientView(client, true) };
}
