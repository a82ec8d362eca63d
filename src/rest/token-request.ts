import { InvalidClientError, InvalidRequestError, UnsupportedGrantTypeError, type ClientCredentials } from '../auth/index.js';

export interface TokenRequest {
  readonly credentials: ClientCredentials;
  readonly usedBasic: boolean;
  readonly scope: string | undefined;
}

const PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope'] as const;
type Params = Partial<Record<(typeof PARAMS)[number], string>>;

/**
 * Parses a token request (RFC 6749 §4.4) from a form or JSON body and optional HTTP Basic credentials, in this
 * order of checks: a malformed request (400 invalid_request), no credentials at all (401 invalid_client, as Fides
 * answers an empty form), then the grant type (400).
 */
export async function parseTokenRequest(request: Request): Promise<TokenRequest> {
  const params = await readParams(request);
  const basic = readBasic(request.headers.get('authorization'));
  if (basic && (params.client_secret !== undefined || (params.client_id !== undefined && params.client_id !== basic.clientId))) {
    throw new InvalidRequestError('Use one client authentication method: HTTP Basic or client_secret in the body, not both.');
  }
  const credentials = basic ?? credentialsFrom(params);
  if (!credentials) throw new InvalidClientError('no client credentials', false);
  if (params.grant_type === undefined) throw new InvalidRequestError('The grant_type parameter is required.');
  if (params.grant_type !== 'client_credentials') {
    throw new UnsupportedGrantTypeError('Only grant_type=client_credentials is supported.');
  }
  return { credentials, usedBasic: basic !== null, scope: params.scope };
}

function credentialsFrom(params: Params): ClientCredentials | null {
  if (!params.client_id || !params.client_secret) return null;
  return { clientId: params.client_id, clientSecret: params.client_secret };
}

async function readParams(request: Request): Promise<Params> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await request.text();
  if (text === '') return {};
  if (type === 'application/x-www-form-urlencoded') return fromForm(new URLSearchParams(text));
  if (type === 'application/json') return fromJson(text);
  throw new InvalidRequestError('Send the token request as application/x-www-form-urlencoded or application/json.');
}

function fromForm(form: URLSearchParams): Params {
  const params: Params = {};
  for (const name of PARAMS) {
    const values = form.getAll(name);
    if (values.length > 1) throw new InvalidRequestError(`The ${name} parameter must not be repeated.`);
    if (values.length === 1) params[name] = values[0];
  }
  return params;
}

function fromJson(text: string): Params {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequestError('The request body must be a JSON object.');
  }
  const params: Params = {};
  for (const name of PARAMS) {
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
    if (header !== null && /^Basic\b/i.test(header)) throw new InvalidClientError('malformed Basic header', true);
    return null;
  }
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidClientError('Basic credentials without a colon', true);
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (!clientId || !clientSecret) throw new InvalidClientError('empty Basic credentials', true);
    return { clientId, clientSecret };
  } catch (error) {
    if (error instanceof InvalidClientError) throw error;
    throw new InvalidClientError('Basic credentials are not form-encoded', true);
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
