import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { holdsScopes, REQUIRED_SCOPES, type Operation } from '../access/index.js';
import type { GraphQLContext } from './context.js';
import { unauthorizedError } from './errors.js';

/** Plugins, context and auth scopes; no types are defined here. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  AuthScopes: {
    /** The caller's effective scopes must hold every scope this operation needs (access/permissions.ts). */
    requires: Operation;
    /** Any valid bearer token. */
    authenticated: boolean;
  };
  DefaultAuthStrategy: 'all';
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin],
  // Non-null unless a field says otherwise; scope-guarded query fields say so, so that a missing scope fails that
  // field alone instead of nulling the whole response.
  defaultFieldNullability: false,
  scopeAuth: {
    defaultStrategy: 'all',
    // Resolver errors are real errors, not authorization failures: keep them as they are.
    treatErrorsAsUnauthorized: false,
    authScopes: ({ principal }) => ({
      requires: (operation) => holdsScopes(principal, REQUIRED_SCOPES[operation]),
      authenticated: principal !== null,
    }),
    unauthorizedError,
  },
});

/** The schema types the builder was made with, which every ref and field builder carries, for typed helpers. */
export type BuilderTypes = typeof builder extends { $inferSchemaTypes: infer S } ? S : never;

builder.queryType({});
builder.mutationType({});
