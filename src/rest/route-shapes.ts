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
  readonly tag: RouteDoc['tag'];
  readonly description?: string;
  readonly operation: Operation;
  /** The success response: 200, or 204 for one without a body. */
  readonly answer: ResponseDoc;
  readonly status?: 200 | 204;
  /** The 404, for a path that names something that may not exist. */
  readonly notFound?: ResponseDoc;
}

/** The route's document: its scopes from the one table (access/permissions.ts), its 200 and any 404. */
export function shapeDoc(
  summary: string,
  { tag, description, operation, answer, status = 200, notFound }: ShapeDoc,
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

/**
 * `GET path`, `summary`: a page of a list, newest first, from the `page` and `size` query parameters (and any `filters`, which
 * `list` reads from the URL itself); each item on the wire as `item` shapes it.
 */
export function pagedListRoute<T>(
  path: string,
  summary: string,
  options: ShapeDoc & {
    readonly filters?: RouteDoc['query'];
    readonly list: (context: RouteContext, caller: Principal | null, page: PageRequest) => Promise<Page<T>>;
    readonly item: (item: T) => unknown;
  },
): Route {
  const { filters = [], list, item } = options;
  return {
    method: 'GET',
    path,
    doc: shapeDoc(summary, options, { query: [...PAGE_QUERY, ...filters] }),
    handle: async (context) => {
      const caller = await context.principal();
      const request = pageQuery(context.url);
      const page = await locatedIn('query', list(context, caller, request));
      return json(200, { ...page, items: page.items.map(item) });
    },
  };
}

/**
 * `method path`, `summary`: one use case, called with the caller, its result answered 200 as `body` shapes it. A use case
 * that answers null for nothing there becomes the 404 `missing` makes.
 */
export function callRoute<T>(
  method: Route['method'],
  path: string,
  summary: string,
  options: ShapeDoc & {
    readonly call: (context: RouteContext, caller: Principal | null) => Promise<T | null> | T;
    readonly missing?: (params: RouteContext['params']) => Error;
    readonly body: (result: T) => unknown;
    readonly headers?: Record<string, string>;
  },
): Route {
  const { call, missing, body, headers } = options;
  return {
    method,
    path,
    doc: shapeDoc(summary, options),
    handle: async (context) => {
      const result = await call(context, await context.principal());
      if (result === null && missing) throw missing(context.params);
      return json(200, body(result as T), headers);
    },
  };
}
