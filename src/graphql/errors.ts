import { GraphQLError } from 'graphql';
import type { ForbiddenResult } from '@pothos/plugin-scope-auth';
import type { Plugin } from 'graphql-yoga';
import { REQUIRED_SCOPES, type Operation } from '../access/index.js';
import {
  databaseUnavailable,
  ForbiddenError,
  GatehouseError,
  isDatabaseUnavailable,
  safeErrorFields,
  UnauthenticatedError,
  type Logger,
} from '../core/index.js';
import type { GraphQLContext } from './context.js';

/**
 * The one GraphQL face of a domain error: its message, its stable `extensions.code` and its machine-readable extras.
 * `wholeRequest`: the error refuses the whole request (a bad bearer token, an unreachable database), so it also
 * sets the HTTP status and headers; a field's error never does, so the other fields still resolve with HTTP 200.
 */
export function toGraphQLError(error: GatehouseError, options: { wholeRequest?: boolean } = {}): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code, ...error.extensions() };
  if (options.wholeRequest) {
    delete extensions.retryAfter;
    extensions.http = { status: error.status, headers: error.headers() };
  }
  return new GraphQLError(error.message, { extensions });
}

/** Whether an error reaching the response was one nobody meant for the client. */
function isUnexpected(error: unknown): boolean {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof GatehouseError) return false;
  // A GraphQLError that wraps nothing is graphql-js (or a validation rule) describing the document itself.
  return !(original instanceof GraphQLError && (original.extensions?.code || !original.originalError));
}

/**
 * yoga's `maskError`: domain errors keep their public message and code; a database that cannot be reached is a 503
 * `SERVICE_UNAVAILABLE` with `Retry-After`, as on REST; anything else becomes one generic error (logged by
 * `useUnexpectedErrorLog`).
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof GatehouseError) return withPath(toGraphQLError(original), error);
  if (!isUnexpected(error)) {
    const described = original as GraphQLError;
    return described.extensions?.code
      ? described
      : new GraphQLError(described.message, {
          nodes: described.nodes,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        });
  }
  if (isDatabaseUnavailable(original)) {
    return withPath(toGraphQLError(databaseUnavailable(), { wholeRequest: true }), error);
  }
  return withPath(new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } }), error);
}

/**
 * Logging for unexpected GraphQL errors, before masking hides them: the log gets their kind and code, never SQL or
 * a stack. Errors of an execution are logged with the request's id by the plugin; anything yoga meets outside
 * execution reaches `yogaError` (yoga's logger), which logs what the plugin has not.
 */
export function createUnexpectedErrorLog(log: Logger, requestId: (request: Request) => string) {
  const logged = new WeakSet<object>();
  const plugin: Plugin<{ request?: Request }> = {
    onExecute() {
      return {
        onExecuteDone({ args, result }) {
          if (!('errors' in result) || !result.errors) return;
          for (const error of result.errors) {
            if (!isUnexpected(error)) continue;
            const original = error.originalError ?? error;
            logged.add(original);
            const request = (args.contextValue as { request?: Request }).request;
            logUnexpected(
              { requestId: request ? requestId(request) : undefined },
              original,
              'unexpected error in a GraphQL operation',
            );
          }
        },
      };
    },
  };
  const yogaError = (...args: unknown[]) => {
    const error = args.find((arg): arg is Error => arg instanceof Error);
    if (!error || !isUnexpected(error)) return;
    const original = (error instanceof GraphQLError ? error.originalError : undefined) ?? error;
    if (logged.has(original)) return;
    logUnexpected({}, original, 'unexpected error in a GraphQL request');
  };
  // An unreachable database is an outage to report, not a bug: a warning, as the REST shim logs it.
  const logUnexpected = (fields: object, error: unknown, message: string) =>
    isDatabaseUnavailable(error)
      ? log.warn({ ...fields, ...safeErrorFields(error) }, 'database unavailable')
      : log.error({ ...fields, ...safeErrorFields(error) }, message);
  return { plugin, yogaError };
}

function withPath(masked: GraphQLError, source: unknown): GraphQLError {
  if (!(source instanceof GraphQLError)) return masked;
  return new GraphQLError(masked.message, {
    nodes: source.nodes,
    source: source.source,
    positions: source.positions,
    path: source.path,
    extensions: masked.extensions,
  });
}

/** scope-auth's failure: UNAUTHENTICATED for an anonymous caller, FORBIDDEN with the scopes that were needed. */
export function unauthorizedError(
  _parent: unknown,
  context: GraphQLContext,
  _info: unknown,
  result: ForbiddenResult,
): Error {
  if (!context.principal) return new UnauthenticatedError();
  return new ForbiddenError(requiredScopesOf(result.failure));
}

function requiredScopesOf(failure: ForbiddenResult['failure']): string[] {
  switch (failure.kind) {
    case 'AuthScope':
      return failure.scope === 'requires' ? [...REQUIRED_SCOPES[failure.parameter as Operation]] : [];
    case 'AllAuthScopes':
    case 'AnyAuthScopes':
      return failure.failures.flatMap(requiredScopesOf);
    default:
      return [];
  }
}
