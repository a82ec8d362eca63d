import type { Principal } from '../access/index.js';
import type { Logger } from '../core/index.js';
import type { AuthEnv } from '../tokens/index.js';
import type { Schema } from './openapi-schemas.js';

/** What a route handler gets: the request, path parameters, and lazily the domain environment and caller. */
export interface RouteContext {
  readonly request: Request;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly auth: AuthEnv;
  /** Verifies the bearer token on first call; null when the request carries none. */
  principal(): Promise<Principal | null>;
  /** Names the client that authenticated with its credentials (not a bearer token), for the access log. */
  identified(clientId: string): void;
  readonly log: Logger;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An exact path; `{name}` matches one path segment. */
  readonly path: string;
  /** OAuth endpoints answer errors with RFC 6749 fields and `no-store`. */
  readonly oauth?: boolean;
  readonly handle: (context: RouteContext) => Promise<Response>;
  /** What `/openapi.json` says of the route (the common error responses are added from `auth`); none: unlisted. */
  readonly doc?: RouteDoc;
}

export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'OAuth' | 'Clients' | 'Scopes' | 'Policies' | 'Discovery';
  /**
   * A bearer token holding these scopes (and, with `rootOnly`, the root client's), the client's own credentials, or
   * nothing. Checked before the body is read.
   */
  readonly auth: { readonly bearer: readonly string[]; readonly rootOnly?: true } | 'client' | 'none';
  readonly query?: readonly { readonly name: string; readonly description: string; readonly schema: Schema }[];
  readonly body?: { readonly required: boolean; readonly content: Readonly<Record<string, Schema>> };
  /** The success response and any route-specific errors. */
  readonly responses: Readonly<
    Record<
      number,
      { readonly description: string; readonly schema?: Schema; readonly examples?: Readonly<Record<string, unknown>> }
    >
  >;
}

interface CompiledRoute extends Route {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

export function compileRoutes(routes: readonly Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]!);
        return '([^/]+)';
      })
      .join('/');
    return { ...route, pattern: new RegExp(`^${source}$`), names };
  });
}

/** Finds the route for a path; `allowed` lists the methods that path accepts, for a 405. */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  pathname: string,
): { route: CompiledRoute; params: Record<string, string> } | { route: null; allowed: string[] } {
  const allowed: string[] = [];
  for (const route of routes) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const params: Record<string, string> = {};
    try {
      route.names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1]!);
      });
    } catch {
      // Malformed percent-encoding names nothing that exists: answered as an unknown path.
      return { route: null, allowed: [] };
    }
    // Nor does an id with a NUL character (PostgreSQL text cannot hold one).
    if (Object.values(params).some((value) => value.includes('\u0000'))) return { route: null, allowed: [] };
    return { route, params };
  }
  return { route: null, allowed };
}
