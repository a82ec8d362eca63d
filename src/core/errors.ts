/**
 * Every failure a client may see, declared once: each class carries its HTTP status, its stable machine-readable
 * code, for the OAuth endpoints its RFC 6749 error, the response headers it needs, and the machine-readable
 * extras GraphQL shows in `extensions`. The transports translate them, each in one function (rest/errors.ts,
 * graphql/errors.ts); anything that is not one of these is unexpected and is answered as a generic server error.
 */

/** Stable codes, the same for REST bodies (`error`/status) and GraphQL `extensions.code`. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'INVALID_CLIENT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'NOT_ACCEPTABLE'
  | 'PAYLOAD_TOO_LARGE';

/** RFC 6749 §5.2 error codes, plus RFC 6750's for bearer tokens. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_scope'
  | 'unsupported_grant_type'
  | 'invalid_token'
  | 'insufficient_scope';

/** One entry of a 422 `detail`, in FastAPI's shape so Fides scripts read it as they do today. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export abstract class GatehouseError extends Error {
  abstract readonly status: number;
  abstract readonly code: ErrorCode;
  readonly oauthError?: OAuthErrorCode;
  /** What goes in `detail`: safe for clients by construction. */
  get detail(): string | ValidationIssue[] {
    return this.message;
  }
  /** Response headers that belong to this failure (challenges, Retry-After). */
  headers(): Record<string, string> {
    return {};
  }
  /** Machine-readable extras beside the code (GraphQL `extensions`). */
  extensions(): Record<string, unknown> {
    return {};
  }
}

/** A failure that tells the caller when to try again. */
abstract class RetryLaterError extends GatehouseError {
  constructor(
    readonly retryAfter: number,
    message: string,
  ) {
    super(message);
  }
  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfter) };
  }
  override extensions(): Record<string, unknown> {
    return { retryAfter: this.retryAfter };
  }
}

/** The one public text for every failed client authentication, whatever the cause. */
export const CLIENT_AUTH_FAILED = 'Client authentication failed.';

/** Unknown client, wrong secret or missing credentials: deliberately indistinguishable. */
export class InvalidClientError extends GatehouseError {
  readonly status = 401;
  readonly code = 'INVALID_CLIENT';
  override readonly oauthError = 'invalid_client';
  override name = 'InvalidClientError';
  constructor(
    /** For the log only, never for the client. */
    readonly reason: string,
  ) {
    super(CLIENT_AUTH_FAILED);
  }
}

export class InvalidRequestError extends GatehouseError {
  readonly status = 400;
  readonly code = 'BAD_USER_INPUT';
  override readonly oauthError = 'invalid_request';
  override name = 'InvalidRequestError';
}

export class UnsupportedGrantTypeError extends GatehouseError {
  readonly status = 400;
  readonly code = 'BAD_USER_INPUT';
  override readonly oauthError = 'unsupported_grant_type';
  override name = 'UnsupportedGrantTypeError';
}

/** The token endpoint's `scope` asks for a scope the client does not hold. */
export class InvalidScopeError extends GatehouseError {
  readonly status = 400;
  readonly code = 'BAD_USER_INPUT';
  override readonly oauthError = 'invalid_scope';
  override name = 'InvalidScopeError';
  constructor(readonly scopes: readonly string[]) {
    super(`The client is not allowed the requested scope(s): [${scopes.join(', ')}]`);
  }
}

/** No bearer token where one is needed. */
export class UnauthenticatedError extends GatehouseError {
  readonly status = 401;
  readonly code = 'UNAUTHENTICATED';
  override name = 'UnauthenticatedError';
  constructor() {
    super('Authentication required: send a bearer access token in the Authorization header.');
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer' };
  }
}

/** A bearer token that is malformed, tampered, expired, revoked, or whose client is gone. */
export class InvalidTokenError extends GatehouseError {
  readonly status = 401;
  readonly code = 'UNAUTHENTICATED';
  override readonly oauthError = 'invalid_token';
  override name = 'InvalidTokenError';
  /** For the log only: why verification failed. */
  constructor(readonly reason: string) {
    super('The access token is invalid or has expired.');
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
  }
}

/** A valid token that lacks the scopes an operation needs. */
export class ForbiddenError extends GatehouseError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  override readonly oauthError = 'insufficient_scope';
  override name = 'ForbiddenError';
  constructor(readonly requiredScopes: readonly string[]) {
    super(`Not Authorized for this action. Required scope(s): [${requiredScopes.join(', ')}]`);
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${this.requiredScopes.join(' ')}"` };
  }
  override extensions(): Record<string, unknown> {
    return { requiredScopes: this.requiredScopes };
  }
}

