import type { Plugin } from 'graphql-yoga';
import { requireScopes, type Principal } from '../access/index.js';
import { RootOnlyError, type Logger } from '../core/index.js';
import { principalFromAuthorization, type AuthEnv } from '../tokens/index.js';
import { errorResponse } from './errors.js';
import { json } from './http.js';
import { compileRoutes, matchRoute, type Route } from './routes.js';

export interface RestOptions {
  /** Builds a request's domain environment (its own `em` fork). */
  authEnv: (request: Request) => AuthEnv;
  /** The request's id, quoted in 5xx bodies and log lines. */
  requestId: (request: Request) => string;
  /** The routes to serve, matched on exact method and path. */
  routes: readonly Route[];
  /** Paths under this prefix that match no route get a JSON 404 instead of falling through to yoga. */
  prefix?: string;
  log: Logger;
  /** Told which route template matched (for metrics and the access log: never the raw path). */
  onRoute?: (request: Request, template: string) => void;
  /** Told who called, once a bearer token has verified. */
  /** The client a request authenticated as, by bearer token or by its credentials. */
  onClient?: (request: Request, clientId: string) => void;
}

/**
 * The REST shim as a yoga plugin: it answers the routes it knows in `onRequest`, before GraphQL sees the request.
 * Every handler runs inside a catch, because yoga does not catch what `onRequest` throws.
 */
export function useRest(options: RestOptions): Plugin {
  const routes = compileRoutes(options.routes);
  const { log } = options;
  return {
    async onRequest({ request, url, endResponse }) {
      let oauth = false;
      try {
        const found = matchRoute(routes, request.method, url.pathname);
        if (found.route === null) {
          if (found.allowed.length > 0) {
            endResponse(json(405, { detail: 'Method Not Allowed' }, { Allow: found.allowed.join(', ') }));
          } else if (options.prefix && url.pathname.startsWith(options.prefix)) {
            endResponse(json(404, { detail: 'Not Found' }));
          }
          return;
        }
        const { route, params } = found;
        options.onRoute?.(request, route.path);
        oauth = route.oauth === true;
        const auth = options.authEnv(request);
        let principal: Promise<Principal | null> | undefined;
        const caller = () =>
          (principal ??= principalFromAuthorization(auth, request.headers.get('authorization')).then((found) => {
            if (found) options.onClient?.(request, found.clientId);
            return found;
          }));
        // The token and its scopes first, from the same table the use case checks: a caller that may not call the
        // route learns nothing about its body (no 422 before the 401 or 403, as Fides answers).
        const needed = route.doc?.auth;
        if (typeof needed === 'object') {
          const checked = requireScopes(await caller(), needed.bearer);
          if (needed.rootOnly && !checked.isRoot) throw new RootOnlyError();
        }
        const identified = (clientId: string) => options.onClient?.(request, clientId);
        endResponse(await route.handle({ request, url, params, auth, principal: caller, identified, log }));
      } catch (error) {
        endResponse(errorResponse(error, { request, oauth, requestId: options.requestId(request), log }));
      }
    },
  };
}

export type { Route } from './routes.js';
