import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { safeErrorFields, type AuthEnv, type AuthSettings, type Logger } from '../auth/index.js';
import type { KeyStore } from '../auth/tokens/index.js';
import type { Orm } from '../db/orm.js';
import { createContextFactory, type GraphQLContext } from '../graphql/context.js';
import { createMaskError } from '../graphql/errors.js';
import { schema } from '../graphql/schema.js';
import { restRoutes, useRest } from '../rest/index.js';

export interface AppDeps {
  readonly orm: Orm;
  readonly keys: KeyStore;
  readonly settings: AuthSettings;
  readonly log: Logger;
}

export type App = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/** Builds the whole HTTP application (GraphQL, the REST shim, the well-known documents). It does not listen. */
export function createApp(deps: AppDeps): App {
  const authEnv = (): AuthEnv => ({ em: deps.orm.em.fork(), keys: deps.keys, settings: deps.settings });
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    context: createContextFactory(authEnv, deps.log),
    graphqlEndpoint: '/graphql',
    // GraphiQL's assets are inlined by @graphql-yoga/render-graphiql, so it works with no internet access.
    graphiql: { title: 'Gatehouse GraphiQL' },
    renderGraphiQL,
    landingPage: false,
    maskedErrors: { maskError: createMaskError(deps.log) },
    // yoga logs every error its maskError touched, expected ones included; maskError logs the unexpected ones.
    logging: {
      debug: () => {},
      info: () => {},
      warn: (...args: unknown[]) => deps.log.warn(safeErrorFields(args.find((arg) => arg instanceof Error)), 'yoga warning'),
      error: () => {},
    },
    plugins: [useRest({ authEnv, routes: restRoutes, prefix: '/api/', log: deps.log })],
  });
}
