import { authenticateClient, introspectToken, issueToken, revokeToken } from '../tokens/index.js';
import { isoUtc, json, NO_STORE } from './http.js';
import { parseTokenRequest, readOAuthRequest, requireCredentials, requireParam } from './oauth-request.js';
import { ref } from './openapi-schemas.js';
import type { Route, RouteContext } from './routes.js';

/** The OAuth endpoints proper: token (RFC 6749), introspection (RFC 7662), revocation (RFC 7009). */
export const tokenRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/oauth/token',
    oauth: true,
    doc: {
      tag: 'OAuth',
      summary: 'Get an access token (client-credentials grant)',
      description:
        'Authenticate with `client_id`/`client_secret` in the body or with HTTP Basic. Answers carry ' +
        '`Cache-Control: no-store`. Missing credentials are 401 (as Fides answers an empty form), then a missing or ' +
        'other `grant_type` is 400.',
      auth: 'none',
      body: {
        required: true,
        content: { 'application/x-www-form-urlencoded': ref('TokenRequest'), 'application/json': ref('TokenRequest') },
      },
      responses: {
        200: { description: 'The token.', schema: ref('TokenResponse') },
        400: {
          description: '`invalid_request`, `unsupported_grant_type` or `invalid_scope`.',
          schema: ref('OAuthError'),
        },
      },
    },
    handle: async ({ request, auth, identified }) => {
      const { credentials, scope } = await parseTokenRequest(request);
      const grant = await issueToken(auth, credentials, { scope });
      identified(grant.clientId);
      return json(
        200,
        {
          access_token: grant.accessToken,
          token_type: grant.tokenType,
          expires_in: grant.expiresIn,
          expires_at: isoUtc(grant.expiresAt),
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
    doc: {
      tag: 'OAuth',
      summary: 'Introspect a token (RFC 7662)',
      description:
        'For an authenticated client, such as a resource server. Active means: it verifies, is not revoked, and its client ' +
        'still exists. The claims are told only to the token’s own client or a caller holding `client:read`; anyone else ' +
        'gets `{"active": false}`.',
      auth: 'client',
      body: { required: true, content: { 'application/x-www-form-urlencoded': ref('TokenParameter') } },
      responses: { 200: { description: 'The token’s claims, or `{"active": false}`.', schema: ref('Introspection') } },
    },
    handle: async (context) => {
      const { caller, token } = await clientAndToken(context);
      return json(200, await introspectToken(context.auth, caller, token), NO_STORE);
    },
  },
  {
    method: 'POST',
    path: '/api/v1/oauth/revoke',
    oauth: true,
    doc: {
      tag: 'OAuth',
      summary: 'Revoke a token (RFC 7009)',
      description:
        'A client revokes its own tokens (the root client, any). 200 whether or not there was anything to revoke.',
      auth: 'client',
      body: { required: true, content: { 'application/x-www-form-urlencoded': ref('TokenParameter') } },
      responses: { 200: { description: '`null`.', schema: { type: 'null' } } },
    },
    handle: async (context) => {
      const { caller, token } = await clientAndToken(context);
      // RFC 7009 §2.2: 200 whether or not there was anything to revoke.
      await revokeToken(context.auth, caller, token);
      return json(200, null, NO_STORE);
    },
  },
];

/** Introspection and revocation: the calling client, authenticated by its credentials, and the `token` it names. */
async function clientAndToken({ request, auth, identified }: RouteContext) {
  const oauth = await readOAuthRequest(request, ['token', 'token_type_hint']);
  const credentials = requireCredentials(oauth);
  const token = requireParam(oauth, 'token');
  const caller = await authenticateClient(auth, credentials);
  identified(caller.clientId);
  return { caller, token };
}
