import { json } from './http.js';
import { ref } from './openapi-schemas.js';
import type { Route } from './routes.js';

export const wellKnownRoutes: Route[] = [
  {
    method: 'GET',
    path: '/',
    doc: {
      tag: 'Discovery',
      summary: 'Where to start',
      auth: 'none',
      responses: {
        200: {
          description: 'Links to the docs, GraphQL, the OpenAPI document and the metadata.',
          schema: ref('Start'),
        },
      },
    },
    handle: async ({ auth }) => {
      const base = auth.settings.tokens.issuer.replace(/\/$/, '');
      return json(200, {
        name: 'Gatehouse',
        description:
          'OAuth 2.0 authorization server for machine clients, compatible with the Fides access-control API.',
        docs: `${base}/docs`,
        openapi: `${base}/openapi.json`,
        graphql: `${base}/graphql`,
        metadata: `${base}/.well-known/oauth-authorization-server`,
        token_endpoint: `${base}/api/v1/oauth/token`,
      });
    },
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    doc: {
      tag: 'Discovery',
      summary: 'The public signing keys (RFC 7517)',
      auth: 'none',
      responses: {
        200: {
          description: 'Every key that may have signed a valid token, and one about to sign.',
          schema: ref('Jwks'),
        },
      },
    },
    // Public keys only. A rotated-in key is published here well before it signs (see `npm run cli -- keys --help`),
    // so five minutes of caching never hides a key that signs.
    handle: async ({ auth }) => json(200, auth.keys.jwks(), { 'Cache-Control': 'public, max-age=300' }),
  },
  {
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    doc: {
      tag: 'Discovery',
      summary: 'Authorization server metadata (RFC 8414)',
      auth: 'none',
      responses: {
        200: {
          description: 'Endpoints, authentication methods and scopes.',
          schema: ref('AuthorizationServerMetadata'),
        },
      },
    },
    handle: async ({ auth }) => {
      const { issuer } = auth.settings.tokens;
      const endpoint = (path: string) => `${issuer.replace(/\/$/, '')}${path}`;
      const clientAuthMethods = ['client_secret_basic', 'client_secret_post'];
      // RFC 8414 §2. No authorization endpoint: machine clients only, so no response types either.
      return json(
        200,
        {
          issuer,
          token_endpoint: endpoint('/api/v1/oauth/token'),
          jwks_uri: endpoint('/.well-known/jwks.json'),
          introspection_endpoint: endpoint('/api/v1/oauth/introspect'),
          revocation_endpoint: endpoint('/api/v1/oauth/revoke'),
          grant_types_supported: ['client_credentials'],
          response_types_supported: [],
          token_endpoint_auth_methods_supported: clientAuthMethods,
          introspection_endpoint_auth_methods_supported: clientAuthMethods,
          revocation_endpoint_auth_methods_supported: clientAuthMethods,
          scopes_supported: auth.settings.registry,
          service_documentation: endpoint('/docs'),
        },
        { 'Cache-Control': 'public, max-age=300' },
      );
    },
  },
];
