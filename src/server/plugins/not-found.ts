import type { Plugin } from 'graphql-yoga';
import { NotFoundError } from '../../core/index.js';
import { errorResponse } from '../../rest/index.js';

/**
 * `useNotFound`: a JSON 404 for every path that no earlier plugin answered and that is not `graphqlEndpoint`
 * exactly. yoga serves GraphQL on any URL that merely ends in its endpoint (`/anything/graphql`, `/x?y=/graphql`)
 * and answers other paths with an empty 404. Goes after every plugin that serves paths of its own.
 */
export function useNotFound(options: { graphqlEndpoint: string }): Plugin {
  return {
    onRequest({ url, endResponse }) {
      if (url.pathname !== options.graphqlEndpoint) endResponse(errorResponse(new NotFoundError('Not Found')));
    },
  };
}
