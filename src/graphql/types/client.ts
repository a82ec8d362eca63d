import {
  CLIENT_NOT_FOUND,
  createClient,
  deleteClient,
  getClient,
  listClients,
  revokeClientTokens,
  rotateClientSecret,
  setClientScopes,
  updateClient,
  type ClientView,
  type CreatedClient,
} from '../../clients/index.js';
import { NotFoundError } from '../../core/index.js';
import { builder } from '../builder.js';
import { needs } from '../describe.js';
import { pagedListQuery, pageOf } from './page.js';

/**
 * A client's details are shown to whom the use case disclosed them (a caller holding `client:read`, or its
 * creator); to anyone else, such as a `client:update`-only caller reading an update's answer, each is FORBIDDEN.
 */
const detailScopes = (client: ClientView) => client.disclosed || { requires: 'readClient' as const };

export const Client = builder.objectRef<ClientView>('Client').implement({
  description:
    'A machine client. Its secret is never readable; only its hash is stored. Fields other than `clientId` need ' +
    '`client:read` (the creator of a client sees them in `createClient`’s answer).',
  fields: (t) => ({
    clientId: t.exposeID('clientId'),
    name: t.exposeString('name', { nullable: true, authScopes: detailScopes }),
    description: t.exposeString('description', { nullable: true, authScopes: detailScopes }),
    scopes: t.exposeStringList('scopes', {
      description: 'The scopes it holds directly, in the order they were granted.',
      authScopes: detailScopes,
    }),
    roles: t.exposeStringList('roles', {
      description: 'Its roles (see `Query.roles`), each standing for its scopes, in the order they were granted.',
      authScopes: detailScopes,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', authScopes: detailScopes }),
  }),
});

const ClientPage = pageOf('ClientPage', Client, 'A page of clients, newest first.');

const ClientCredentials = builder.objectRef<CreatedClient>('ClientCredentials').implement({
  description: 'A client id and its secret. The secret is shown this once.',
  fields: (t) => ({
    clientId: t.exposeID('clientId'),
    clientSecret: t.exposeString('clientSecret'),
    client: t.field({ type: Client, resolve: (created) => created.client }),
  }),
});

builder.queryField('client', (t) =>
  t.field({
    type: Client,
    nullable: true,
    description: `One client; null when there is none with that id. ${needs('readClient')}.`,
    authScopes: { requires: 'readClient' },
    args: { clientId: t.arg.id({ required: true }) },
    resolve: (_root, args, { auth, principal }) => getClient(auth, principal, String(args.clientId)),
  }),
);

pagedListQuery('clients', { type: ClientPage, what: 'Clients', requires: 'readClient', list: listClients });

builder.mutationFields((t) => ({
  createClient: t.field({
    type: ClientCredentials,
    description:
      `Creates a client with scopes and roles from the registries. ${needs('createClient')}; a non-root caller can ` +
      'only grant scopes it holds itself, and roles whose every scope it holds. `name` must not be blank.',
    args: {
      scopes: t.arg.stringList(),
      roles: t.arg.stringList(),
      name: t.arg.string(),
      description: t.arg.string(),
    },
    resolve: (_root, args, { auth, principal }) => createClient(auth, principal, args),
  }),
  updateClient: t.field({
    type: Client,
    description:
      `Changes what is given and keeps the rest; null keeps the name, scopes and roles and clears the description. ` +
      `${needs('updateClient')}, and a non-root caller must hold every scope the client holds (its roles' too); ` +
      'scopes and roles follow the same rules as createClient.',
    args: {
      clientId: t.arg.id({ required: true }),
      name: t.arg.string(),
      description: t.arg.string(),
      scopes: t.arg.stringList(),
      roles: t.arg.stringList(),
    },
    resolve: (_root, { clientId, ...input }, { auth, principal }) =>
      updateClient(auth, principal, String(clientId), input),
  }),
  setClientScopes: t.field({
    type: Client,
    description:
      `Replaces the client’s scopes (its roles stay); tokens already issued narrow at once. NOT_FOUND for an unknown ` +
      `id (REST answers \`null\`, as Fides does). ${needs('updateClient')}, and a non-root caller must hold every ` +
      'scope the client holds (its roles’ too).',
    args: { clientId: t.arg.id({ required: true }), scopes: t.arg.stringList({ required: true }) },
    // Unlike REST's Fides-shaped `null`, the mutation returns the client, so an unknown id is an error.
    resolve: async (_root, args, { auth, principal }) => {
      const client = await setClientScopes(auth, principal, String(args.clientId), args.scopes);
      if (!client) throw new NotFoundError(CLIENT_NOT_FOUND);
      return client;
    },
  }),
  rotateClientSecret: t.field({
    type: ClientCredentials,
    description:
      'A new secret, shown once; the old one stops working, issued tokens stay valid (see revokeClientTokens). ' +
      `${needs('updateClient')}, and a non-root caller must hold every scope the client holds.`,
    args: { clientId: t.arg.id({ required: true }) },
    resolve: (_root, args, { auth, principal }) => rotateClientSecret(auth, principal, String(args.clientId)),
  }),
  revokeClientTokens: t.field({
    type: 'DateTime',
    description:
      'Revokes every token issued to the client so far (to the second), everywhere at once: the containment step ' +
      `after a leak. Returns when it took effect. ${needs('revokeClientTokens')}, and a non-root caller must hold every ` +
      'scope the client holds.',
    args: { clientId: t.arg.id({ required: true }) },
    resolve: (_root, args, { auth, principal }) => revokeClientTokens(auth, principal, String(args.clientId)),
  }),
  deleteClient: t.boolean({
    description:
      `Deletes the client; its tokens stop working at once. False when there was none. ${needs('deleteClient')}, and a ` +
      'non-root caller must hold every scope the client holds.',
    args: { clientId: t.arg.id({ required: true }) },
    resolve: (_root, args, { auth, principal }) => deleteClient(auth, principal, String(args.clientId)),
  }),
}));
