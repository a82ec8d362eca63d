import { REQUIRED_SCOPES, type Operation, type Principal } from '../access/index.js';
import type { Page, PageRequest } from '../core/index.js';
import { json } from './http.js';
import { locatedIn, pageQuery } from './input.js';
import { PAGE_QUERY } from './openapi-schemas.js';
import type { Route, RouteContext, RouteDoc } from './routes.js';

// The shapes most bearer-token routes take: a page of a list, or one use case called with the caller and answered
// as JSON. Each route states only what is its own (path, words, use case, body); the shape states the rest once.

type ResponseDoc = RouteDoc['responses'][number];

/** What a route of these shapes says of itself in the document; `operation` names the scopes it needs. */
export interface ShapeDoc {
  readonly description?: string;
  readonly operation: Operation;
  /** The success response: 200, or 204 for one without a body. */
  readonly answer: ResponseDoc;
  readonly status?: 200 | 204;
  /** The 404, for a path that names something that may not exist. */
  readonly notFound?: ResponseDoc | undefined;
}

/** The route's document, filed under `tag`: its scopes from the one table (access/permissions.ts), its 200 and any 404. */
export function shapeDoc(
  tag: RouteDoc['tag'],
  summary: string,
  { description, operation, answer, status = 200, notFound }: ShapeDoc,
  more: Pick<RouteDoc, 'query' | 'body'> = {},
  moreResponses: RouteDoc['responses'] = {},
): RouteDoc {
  const responses: Record<number, ResponseDoc> = { [status]: answer, ...moreResponses };
  if (notFound) responses[404] = notFound;
  return {
    tag,
    summary,
    ...(description === undefined ? {} : { description }),
    auth: { bearer: REQUIRED_SCOPES[operation] },
    ...more,
    responses,
  };
}

/** A page of a list, newest first; each item on the wire as `item` shapes it. */
export type PagedListOptions<T> = ShapeDoc & {
  /** Query parameters beyond `page` and `size`; `list` reads them from the URL itself. */
  readonly filters?: RouteDoc['query'];
  readonly list: (context: RouteContext, caller: Principal | null, page: PageRequest) => Promise<Page<T>>;
  readonly item: (item: T) => unknown;
};

/** One use case, called with the caller; its result answered 200 as `body` shapes it. */
export type CallOptions<T> = ShapeDoc & {
  /** The request body's document, for a route that reads one (`call` reads it from the context). */
  readonly input?: RouteDoc['body'];
  readonly call: (context: RouteContext, caller: Principal | null) => Promise<T | null> | T;
  /** For a use case that answers null for nothing there: the 404 it becomes. */
  readonly missing?: (params: RouteContext['params']) => Error;
  readonly body: (result: T) => unknown;
  readonly headers?: Record<string, string>;
};

/**
 * The two shapes, for routes filed under `tag` in the document. `notFoundAt` gives the 404 a path's routes share,
 * where they share one; a route's own `notFound` comes first.
 */
export function routeShapes(
  tag: RouteDoc['tag'],
  notFoundAt: (path: string) => ResponseDoc | undefined = () => undefined,
) {
  const docOf = (path: string, summary: string, options: ShapeDoc, more?: Pick<RouteDoc, 'query' | 'body'>) =>
    shapeDoc(tag, summary, { ...options, notFound: options.notFound ?? notFoundAt(path) }, more);
  return {
    /** `GET path`, `summary`: a page of a list from the `page` and `size` query parameters (and any `filters`). */
    pagedList<T>(path: string, summary: string, options: PagedListOptions<T>): Route {
      const { filters = [], list, item } = options;
      return {
        method: 'GET',
        path,
        doc: docOf(path, summary, options, { query: [...PAGE_QUERY, ...filters] }),
        handle: async (context) => {
          const caller = await context.principal();
          const request = pageQuery(context.url);
          const page = await locatedIn('query', list(context, caller, request));
          return json(200, { ...page, items: page.items.map(item) });
        },
      };
    },
    /** `method path`, `summary`: one use case, called with the caller. */
    call<T>(method: Route['method'], path: string, summary: string, options: CallOptions<T>): Route {
      const { input, call, missing, body, headers } = options;
      return {
        method,
        path,
        doc: docOf(path, summary, options, input ? { body: input } : {}),
        handle: async (context) => {
          const result = await call(context, await context.principal());
          if (result === null && missing) throw missing(context.params);
          return json(200, body(result as T), headers);
        },
      };
    },
  };
}
