import { createClient, REQUIRED_SCOPES, type CreatedClient } from '../../auth/index.js';
import type { Client as ClientRow } from '../../db/entities/index.js';
import { builder } from '../builder.js';

export const Client = builder.objectRef<ClientRow>('Client').implement({
  description: 'A machine client. Its secret is never readable; only its hash is stored.',
  fields: (t) => ({
    clientId: t.exposeID('id'),
    name: t.exposeString('name', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    scopes: t.exposeStringList('scopes', { description: 'In the order they were granted.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ClientCredentials = builder.objectRef<CreatedClient>('ClientCredentials').implement({
  description: 'A client id and its secret. The secret is shown this once.',
  fields: (t) => ({
    clientId: t.exposeID('clientId'),
    clientSecret: t.exposeString('clientSecret'),
    client: t.field({ type: Client, resolve: (created) => created.client }),
  }),
});

builder.mutationField('createClient', (t) =>
  t.field({
    type: ClientCredentials,
    description:
      'Creates a client with a subset of the scope registry. Needs `client:create`; a non-root caller can only ' +
      'grant scopes it holds itself.',
    authScopes: { scopes: REQUIRED_SCOPES.createClient },
    args: {
      scopes: t.arg.stringList(),
      name: t.arg.string(),
      description: t.arg.string(),
    },
    resolve: (_root, args, { auth, principal }) => createClient(auth, principal, args),
  }),
);
