import type { Principal } from '../../access/index.js';
import { builder } from '../builder.js';

const Viewer = builder.objectRef<Principal>('Viewer').implement({
  description: 'The client calling, as its bearer token identifies it.',
  fields: (t) => ({
    clientId: t.exposeID('clientId'),
    scopes: t.exposeStringList('scopes', {
      description:
        'Effective scopes: those of the token that the client still holds, directly or through a role, and those ' +
        'of its effective roles.',
    }),
    roles: t.exposeStringList('roles', {
      description: 'Effective roles: those of the token that the client still holds.',
    }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the token expires.' }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    nullable: true,
    description: 'The calling client; null when the request carries no bearer token.',
    resolve: (_root, _args, { principal }) => principal,
  }),
);
