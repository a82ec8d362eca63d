import { listRoles, listScopes, type Principal } from '../access/index.js';
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
import { isoUtc, NO_STORE, readJson } from './http.js';
import { jsonObject, locatedIn, optionalString, optionalStringList, stringList } from './input.js';
import { ref } from './openapi-schemas.js';
import { routeShapes, type CallOptions } from './route-shapes.js';
import type { Route, RouteContext } from './routes.js';

const CLIENT = '/api/v1/oauth/client/{client_id}';
const clients = routeShapes('Clients');
const scopes = routeShapes('Scopes');
const NOT_FOUND_DOC = {
  description: 'No client with that id.',
  schema: ref('Error'),
  examples: { 'unknown client': { detail: CLIENT_NOT_FOUND } },
};

/** The Fides `/api/v1/oauth` client and scope paths: parse, call the use case GraphQL also calls, shape the answer. */
export const clientRoutes: Route[] = [
  clients.call('POST', '/api/v1/oauth/client', 'Create a client', {
    description:
      'The body is a bare JSON array of scopes (as Fides took it) or `{scopes, roles, name, description}`; no body ' +
      'means no scopes. A non-root caller can only grant scopes it holds, and roles whose every scope it holds (403 ' +
      'otherwise); unknown scope or role names and a blank name are 422.',
    operation: 'createClient',
    input: { required: false, content: { 'application/json': ref('ClientCreate') } },
    answer: {
      description: 'The new client’s id and its one-time secret (`Cache-Control: no-store`).',
      schema: ref('ClientCredentials'),
    },
    call: async ({ auth, request }, caller) =>
      locatedIn('body', createClient(auth, caller, toCreateClientInput(await readJson(request)))),
    body: credentialsBody,
    headers: NO_STORE,
  }),
  clients.pagedList('/api/v1/oauth/client', 'List clients, newest first', {
    operation: 'readClient',
    answer: { description: 'A page of clients; never a secret.', schema: ref('ClientPage') },
    list: ({ auth }, caller, page) => listClients(auth, caller, page),
    item: clientBody,
  }),
  onClient('GET', CLIENT, 'Get a client', {
    operation: 'readClient',
    answer: { description: 'The client.', schema: ref('Client') },
    use: getClient,
    missing: () => new NotFoundError(CLIENT_NOT_FOUND),
    body: clientBody,
  }),
  onClient('PUT', CLIENT, 'Update a client’s name, description, scopes or roles', {
    description:
      'What is left out stays; null keeps the name, scopes and roles, and clears the description. Narrowed scopes ' +
      'and roles apply at once to tokens already issued. Scopes and roles follow the same rules as creation. A ' +
      'non-root caller can only change a client whose scopes (its roles’ included) it holds itself (403 otherwise).',
    operation: 'updateClient',
    input: { required: true, content: { 'application/json': ref('ClientUpdate') } },
    answer: {
      description:
        'The client as it is now; `name`, `description`, `scopes` and `roles` are null unless the caller also holds ' +
        '`client:read`.',
      schema: ref('Client'),
    },
    use: async (env, caller, clientId, { request }) =>
      locatedIn('body', updateClient(env, caller, clientId, toUpdateClientInput(await readJson(request)))),
    body: clientBody,
  }),
  // Fides answers 200 null whether or not the client existed.
  clients.call('DELETE', CLIENT, 'Delete a client', {
    description:
      'Its tokens stop working at once. An unknown id is no error (as Fides answers). A non-root caller can only ' +
      'delete a client whose scopes it holds itself (403 otherwise).',
    operation: 'deleteClient',
    answer: { description: '`null`.', schema: { type: 'null' } },
    call: ({ auth, params }, caller) => deleteClient(auth, caller, params.client_id!),
    body: () => null,
  }),
  onClient('POST', `${CLIENT}/secret`, 'Rotate a client’s secret', {
    description:
      'The old secret stops working at once; tokens already issued stay valid (revoke them with `…/revoke`). A ' +
      'non-root caller can only rotate the secret of a client whose scopes it holds itself (403 otherwise).',
    operation: 'updateClient',
    answer: { description: 'The new one-time secret (`Cache-Control: no-store`).', schema: ref('ClientCredentials') },
    use: rotateClientSecret,
    body: credentialsBody,
    headers: NO_STORE,
  }),
  onClient('POST', `${CLIENT}/revoke`, 'Revoke every token issued to a client so far', {
    description:
      'The containment step after a leak: every token the client was issued up to now (to the second) stops ' +
      'working everywhere at once; new grants work from the next second. A non-root caller can only revoke the ' +
      'tokens of a client whose scopes it holds itself (403 otherwise). The root client’s tokens are revoked with ' +
      '`npm run cli -- clients revoke --root`.',
    operation: 'revokeClientTokens',
    answer: { description: 'When the revocation took effect.', schema: ref('ClientRevocation') },
    use: revokeClientTokens,
    body: (revokedAt) => ({ revoked_before: isoUtc(revokedAt) }),
  }),
  clients.call('GET', `${CLIENT}/scope`, 'Get a client’s scopes', {
    description: '`[]` for an unknown id, as Fides answers.',
    operation: 'readClient',
    answer: { description: 'The scopes, in the order granted.', schema: ref('ScopeList') },
    call: ({ auth, params }, caller) => getClientScopes(auth, caller, params.client_id!),
    body: (scopes) => scopes,
  }),
  // Fides answers 200 null whether or not the client existed.
  clients.call('PUT', `${CLIENT}/scope`, 'Replace a client’s scopes', {
    description:
      'A bare JSON array; the client’s roles stay. Applies at once to tokens already issued. For an unknown id (the ' +
      'root client’s included) nothing is done and the scopes are not even checked (as Fides answers). A non-root ' +
      'caller can only change a client whose scopes (its roles’ included) it holds itself (403 otherwise).',
    operation: 'updateClient',
    input: { required: true, content: { 'application/json': ref('ScopeList') } },
    answer: { description: '`null`, whether or not there was such a client.', schema: { type: 'null' } },
    call: async ({ auth, request, params }, caller) =>
      setClientScopes(auth, caller, params.client_id!, stringList((await readJson(request)) ?? [], ['body'])),
    body: () => null,
  }),
  scopes.call('GET', '/api/v1/oauth/scope', 'The scope registry, in order', {
    operation: 'readScopes',
    answer: { description: 'Every scope a client may hold.', schema: ref('ScopeList') },
    call: ({ auth }, caller) => listScopes(auth, caller),
    body: (scopes) => scopes,
  }),
  scopes.call('GET', '/api/v1/oauth/role', 'The roles and the scopes each stands for', {
    description: 'An object from role name to its sorted scopes, in Fides’ order of roles, as Fides answers.',
    operation: 'readRoles',
    answer: { description: 'Every role a client may hold.', schema: ref('RoleMapping') },
    call: ({ auth }, caller) => listRoles(auth, caller),
    body: (roles) => Object.fromEntries(roles.map((role) => [role.name, role.scopes])),
  }),
];

/**
 * `method path` on the client the path's `{client_id}` names: `use` is called with the caller and that id, and an
 * unknown id is the 404.
 */
function onClient<T>(
  method: Route['method'],
  path: string,
  summary: string,
  options: Omit<CallOptions<T>, 'call' | 'notFound'> & {
    readonly use: (
      env: RouteContext['auth'],
      caller: Principal | null,
      clientId: string,
      context: RouteContext,
    ) => Promise<T | null>;
  },
): Route {
  const { use, ...shape } = options;
  return clients.call(method, path, summary, {
    ...shape,
    notFound: NOT_FOUND_DOC,
    call: (context, caller) => use(context.auth, caller, context.params.client_id!, context),
  });
}

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

/** An update: what is left out (or null) stays, but a null description clears it. */
function toUpdateClientInput(body: unknown) {
  const fields = jsonObject(body);
  return {
    name: optionalString(fields.name, ['body', 'name']),
    description: optionalString(fields.description, ['body', 'description']),
    scopes: optionalStringList(fields.scopes, ['body', 'scopes']),
    roles: optionalStringList(fields.roles, ['body', 'roles']),
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
