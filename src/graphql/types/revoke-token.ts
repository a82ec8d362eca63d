import { requireScopes } from '../../access/index.js';
import { revokeToken } from '../../tokens/index.js';
import { builder } from '../builder.js';

builder.mutationField('revokeToken', (t) =>
  t.boolean({
    description:
      'Revokes one of the caller’s own access tokens (the root client: any token); it stops working everywhere at ' +
      'once. True when that token is now revoked; false for an invalid or expired token or another client’s.',
    authScopes: { authenticated: true },
    args: { token: t.arg.string({ required: true }) },
    resolve: (_root, args, { auth, principal }) => revokeToken(auth, requireScopes(principal, []), args.token),
  }),
);
