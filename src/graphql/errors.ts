import { GraphQLError } from 'graphql';
import type { ForbiddenResult } from '@pothos/plugin-scope-auth';
import { ForbiddenError, GatehouseError, safeErrorFields, UnauthenticatedError, type Logger } from '../auth/index.js';
import type { GraphQLContext } from './context.js';

/** The GraphQL face of a domain error: its message and stable `extensions.code`, nothing else. */
export function toGraphQLError(error: GatehouseError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error instanceof ForbiddenError) extensions.requiredScopes = error.requiredScopes;
  return new GraphQLError(error.message, { extensions });
}

/**
 * yoga's `maskError`: domain errors keep their public message and code; anything else becomes one generic error,
 * and only the log learns what happened.
 */
export function createMaskError(log: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
    if (original instanceof GatehouseError) return withPath(toGraphQLError(original), error);
    if (original instanceof GraphQLError && original.extensions?.code) return original;
    log.error(safeErrorFields(original), 'unexpected error in a GraphQL operation');
    return withPath(new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } }), error);
  };
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
export function unauthorizedError(_parent: unknown, context: GraphQLContext, _info: unknown, result: ForbiddenResult): Error {
  if (!context.principal) return new UnauthenticatedError();
  return new ForbiddenError(requiredScopesOf(result.failure));
}

function requiredScopesOf(failure: ForbiddenResult['failure']): string[] {
  switch (failure.kind) {
    case 'AuthScope':
      return failure.scope === 'scopes' ? [...(failure.parameter as readonly string[])] : [];
    case 'AllAuthScopes':
    case 'AnyAuthScopes':
      return failure.failures.flatMap(requiredScopesOf);
    default:
      return [];
  }
}
