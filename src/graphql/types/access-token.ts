import { issueToken, type TokenGrant } from '../../tokens/index.js';
import { builder } from '../builder.js';

const AccessToken = builder.objectRef<TokenGrant>('AccessToken').implement({
  description: 'A bearer access token from the client-credentials grant.',
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', {
      description: 'The RFC 9068 JWT; send it as `Authorization: Bearer …`.',
    }),
    tokenType: t.exposeString('tokenType', { description: 'Always "Bearer".' }),
    expiresIn: t.exposeInt('expiresIn', { description: 'Lifetime in seconds from issue.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    scope: t.exposeString('scope', { description: 'The granted scopes, space-separated.' }),
  }),
});

builder.mutationField('issueToken', (t) =>
  t.field({
    type: AccessToken,
    description:
      'The client-credentials grant. No authentication needed: the client id and secret are the credentials. ' +
      '`scope` (space-separated) narrows the token to a subset of the client’s scopes.',
    args: {
      clientId: t.arg.string({ required: true }),
      clientSecret: t.arg.string({ required: true }),
      scope: t.arg.string(),
    },
    resolve: async (_root, args, { auth, identified }) => {
      const grant = await issueToken(
        auth,
        { clientId: args.clientId, clientSecret: args.clientSecret },
        { scope: args.scope ?? undefined },
      );
      identified(grant.clientId);
      return grant;
    },
  }),
);
