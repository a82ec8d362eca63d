import { hasNulCharacter, InvalidClientError, InvalidRequestError, UnsupportedGrantTypeError } from '../core/index.js';
import { type ClientCredentials } from '../tokens/index.js';
import { topLevelMemberNames } from './json-member-names.js';

type Params = Record<string, string | undefined>;

/** A request to an OAuth endpoint (token, introspection, revocation): its parameters and client credentials. */
export interface OAuthRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  /** Null when the request carries none (the caller answers 401 invalid_client). */
  readonly credentials: ClientCredentials | null;
}

/**
 * Reads an OAuth request from a form or JSON body and optional HTTP Basic credentials. A malformed request (a
 * repeated parameter, two authentication methods, an unreadable body) is 400 invalid_request. "Repeated" means the
 * same for both bodies: a parameter the endpoint reads given twice (a form field, or a member name of the top-level
 * JSON object); names it does not read, and anything nested inside a JSON value, are not looked at.
 */
export async function readOAuthRequest(request: Request, names: readonly string[]): Promise<OAuthRequest> {
  const params = await readParams(request, [...names, 'client_id', 'client_secret']);
  const basic = readBasic(request.headers.get('authorization'));
  if (
    basic &&
    (params.client_secret !== undefined || (params.client_id !== undefined && params.client_id !== basic.clientId))
  ) {
    throw new InvalidRequestError(
      'Use one client authentication method: HTTP Basic or client_secret in the body, not both.',
    );
  }
  return { params, credentials: basic ?? credentialsFrom(params) };
}

/** The credentials, or 401 invalid_client when there are none. */
export function requireCredentials(request: OAuthRequest): ClientCredentials {
  if (!request.credentials) throw new InvalidClientError('no client credentials');
  return request.credentials;
}

/**
 * A token request (RFC 6749 §4.4), checked in this order: malformed (400), no credentials (401, as Fides answers an
 * empty form), then the grant type (400).
 */
export async function parseTokenRequest(
  request: Request,
): Promise<{ credentials: ClientCredentials; scope: string | undefined }> {
  const oauth = await readOAuthRequest(request, ['grant_type', 'scope']);
  const credentials = requireCredentials(oauth);
  const grantType = oauth.params.grant_type;
  if (grantType === undefined) throw new InvalidRequestError('The grant_type parameter is required.');
  if (grantType !== 'client_credentials')
    throw new UnsupportedGrantTypeError('Only grant_type=client_credentials is supported.');
  return { credentials, scope: oauth.params.scope };
}

/** A required parameter, or 400 invalid_request. */
export function requireParam(request: OAuthRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined || value === '') throw new InvalidRequestError(`The ${name} parameter is required.`);
  return value;
}

function credentialsFrom(params: Params): ClientCredentials | null {
  if (!params.client_id || !params.client_secret) return null;
  return { clientId: params.client_id, clientSecret: params.client_secret };
}

async function readParams(request: Request, names: readonly string[]): Promise<Params> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await request.text();
  if (text === '') return {};
  let params: Params;
  if (type === 'application/x-www-form-urlencoded') params = fromForm(new URLSearchParams(text), names);
  else if (type === 'application/json') params = fromJson(text, names);
  else throw new InvalidRequestError('Send the request as application/x-www-form-urlencoded or application/json.');
  if (hasNulCharacter(params)) throw new InvalidRequestError('Parameters must not contain NUL characters.');
  return params;
}

function fromForm(form: URLSearchParams, names: readonly string[]): Params {
  const params: Params = {};
  for (const name of names) {
    const values = form.getAll(name);
    if (values.length > 1) throw new InvalidRequestError(`The ${name} parameter must not be repeated.`);
    if (values.length === 1) params[name] = values[0];
  }
  return params;
}

function fromJson(text: string, names: readonly string[]): Params {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
  // JSON.parse keeps the last of a repeated name: one client_secret could be checked by a proxy and another used here.
  const given = topLevelMemberNames(text);
  for (const name of names) {
    if (given.indexOf(name) !== given.lastIndexOf(name))
      throw new InvalidRequestError(`The ${name} parameter must not be repeated.`);
  }
  const params: Params = {};
  for (const name of names) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new InvalidRequestError(`The ${name} parameter must be a string.`);
    params[name] = value;
  }
  return params;
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function readBasic(header: string | null): ClientCredentials | null {
  const match = header === null ? null : /^Basic[ ]+([A-Za-z0-9+/=._~-]+)[ ]*$/i.exec(header);
  if (!match) {
    if (header !== null && /^Basic\b/i.test(header)) throw new InvalidClientError('malformed Basic header');
    return null;
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClientError('Basic credentials without a colon');
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (!clientId || !clientSecret) throw new InvalidClientError('empty Basic credentials');
    return { clientId, clientSecret };
  } catch (error) {
    if (error instanceof InvalidClientError) throw error;
    throw new InvalidClientError('Basic credentials are not form-encoded');
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
