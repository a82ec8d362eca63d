import {
  createClient,
  deleteClient,
  getClient,
  getClientScopes,
  listClients,
  listScopes,
  NotFoundError,
  CLIENT_NOT_FOUND,
  rotateClientSecret,
  setClientScopes,
  updateClient,
  ValidationError,
  type Client,
  type CreateClientInput,
} from '../auth/index.js';
import { json, readJson } from './http.js';
import { jsonObject, locatedIn, optionalString, queryInt, stringList } from './input.js';
import type { Route } from './routes.js';

/** The Fides `/api/v1/oauth` client and scope paths: parse, call the use case GraphQL also calls, shape the answer. */
export const clientRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/oauth/client',
    handle: async ({ request, auth, principal }) => {
      const caller = await principal();
      const created = await locatedIn('body', createClient(auth, caller, toCreateClientInput(await readJson(request))));
      return json(200, { client_id: created.clientId, client_secret: created.clientSecret });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/oauth/client',
    handle: async ({ url, auth, principal }) => {
      const caller = await principal();
      const page = await locatedIn('query', listClients(auth, caller, { page: queryInt(url, 'page'), size: queryInt(url, 'size') }));
      return json(200, { ...page, items: page.items.map(clientBody) });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/oauth/client/{client_id}',
    handle: async ({ params, auth, principal }) => {
      const client = await getClient(auth, await principal(), params.client_id!);
      if (!client) throw new NotFoundError(CLIENT_NOT_FOUND);
      return json(200, clientBody(client));
    },
  },
  {
    method: 'PUT',
    path: '/api/v1/oauth/client/{client_id}',
    handle: async ({ request, params, auth, principal }) => {
      const caller = await principal();
      const body = jsonObject(await readJson(request));
      const input = {
        name: optionalString(body.name, ['body', 'name']),
        description: optionalString(body.description, ['body', 'description']),
        scopes: body.scopes === undefined || body.scopes === null ? undefined : stringList(body.scopes, ['body', 'scopes']),
      };
      return json(200, clientBody(await locatedIn('body', updateClient(auth, caller, params.client_id!, input))));
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/oauth/client/{client_id}',
    // Fides answers 200 null whether or not the client existed.
    handle: async ({ params, auth, principal }) => {
      await deleteClient(auth, await principal(), params.client_id!);
      return json(200, null);
    },
  },
  {
    method: 'POST',
    path: '/api/v1/oauth/client/{client_id}/secret',
    handle: async ({ params, auth, principal }) => {
      const rotated = await rotateClientSecret(auth, await principal(), params.client_id!);
      return json(200, { client_id: rotated.clientId, client_secret: rotated.clientSecret });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/oauth/client/{client_id}/scope',
    handle: async ({ params, auth, principal }) => json(200, await getClientScopes(auth, await principal(), params.client_id!)),
  },
  {
    method: 'PUT',
    path: '/api/v1/oauth/client/{client_id}/scope',
    handle: async ({ request, params, auth, principal }) => {
      const caller = await principal();
      const scopes = stringList((await readJson(request)) ?? [], ['body']);
      await setClientScopes(auth, caller, params.client_id!, scopes);
      return json(200, null);
    },
  },
  {
    method: 'GET',
    path: '/api/v1/oauth/scope',
    handle: async ({ auth, principal }) => json(200, listScopes(auth, await principal())),
  },
];

export function clientBody(client: Client) {
  return { client_id: client.id, name: client.name ?? null, description: client.description ?? null, scopes: client.scopes };
}

/** Fides takes a bare JSON array of scopes; we also take `{scopes, name, description}`. No body: no scopes. */
function toCreateClientInput(body: unknown): CreateClientInput {
  if (body === undefined || body === null) return {};
  if (Array.isArray(body)) return { scopes: stringList(body, ['body']) };
  if (typeof body !== 'object') {
    throw new ValidationError([{ loc: ['body'], msg: 'Input should be a valid list or object', type: 'model_type' }]);
  }
  const { scopes, name, description } = body as Record<string, unknown>;
  return {
    scopes: scopes === undefined || scopes === null ? [] : stringList(scopes, ['body', 'scopes']),
    name: optionalString(name, ['body', 'name']),
    description: optionalString(description, ['body', 'description']),
  };
}
