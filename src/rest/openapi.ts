import { SCOPE_REGISTRY } from '../access/index.js';
import {
  databaseUnavailable,
  ForbiddenError,
  InvalidClientError,
  InvalidRequestError,
  InvalidTokenError,
  PayloadTooLargeError,
  RateLimitedError,
  RootOnlyError,
  UnauthenticatedError,
  type GatehouseError,
} from '../core/index.js';
import { errorBody } from './errors.js';
import { MAX_BODY_BYTES } from './http.js';
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
        // Swagger UI's Authorize button can then fetch a token from the token endpoint itself.
        clientCredentials: {
          type: 'oauth2',
          description: 'The client-credentials grant at the token endpoint; pick the scopes the token should carry.',
          flows: {
            clientCredentials: {
              tokenUrl: '/api/v1/oauth/token',
              scopes: Object.fromEntries(SCOPE_REGISTRY.map((scope) => [scope, scope])),
            },
          },
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
      ? { security: [{ bearerAuth: [] }, { clientCredentials: [...scopes] }], 'x-required-scopes': [...scopes] }
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
      Object.entries(withCommonErrors(commonErrors(route, doc), doc.responses)).map(
        ([status, response]: [string, ResponseDoc]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? {
                  content: {
                    [JSON_TYPE]: {
                      schema: response.schema,
                      ...(response.examples
                        ? {
                            examples: Object.fromEntries(
                              Object.entries(response.examples).map(([name, value]) => [name, { value }]),
                            ),
                          }
                        : {}),
                    },
                  },
                }
              : {}),
          },
        ],
      ),
    ),
  };
}

/** A route's own response docs win, status by status; the common examples stay where the route gives none. */
function withCommonErrors(
  common: Record<number, ResponseDoc>,
  own: RouteDoc['responses'],
): Record<number, ResponseDoc> {
  const merged: Record<number, ResponseDoc> = { ...common };
  for (const [status, response] of Object.entries(own))
    merged[Number(status)] = { ...common[Number(status)], ...response };
  return merged;
}

type ResponseDoc = { description: string; schema?: Schema; examples?: Record<string, unknown> };

/** Example bodies are the real ones: built by the same function that answers (rest/errors.ts#errorBody). */
const example = (error: GatehouseError, oauth = false) => errorBody(error, { oauth, requestId: REQUEST_ID_EXAMPLE });
const REQUEST_ID_EXAMPLE = '9b2f3c4e-5d6a-4b7c-8d9e-0f1a2b3c4d5e';

function commonErrors(route: Route, doc: RouteDoc): Record<number, ResponseDoc> {
  const errors: Record<number, ResponseDoc> = {};
  const { auth, body } = doc;
  const oauth = auth === 'client' || route.oauth === true;
  if (typeof auth === 'object') {
    errors[401] = {
      description:
        'No bearer token (`WWW-Authenticate: Bearer`), or a bad, expired or revoked one (`error="invalid_token"`).',
      schema: ref('Error'),
      examples: { 'no token': example(new UnauthenticatedError()), 'bad token': example(new InvalidTokenError('')) },
    };
    if (auth.rootOnly)
      errors[403] = {
        description: 'A token of a client other than the root client, whatever its scopes.',
        schema: ref('Error'),
        examples: { 'not root': example(new RootOnlyError()) },
      };
    else if (auth.bearer.length)
      errors[403] = {
        description: 'The token lacks a required scope (`error="insufficient_scope"`).',
        schema: ref('Error'),
        examples: { 'missing scope': example(new ForbiddenError(auth.bearer)) },
      };
  }
  if (oauth) {
    errors[401] = {
      description: 'Client authentication failed: one answer for every cause.',
      schema: ref('OAuthError'),
      examples: { failed: example(new InvalidClientError(''), true) },
    };
    errors[400] = {
      description: 'A malformed request (`invalid_request`).',
      schema: ref('OAuthError'),
      examples: {
        'repeated parameter': example(new InvalidRequestError('The client_id parameter must not be repeated.'), true),
      },
    };
    errors[429] = {
      description:
        'Too many failed authentications for this client from this address, or from this address (`Retry-After`).',
      schema: ref('Error'),
      examples: { 'locked out': example(new RateLimitedError(42), true) },
    };
  }
  if (!oauth && (body || doc.query))
    errors[422] = { description: 'Input of the wrong shape.', schema: ref('ValidationError') };
  if (body)
    errors[413] = {
      description: 'A body over 1 MiB.',
      schema: ref('Error'),
      examples: { 'too large': example(new PayloadTooLargeError(MAX_BODY_BYTES)) },
    };
  errors[500] = {
    description: 'Anything unexpected; never a stack trace or SQL.',
    schema: ref('Error'),
    examples: { unexpected: { detail: 'Internal Server Error', request_id: REQUEST_ID_EXAMPLE } },
  };
  errors[503] = {
    description: 'The database cannot be reached right now (`Retry-After`).',
    schema: ref('Error'),
    examples: { 'database unavailable': example(databaseUnavailable(), oauth) },
  };
  return errors;
}

export type { Schema };