/** An operator's operation (signing keys) asked by a client other than the root client, whatever its scopes. */
export class RootOnlyError extends GatehouseError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  override name = 'RootOnlyError';
  constructor() {
    super('Only the root client may manage the signing keys.');
  }
}

/** A non-root caller tried to grant scopes it does not hold itself. */
export class ScopeEscalationError extends GatehouseError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  override name = 'ScopeEscalationError';
  constructor(readonly missingScopes: readonly string[]) {
    super(`Cannot assign scopes that you do not have. Missing scopes: [${missingScopes.join(', ')}]`);
  }
}

/** A non-root caller tried to grant roles that stand for scopes it does not hold itself. */
export class RoleEscalationError extends GatehouseError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  override name = 'RoleEscalationError';
  constructor(readonly missingScopes: readonly string[]) {
    super(`Cannot assign roles that hold scopes you do not have. Missing scopes: [${missingScopes.join(', ')}]`);
  }
}

/** A non-root caller tried to change a client that holds scopes the caller does not hold (SPEC §9). */
export class ClientModificationForbiddenError extends GatehouseError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  override name = 'ClientModificationForbiddenError';
  constructor(readonly missingScopes: readonly string[]) {
    super(`Cannot modify a client that holds scopes you do not have. Missing scopes: [${missingScopes.join(', ')}]`);
  }
}

/** A scope or role name that is not in its registry; the message lists the registry, as Fides' does. */
export class UnknownNameError extends GatehouseError {
  readonly status = 422;
  readonly code = 'BAD_USER_INPUT';
  override name = 'UnknownNameError';
  constructor(kind: 'Scope' | 'Role', registry: readonly string[]) {
    super(`Invalid ${kind}. ${kind}s must be one of [${registry.join(', ')}].`);
  }
}

/**
 * Rule targets naming data categories outside the taxonomy: the whole batch is refused, with a string `detail` as
 * Fides answers (`Invalid data categories: [...]`, our list style).
 */
export class InvalidDataCategoriesError extends GatehouseError {
  readonly status = 422;
  readonly code = 'BAD_USER_INPUT';
  override name = 'InvalidDataCategoriesError';
  constructor(readonly dataCategories: readonly string[]) {
    super(`Invalid data categories: [${dataCategories.join(', ')}]`);
  }
}

/** Input of the wrong shape; `issues` become the 422 `detail` list. */
export class ValidationError extends GatehouseError {
  readonly status = 422;
  readonly code = 'BAD_USER_INPUT';
  override name = 'ValidationError';
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; '));
  }
  override get detail(): ValidationIssue[] {
    return this.issues;
  }
}

/**
 * Too many failed attempts for this client id from this address, or from this address in all (`retryAfter`
 * seconds until the window ends); too many of this address's authentications being verified at once; or requests
 * past `request_rate_limit`.
 */
export class RateLimitedError extends RetryLaterError {
  readonly status = 429;
  readonly code = 'RATE_LIMITED';
  override name = 'RateLimitedError';
  constructor(
    retryAfter: number,
    message = `Too many failed authentication attempts. Try again in ${retryAfter} seconds.`,
  ) {
    super(retryAfter, message);
  }
}

/**
 * The server cannot take this request's work now: the database cannot be reached (see `isDatabaseUnavailable`),
 * or the secret-verification queue is full. Retry after `retryAfter` seconds.
 */
export class ServiceUnavailableError extends RetryLaterError {
  readonly status = 503;
  readonly code = 'SERVICE_UNAVAILABLE';
  override name = 'ServiceUnavailableError';
}

/** A body over the size limit, refused before anything parses it. */
export class PayloadTooLargeError extends GatehouseError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
  override name = 'PayloadTooLargeError';
  constructor(maxBytes: number) {
    super(`Request body too large: at most ${maxBytes} bytes.`);
  }
}

/** An `Accept` header that no answer of ours can meet. */
export class NotAcceptableError extends GatehouseError {
  readonly status = 406;
  readonly code = 'NOT_ACCEPTABLE';
  override name = 'NotAcceptableError';
}

export class NotFoundError extends GatehouseError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
  override name = 'NotFoundError';
}
