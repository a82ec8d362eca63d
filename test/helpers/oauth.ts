import { expect } from 'vitest';
import { ROOT, type TestApp } from './test-app.js';

/** POSTs a form to the token endpoint, exactly as the seed's curl does. */
export function postToken(app: TestApp, form: Record<string, string>, headers: Record<string, string> = {}) {
  return app.fetch('/api/v1/oauth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export async function tokenFor(app: TestApp, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const response = await postToken(app, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    ...(scope === undefined ? {} : { scope }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

export const rootToken = (app: TestApp) => tokenFor(app, ROOT.clientId, ROOT.clientSecret);

/** Creates a client through the REST API with the root token and returns its credentials. */
export async function createClientWith(
  app: TestApp,
  scopes: string[],
  token?: string,
): Promise<{ client_id: string; client_secret: string }> {
  const response = await app.fetch('/api/v1/oauth/client', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token ?? (await rootToken(app))}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(scopes),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { client_id: string; client_secret: string };
}

/**
 * Creates a client (as createClientWith does, with `creator`'s token or a fresh root token) and grants it a token,
 * narrowed to `scope` when given: the client's credentials and that token.
 */
export async function clientWithToken(
  app: TestApp,
  scopes: string[],
  options: { creator?: string; scope?: string } = {},
): Promise<{ client_id: string; client_secret: string; token: string }> {
  const client = await createClientWith(app, scopes, options.creator);
  return { ...client, token: await tokenFor(app, client.client_id, client.client_secret, options.scope) };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** A GraphQL POST through yoga.fetch. */
export async function graphql(
  app: TestApp,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: GraphQLErrorBody[] };
}> {
  const response = await app.fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as never };
}

export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** A JSON request with an optional bearer token. */
export function callJson(app: TestApp, method: string, path: string, token: string | null, body?: unknown) {
  return app.fetch(path, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? bearer(token) : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}
