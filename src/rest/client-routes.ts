import { listRoles, listScopes, REQUIRED_SCOPES } from '../access/index.js';
import {
  createClient,
  deleteClient,
  getClient,
  getClientScopes,
  listClients,
  CLIENT_NOT_FOUND,
  revokeClientTokens,
  rotateClientSecret,
  setClientScopes,
  updateClient,
  type ClientView,
  type CreateClientInput,
} from '../clients/index.js';
import { NotFoundError, ValidationError } from '../core/index.js';
import { isoUtc, json, NO_STORE, readJson } from './http.js';
import { jsonObject, locatedIn, optionalString, optionalStringList, stringList } from './input.js';
import { ref } from './openapi-schemas.js';
import { callRoute, pagedListRoute } from './route-shapes.js';
import type { Route } from './routes.js';

const CLIENT = '/api/v1/oauth/client/{client_id}';
const NOT_FOUND_DOC = {
  description: 'No client with that id.',
  schema: ref('Error'),
  examples: { 'unknown client': { detail: CLIENT_NOT_FOUND } },
};

/** The Fides `/api/v1/oauth` client and scope paths: parse, call the use case GraphQL also calls, shape the answer. */
export const clientRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/oauth/client',
    doc: {
      tag: 'Clients',
      summary: 'Create a client',
      description:
        'The body is a bare JSON array of scopes (as Fides took it) or `{scopes, roles, name, description}`; no body ' +
        'means no scopes. A non-root caller can only grant scopes it holds, and roles whose every scope it holds (403 ' +
        'otherwise); unknown scope or role names and a blank name are 422.',
      auth: { bearer: REQUIRED_SCOPES.createClient },
      body: { required: false, content: { 'application/json': ref('ClientCreate') } },
      responses: {
        200: {
          description: 'The new client’s id and its one-time secret (`Cache-Control: no-store`).',
          schema: ref('ClientCredentials'),
        },
      },
    },
    handle: async ({ request, auth, principal }) => {
      const caller = await principal();
      const created = await locatedIn('body', createClient(auth, caller, toCreateClientInput(await readJson(request))));
      return json(200, credentialsBody(created), NO_STORE);
    },
  },
  pagedListRoute('/api/v1/oauth/client', 'List clients, newest first', {
    tag: 'Clients',
    operation: 'readClient',
    answer: { description: 'A page of clients; never a secret.', schema: ref('ClientPage') },
    list: ({ auth }, caller, page) => listClients(auth, caller, page),
    item: clientBody,
  }),
  callRoute('GET', CLIENT, 'Get a client', {
    tag: 'Clients',
    operation: 'readClient',
    answer: { description: 'The client.', schema: ref('Client') },
    notFound: NOT_FOUND_DOC,
    call: ({ auth, params }, caller) => getClient(auth, caller, params.client_id!),
    missing: () => new NotFoundError(CLIENT_NOT_FOUND),
    body: clientBody,
  }),
  {
    method: 'PUT',
    path: CLIENT,
    doc: {
      tag: 'Clients',
      summary: 'Update a client’s name, description, scopes or roles',
      description:
        'What is left out stays; null keeps the name, scopes and roles, and clears the description. Narrowed scopes ' +
        'and roles apply at once to tokens already issued. Scopes and roles follow the same rules as creation. A ' +
        'non-root caller can only change a client whose scopes (its roles’ included) it holds itself (403 otherwise).',
      auth: { bearer: REQUIRED_SCOPES.updateClient },
      body: { required: true, content: { 'application/json': ref('ClientUpdate') } },
      responses: {
        200: {
          description:
            'The client as it is now; `name`, `description`, `scopes` and `roles` are null unless the caller also ' +
            'holds `client:read`.',
          schema: ref('Client'),
        },
        404: NOT_FOUND_DOC,
      },
    },
    handle: async ({ request, params, auth, principal }) => {
      const caller = await principal();
      const body = jsonObject(await readJson(request));
      const input = {
        name: optionalString(body.name, ['body', 'name']),
        description: optionalString(body.description, ['body', 'description']),
        scopes: optionalStringList(body.scopes, ['body', 'scopes']),
        roles: optionalStringList(body.roles, ['body', 'roles']),
      };
      return json(200, clientBody(await locatedIn('body', updateClient(auth, caller, params.client_id!, input))));
    },
  },
  {
    method: 'DELETE',
    path: CLIENT,
    doc: {
      tag: 'Clients',
      summary: 'Delete a client',
      description:
        'Its tokens stop working at once. An unknown id is no error (as Fides answers). A non-root caller can only ' +
        'delete a client whose scopes it holds itself (403 otherwise).',
      auth: { bearer: REQUIRED_SCOPES.deleteClient },
      responses: { 200: { description: '`null`.', schema: { type: 'null' } } },
    },
    // Fides answers 200 null whether or not the client existed.
    handle: async ({ params, auth, principal }) => {
      await deleteClient(auth, await principal(), params.client_id!);
      return json(200, null);
    },
  },
  callRoute('POST', `${CLIENT}/secret`, 'Rotate a client’s secret', {
    tag: 'Clients',
    description:
      'The old secret stops working at once; tokens already issued stay valid (revoke them with `…/revoke`). A ' +
      'non-root caller can only rotate the secret of a client whose scopes it holds itself (403 otherwise).',
    operation: 'updateClient',
    answer: { description: 'The new one-time secret (`Cache-Control: no-store`).', schema: ref('ClientCredentials') },
    notFound: NOT_FOUND_DOC,
    call: ({ auth, params }, caller) => rotateClientSecret(auth, caller, params.client_id!),
    body: credentialsBody,
    headers: NO_STORE,
  }),
  callRoute('POST', `${CLIENT}/revoke`, 'Revoke every token issued to a client so far', {
    tag: 'Clients',
    description:
      'The containment step after a leak: every token the client was issued up to now (to the second) stops ' +
      'working everywhere at once; new grants work from the next second. A non-root caller can only revoke the ' +
      'tokens of a client whose scopes it holds itself (403 otherwise). The root client’s tokens are revoked with ' +
      '`npm run cli -- clients revoke --root`.',
    operation: 'revokeClientTokens',
    answer: { description: 'When the revocation took effect.', schema: ref('ClientRevocation') },
    notFound: NOT_FOUND_DOC,
    call: ({ auth, params }, caller) => revokeClientTokens(auth, caller, params.client_id!),
    body: (revokedAt) => ({ revoked_before: isoUtc(revokedAt) }),
  }),
  callRoute('GET', `${CLIENT}/scope`, 'Get a client’s scopes', {
    tag: 'Clients',
    description: '`[]` for an unknown id, as Fides answers.',
    operation: 'readClient',
    answer: { description: 'The scopes, in the order granted.', schema: ref('ScopeList') },
    call: ({ auth, params }, caller) => getClientScopes(auth, caller, params.client_id!),
    body: (scopes) => scopes,
  }),
  {
    method: 'PUT',
    path: '/api/v1/oauth/client/{client_id}/scope',
    doc: {
      tag: 'Clients',
      summary: 'Replace a client’s scopes',
      description:
        'A bare JSON array; the client’s roles stay. Applies at once to tokens already issued. For an unknown id (the ' +
        'root client’s included) nothing is done and the scopes are not even checked (as Fides answers). A non-root ' +
        'caller can only change a client whose scopes (its roles’ included) it holds itself (403 otherwise).',
      auth: { bearer: REQUIRED_SCOPES.updateClient },
      body: { required: true, content: { 'application/json': ref('ScopeList') } },
      responses: { 200: { description: '`null`, whether or not there was such a client.', schema: { type: 'null' } } },
    },
    // Fides answers 200 null whether or not the client existed.
    handle: async ({ request, params, auth, principal }) => {
      const caller = await principal();
      const scopes = stringList((await readJson(request)) ?? [], ['body']);
      await setClientScopes(auth, caller, params.client_id!, scopes);
      return json(200, null);
    },
  },
  callRoute('GET', '/api/v1/oauth/scope', 'The scope registry, in order', {
    tag: 'Scopes',
    operation: 'readScopes',
    answer: { description: 'Every scope a client may hold.', schema: ref('ScopeList') },
    call: ({ auth }, caller) => listScopes(auth, caller),
    body: (scopes) => scopes,
  }),
  callRoute('GET', '/api/v1/oauth/role', 'The roles and the scopes each stands for', {
    tag: 'Scopes',
    description: 'An object from role name to its sorted scopes, in Fides’ order of roles, as Fides answers.',
    operation: 'readRoles',
    answer: { description: 'Every role a client may hold.', schema: ref('RoleMapping') },
    call: ({ auth }, caller) => listRoles(auth, caller),
    body: (roles) => Object.fromEntries(roles.map((role) => [role.name, role.scopes])),
  }),
];

