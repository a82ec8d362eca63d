import { components, ref, type Schema } from './openapi-schemas.js';
import type { Route, RouteDoc } from './routes.js';

const JSON_TYPE = 'application/json';

/**
 * The OpenAPI 3.1 document of the REST routes, built from the routes themselves: their paths, methods, scopes,
 * bodies and responses. `npm run schema:emit` writes it to schema/openapi.json; CI fails when that drifts.
 */
export function buildOpenApi(routes: readonly Route[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.doc) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, route.doc);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse REST API',
      version,
      description:
        'The Fides-compatible REST shim of Gatehouse. Every error body is JSON with `detail`; the OAuth endpoints ' +
        'also carry RFC 6749 `error` and `error_description`. GraphQL, the primary API, is at `/graphql`.',
    },
    tags: [
      { name: 'OAuth', description: 'Tokens: grant, introspection, revocation.' },
      { name: 'Clients', description: 'Client management.' },
      { name: 'Scopes', description: 'The scope registry.' },
      { name: 'Policies', description: 'Fides DSR execution policies and their rules.' },
      { name: 'Discovery', description: 'Metadata and public keys.' },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'An access token from POST /api/v1/oauth/token.',
        },
        clientBasic: {
          type: 'http',
          scheme: 'basic',
          description: 'client_id and client_secret, form-encoded (RFC 6749 §2.3.1).',
        },
      },
    },
  };
}

function operation(route: Route, doc: RouteDoc): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const queryParams = (doc.query ?? []).map((param) => ({ in: 'query', required: false, ...param }));
  const scopes = typeof doc.auth === 'object' ? doc.auth.bearer : [];
  return {
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description || scopes.length
      ? {
          description: [
            doc.description,
            scopes.length ? `Requires scope(s): ${scopes.map((s) => `\`${s}\``).join(', ')}.` : '',
          ]
            .filter(Boolean)
            .join('\n\n'),
        }
      : {}),
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(pathParams.length || queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(typeof doc.auth === 'object'
      ? { security: [{ bearerAuth: [] }], 'x-required-scopes': [...scopes] }
      : doc.auth === 'client'
        ? { security: [{ clientBasic: [] }, {}] }
        : { security: [] }),
    ...(doc.body
      ? {
          requestBody: {
            required: doc.body.required,
            content: Object.fromEntries(Object.entries(doc.body.content).map(([type, schema]) => [type, { schema }])),
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries({ ...commonErrors(route, doc), ...doc.responses }).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema ? { content: { [JSON_TYPE]: { schema: response.schema } } } : {}),
        },
      ]),
    ),
  };
}

function commonErrors(route: Route, doc: RouteDoc): Record<number, { description: string; schema?: Schema }> {
  const errors: Record<number, { description: string; schema?: Schema }> = {};
  const { auth, body } = doc;
  if (typeof auth === 'object') {
    errors[401] = {
      description:
        'No bearer token (`WWW-Authenticate: Bearer`), or a bad, expired or revoked one (`error="invalid_token"`).',
      schema: ref('Error'),
    };
    if (auth.bearer.length)
      errors[403] = {
        description: 'The token lacks a required scope (`error="insufficient_scope"`).',
        schema: ref('Error'),
      };
  }
  if (auth === 'client' || route.oauth) {
    errors[401] = {
      description: 'Client authentication failed: one answer for every cause.',
      schema: ref('OAuthError'),
    };
    errors[400] = { description: 'A malformed request (`invalid_request`).', schema: ref('OAuthError') };
  }
  if (!route.oauth && (body || doc.query))
    errors[422] = { description: 'Input of the wrong shape.', schema: ref('ValidationError') };
  errors[500] = { description: 'Anything unexpected: `{"detail": "Internal Server Error"}`.', schema: ref('Error') };
  return errors;
}

export type { Schema };
