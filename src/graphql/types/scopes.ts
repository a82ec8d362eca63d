import { listScopes } from '../../access/index.js';
import { builder } from '../builder.js';
import { needs } from '../describe.js';

builder.queryField('scopes', (t) =>
  t.stringList({
    description: `The scope registry, in order. ${needs('readScopes')} (null, with a FORBIDDEN error, without it).`,
    nullable: true,
    authScopes: { requires: 'readScopes' },
    resolve: (_root, _args, { auth, principal }) => listScopes(auth, principal),
  }),
);
