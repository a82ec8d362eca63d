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
  /** The class's own name, as the log shows it: declared once here rather than restated by every class. */
  override name = this.constructor.name;
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

/**
 * The base of a failure with this HTTP status, stable code and (for the OAuth endpoints) RFC 6749 error, so each
 * class states what it is on the wire once, in its `extends` clause.
 */
function failure(status: number, code: ErrorCode, oauthError?: OAuthErrorCode) {
  abstract class Failure extends GatehouseError {
    readonly status = status;
    readonly code = code;
    override readonly oauthError = oauthError;
  }
  return Failure;
}

/** The base of a failure with this status and code that tells the caller when to try again. */
function retryLater(status: number, code: ErrorCode) {
  abstract class RetryLater extends failure(status, code) {
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
  return RetryLater;
}

/** The one public text for every failed client authentication, whatever the cause. */
export const CLIENT_AUTH_FAILED = 'Client authentication failed.';

/** Unknown client, wrong secret or missing credentials: deliberately indistinguishable. */
export class InvalidClientError extends failure(401, 'INVALID_CLIENT', 'invalid_client') {
  constructor(
    /** For the log only, never for the client. */
    readonly reason: string,
  ) {
    super(CLIENT_AUTH_FAILED);
  }
}

export class InvalidRequestError extends failure(400, 'BAD_USER_INPUT', 'invalid_request') {}

export class UnsupportedGrantTypeError extends failure(400, 'BAD_USER_INPUT', 'unsupported_grant_type') {}

/** The token endpoint's `scope` asks for a scope the client does not hold. */
export class InvalidScopeError extends failure(400, 'BAD_USER_INPUT', 'invalid_scope') {
  constructor(readonly scopes: readonly string[]) {
    super(`The client is not allowed the requested scope(s): [${scopes.join(', ')}]`);
  }
}

/** No bearer token where one is needed. */
export class UnauthenticatedError extends failure(401, 'UNAUTHENTICATED') {
  constructor() {
    super('Authentication required: send a bearer access token in the Authorization header.');
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer' };
  }
}

/** A bearer token that is malformed, tampered, expired, revoked, or whose client is gone. */
export class InvalidTokenError extends failure(401, 'UNAUTHENTICATED', 'invalid_token') {
  /** For the log only: why verification failed. */
  constructor(readonly reason: string) {
    super('The access token is invalid or has expired.');
  }
  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer error="invalid_token"' };
  }
}

/** A valid token that lacks the scopes an operation needs. */
export class ForbiddenError extends failure(403, 'FORBIDDEN', 'insufficient_scope') {
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
export class RootOnlyError extends failure(403, 'FORBIDDEN') {
  constructor() {
    super('Only the root client may manage the signing keys.');
  }
}

/** A non-root caller tried to grant scopes it does not hold itself. */
export class ScopeEscalationError extends failure(403, 'FORBIDDEN') {
  constructor(readonly missingScopes: readonly string[]) {
    super(`Cannot assign scopes that you do not have. Missing scopes: [${missingScopes.join(', ')}]`);
  }
}

/** A non-root caller tried to grant roles that stand for scopes it does not hold itself. */
export class RoleEscalationError extends failure(403, 'FORBIDDEN') {
  constructor(readonly missingScopes: readonly string[]) {
    super(`Cannot assign roles that hold scopes you do not have. Missing scopes: [${missingScopes.join(', ')}]`);
  }
}

/** A non-root caller tried to change a client that holds scopes the caller does not hold (SPEC §9). */
export class ClientModificationForbiddenError extends failure(403, 'FORBIDDEN') {
  constructor(readonly missingScopes: readonly string[]) {
    super(`Cannot modify a client that holds scopes you do not have. Missing scopes: [${missingScopes.join(', ')}]`);
  }
}

/** A scope or role name that is not in its registry; the message lists the registry, as Fides' does. */
export class UnknownNameError extends failure(422, 'BAD_USER_INPUT') {
  constructor(kind: 'Scope' | 'Role', registry: readonly string[]) {
    super(`Invalid ${kind}. ${kind}s must be one of [${registry.join(', ')}].`);
  }
}

/**
 * Rule targets naming data categories outside the taxonomy: the whole batch is refused, with a string `detail` as
 * Fides answers (`Invalid data categories: [...]`, our list style).
 */
export class InvalidDataCategoriesError extends failure(422, 'BAD_USER_INPUT') {
  constructor(readonly dataCategories: readonly string[]) {
    super(`Invalid data categories: [${dataCategories.join(', ')}]`);
  }
}

/** Input of the wrong shape; `issues` become the 422 `detail` list. */
export class ValidationError extends failure(422, 'BAD_USER_INPUT') {
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
export class RateLimitedError extends retryLater(429, 'RATE_LIMITED') {
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
export class ServiceUnavailableError extends retryLater(503, 'SERVICE_UNAVAILABLE') {}

/** A body over the size limit, refused before anything parses it. */
export class PayloadTooLargeError extends failure(413, 'PAYLOAD_TOO_LARGE') {
  constructor(maxBytes: number) {
    super(`Request body too large: at most ${maxBytes} bytes.`);
  }
}

/** An `Accept` header that no answer of ours can meet. */
export class NotAcceptableError extends failure(406, 'NOT_ACCEPTABLE') {}

export class NotFoundError extends failure(404, 'NOT_FOUND') {}
