import type { ObjectRef } from '@pothos/core';
import type { Page } from '../../core/index.js';
import { builder } from '../builder.js';

/** The schema types our builder was made with, which every object ref carries. */
type Types = typeof builder extends { $inferSchemaTypes: infer S } ? S : never;

/** A page type for a list (`{items, total, page, size, pages}`, as Fides' lists answer), named `name`. */
export function pageOf<T>(name: string, item: ObjectRef<Types, T>, description: string) {
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
