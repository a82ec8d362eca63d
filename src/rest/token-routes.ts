import { authenticateClient, introspectToken, issueToken, revokeToken } from '../auth/index.js';
import { json, NO_STORE } from './http.js';
import { parseTokenRequest, readOAuthRequest, requireCredentials, requireParam } from './oauth-request.js';
import type { Route } from './routes.js';

/** The OAuth endpoints proper: token (RFC 6749), introspection (RFC 7662), revocation (RFC 7009). */
export const tokenRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/oauth/token',
    oauth: true,
    handle: async ({ request, auth }) => {
      const { credentials, usedBasic, scope } = await parseTokenRequest(request);
      const grant = await issueToken(auth, credentials, { scope, usedBasic });
      return json(
        200,
        {
          access_token: grant.accessToken,
          token_type: grant.tokenType,
          expires_in: grant.expiresIn,
          expires_at: Math.floor(grant.expiresAt.getTime() / 1000),
          scope: grant.scope,
        },
        NO_STORE,
      );
    },
  },
  {
    method: 'POST',
    path: '/api/v1/oauth/introspect',
    oauth: true,
    handle: async ({ request, auth }) => {
      const oauth = await readOAuthRequest(request, ['token', 'token_type_hint']);
      const credentials = requireCredentials(oauth);
      const token = requireParam(oauth, 'token');
      await authenticateClient(auth, credentials, oauth.usedBasic);
      return json(200, await introspectToken(auth, token), NO_STORE);
    },
  },
  {
    method: 'POST',
    path: '/api/v1/oauth/revoke',
    oauth: true,
    handle: async ({ request, auth }) => {
      const oauth = await readOAuthRequest(request, ['token', 'token_type_hint']);
      const credentials = requireCredentials(oauth);
      const token = requireParam(oauth, 'token');
      const caller = await authenticateClient(auth, credentials, oauth.usedBasic);
      // RFC 7009 §2.2: 200 whether or not there was anything to revoke.
      await revokeToken(auth, caller, token);
      return json(200, null, NO_STORE);
    },
  },
];
