import { ClientSchema, type Client } from '../db/entities/index.js';
import type { AuthEnv, Principal } from './auth-env.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import { checkGrantableScopes, REQUIRED_SCOPES, requireScopes } from './permissions.js';
import { hashSecret, newClientId, newClientSecret } from './secrets.js';

export interface CreateClientInput {
  readonly scopes?: readonly string[] | null | undefined;
  readonly name?: string | null | undefined;
  readonly description?: string | null | undefined;
}

export interface CreatedClient {
  readonly clientId: string;
  /** Shown this once; only its hash is stored. */
  readonly clientSecret: string;
  readonly client: Client;
}

export const NAME_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 2000;

/** Creates a client holding a subset of the registry that the caller may grant, and its one-time secret. */
export async function createClient(env: AuthEnv, principal: Principal | null, input: CreateClientInput): Promise<CreatedClient> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.createClient);
  const scopes = checkGrantableScopes(env.settings, caller, input.scopes ?? []);
  checkLabels(input);

  const clientId = newClientId();
  const clientSecret = newClientSecret();
  const client = env.em.create(ClientSchema, {
    id: clientId,
    secretHash: await hashSecret(clientSecret),
    scopes,
    name: input.name ?? null,
    description: input.description ?? null,
  });
  await env.em.flush();
  return { clientId, clientSecret, client };
}

function checkLabels(input: CreateClientInput): void {
  const issues: ValidationIssue[] = [];
  if (input.name && input.name.length > NAME_MAX_LENGTH) {
    issues.push({ loc: ['name'], msg: `String should have at most ${NAME_MAX_LENGTH} characters`, type: 'string_too_long' });
  }
  if (input.description && input.description.length > DESCRIPTION_MAX_LENGTH) {
    issues.push({
      loc: ['description'],
      msg: `String should have at most ${DESCRIPTION_MAX_LENGTH} characters`,
      type: 'string_too_long',
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}
