import {
  databaseUnavailable,
  GatehouseError,
  InvalidClientError,
  InvalidTokenError,
  isDatabaseUnavailable,
  safeErrorFields,
  type Logger,
} from '../core/index.js';
import { json, NO_STORE } from './http.js';

export interface ErrorContext {
  readonly request?: Request;
  /** Quoted in 5xx bodies and in the log lines about the request. */
  readonly requestId?: string;
  /** OAuth endpoints answer with RFC 6749 `error`/`error_description` and `no-store` (RFC 6749 §5.1). */
  readonly oauth?: boolean;
  /** Where an unexpected error, or why a token was refused, is written. */
  readonly log?: Logger;
  /** The log line's text for an unexpected error. */
  readonly unexpected?: string;
}

/**
 * The one place that decides what an error looks like on the wire, for the REST shim and every HTTP-level refusal
 * (body limit, request limit, 404, 406, a throwing plugin). A domain error shows its public detail and its own
 * headers (and on OAuth endpoints its RFC 6749 `error`); a database that cannot be reached is a 503; anything else
 * is logged (kind and code, never SQL or a stack) and answered as a bare 500.
 */
export function errorResponse(error: unknown, context: ErrorContext = {}): Response {
  const { requestId, log } = context;
  let known: GatehouseError;
  if (error instanceof GatehouseError) {
    known = error;
  } else if (isDatabaseUnavailable(error)) {
    log?.warn({ requestId, ...safeErrorFields(error) }, 'database unavailable');
    known = databaseUnavailable();
  } else {
    log?.error({ requestId, ...safeErrorFields(error) }, context.unexpected ?? 'unexpected error in a REST route');
    return json(
      500,
      { detail: 'Internal Server Error', ...(requestId ? { request_id: requestId } : {}) },
      context.oauth ? NO_STORE : {},
    );
  }
  if (known instanceof InvalidTokenError) log?.info({ requestId, reason: known.reason }, 'bearer token rejected');

  const body = errorBody(known, context);
  return json(known.status, body, {
    ...known.headers(),
    ...basicChallenge(known, context.request),
    ...(context.oauth ? NO_STORE : {}),
  });
}

/** A domain error's body on the wire: what `errorResponse` sends, and what the OpenAPI examples show. */
export function errorBody(
  error: GatehouseError,
  context: Pick<ErrorContext, 'oauth' | 'requestId'> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = { detail: error.detail };
  if (context.oauth && error.oauthError) {
    body.error = error.oauthError;
    body.error_description = error.message;
  }
  if (error.status >= 500 && context.requestId) body.request_id = context.requestId;
  return body;
}

/** RFC 6749 §5.2: a client that tried HTTP Basic and failed is challenged to use it again. */
function basicChallenge(error: GatehouseError, request: Request | undefined): Record<string, string> {
  const triedBasic = /^Basic\b/i.test(request?.headers.get('authorization') ?? '');
  return error instanceof InvalidClientError && triedBasic ? { 'WWW-Authenticate': 'Basic realm="gatehouse"' } : {};
}
