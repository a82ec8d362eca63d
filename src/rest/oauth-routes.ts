import { createClient, issueToken, listScopes, ValidationError, type CreateClientInput } from '../auth/index.js';
import { json, NO_STORE, readJson } from './http.js';
import type { Route } from './routes.js';
import { parseTokenRequest } from './token-request.js';

/** The Fides `/api/v1/oauth` paths: each one parses, calls the use case GraphQL also calls, and shapes the answer. */
export const oauthRoutes: Route[] = [
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
    path: '/api/v1/oauth/client',
    handle: async ({ request, auth, principal }) => {
      const caller = await principal();
      const input = toCreateClientInput(await readJson(request));
      const created = await inBody(createClient(auth, caller, input));
      return json(200, { client_id: created.clientId, client_secret: created.clientSecret });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/oauth/scope',
    handle: async ({ auth, principal }) => json(200, listScopes(auth, await principal())),
  },
];

/** The domain names fields as they are; a REST 422 locates them inside the body, as FastAPI does. */
async function inBody<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.issues.map((issue) => ({ ...issue, loc: ['body', ...issue.loc] })));
  }
}

/** Fides takes a bare JSON array of scopes; we also take `{scopes, name, description}`. No body: no scopes. */
function toCreateClientInput(body: unknown): CreateClientInput {
  if (body === undefined || body === null) return {};
  if (Array.isArray(body)) return { scopes: stringList(body, ['body']) };
  if (typeof body !== 'object') {
    throw new ValidationError([{ loc: ['body'], msg: 'Input should be a valid list or object', type: 'model_type' }]);
  }
  const { scopes, name, description } = body as Record<string, unknown>;
  return {
    scopes: scopes === undefined || scopes === null ? [] : stringList(scopes, ['body', 'scopes']),
    name: optionalString(name, ['body', 'name']),
    description: optionalString(description, ['body', 'description']),
  };
}

function stringList(value: unknown, loc: (string | number)[]): string[] {
  if (!Array.isArray(value)) throw new ValidationError([{ loc, msg: 'Input should be a valid list', type: 'list_type' }]);
  const issues = value.flatMap((item, index) =>
    typeof item === 'string' ? [] : [{ loc: [...loc, index], msg: 'Input should be a valid string', type: 'string_type' }],
  );
  if (issues.length > 0) throw new ValidationError(issues);
  return value as string[];
}

function optionalString(value: unknown, loc: (string | number)[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ValidationError([{ loc, msg: 'Input should be a valid string', type: 'string_type' }]);
  return value;
}
