import type { ObjectRef } from '@pothos/core';
import type { Operation, Principal } from '../../access/index.js';
import type { Page, PageRequest } from '../../core/index.js';
import { builder, type BuilderTypes } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { needs, PAGING } from '../describe.js';

/** A page type for a list (`{items, total, page, size, pages}`, as Fides' lists answer), named `name`. */
export function pageOf<T>(name: string, item: ObjectRef<BuilderTypes, T>, description: string) {
  return builder.objectRef<Page<T>>(name).implement({
    description,
    fields: (t) => ({
      items: t.field({ type: [item], resolve: (page) => [...page.items] }),
      total: t.exposeInt('total'),
      page: t.exposeInt('page'),
      size: t.exposeInt('size'),
      pages: t.exposeInt('pages'),
    }),
  });
}

/**
 * A root field answering one page of a list, newest first, from `page` and `size` alone: the lists that take no
 * other argument differ only in these options, so their arguments, nullability and documented rules are one
 * declaration. Null, with a FORBIDDEN error, for a caller without `requires`.
 */
export function pagedListQuery<T>(
  name: string,
  options: {
    readonly type: ObjectRef<BuilderTypes, Page<T>>;
    /** What is listed, as the description's first words. */
    readonly what: string;
    readonly requires: Operation;
    /** The use case, called as every transport calls it. */
    readonly list: (env: GraphQLContext['auth'], principal: Principal | null, request: PageRequest) => Promise<Page<T>>;
  },
): void {
  const { type, what, requires, list } = options;
  builder.queryField(name, (t) =>
    t.field({
      type,
      nullable: true,
      description: `${what}, newest first; ${PAGING}. ${needs(requires)}.`,
      authScopes: { requires },
      args: { page: t.arg.int(), size: t.arg.int() },
      resolve: (_root, args, { auth, principal }) => list(auth, principal, args),
    }),
  );
}