/** A client on the wire, and a client's id with its one-time secret. */
export type ClientBody = ReturnType<typeof clientBody>;
export type CredentialsBody = ReturnType<typeof credentialsBody>;

/** A client's id and its one-time secret, as creation and rotation answer them. */
function credentialsBody(credentials: { clientId: string; clientSecret: string }) {
  return { client_id: credentials.clientId, client_secret: credentials.clientSecret };
}

/**
 * A client on the wire: Fides' `{client_id, name, description, scopes}` and its `roles`; only its id to a caller it
 * is not disclosed to (see `ClientView.disclosed`).
 */
export function clientBody(client: ClientView) {
  if (!client.disclosed) {
    return { client_id: client.clientId, name: null, description: null, scopes: null, roles: null };
  }
  return {
    client_id: client.clientId,
    name: client.name,
    description: client.description,
    scopes: client.scopes,
    roles: client.roles,
  };
}

/**
 * Fides takes `{scopes, name, description}` (and took a bare JSON array of scopes before); we take both, and
 * `roles` in the object. No body: no scopes.
 */
function toCreateClientInput(body: unknown): CreateClientInput {
  if (body === undefined || body === null) return {};
  if (Array.isArray(body)) return { scopes: stringList(body, ['body']) };
  if (typeof body !== 'object') {
    throw new ValidationError([{ loc: ['body'], msg: 'Input should be a valid list or object', type: 'model_type' }]);
  }
  const { scopes, roles, name, description } = body as Record<string, unknown>;
  return {
    scopes: optionalStringList(scopes, ['body', 'scopes']) ?? [],
    roles: optionalStringList(roles, ['body', 'roles']) ?? [],
    name: optionalString(name, ['body', 'name']),
    description: optionalString(description, ['body', 'description']),
  };
}
