import { listScopes, REQUIRED_SCOPES } from '../../auth/index.js';
import { builder } from '../builder.js';

builder.queryField('scopes', (t) =>
  t.stringList({
    description: 'The scope registry, in order. Needs `scope:read` (null, with a FORBIDDEN error, without it).',
    nullable: true,
    authScopes: { scopes: REQUIRED_SCOPES.readScopes },
    resolve: (_root, _args, { auth, principal }) => listScopes(auth, principal),
  }),
);
