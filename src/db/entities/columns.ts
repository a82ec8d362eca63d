import { p } from '@mikro-orm/core';

// Columns several tables share, declared once.

/** An id we make or check ourselves (a client id, a token's `jti`, a key's `kid`): at most 64 characters. */
export const identifier = () => p.string().length(64);

/** When a row was made and last changed. */
export const timestamps = () => ({
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
});

/**
 * The columns of a Fides DSR resource (policy, rule, target) around its `own`: a uuid made with the row, the
 * `parent` it is deleted with (none for a policy), its key and name (each unique across its whole table, as in
 * Fides), the client that created it (null for the rows seeded with the database and those written before it was
 * recorded), and its timestamps. The three tables keep one layout, in this order.
 */
export const fidesResource = <Own extends object, Parent extends object = object>(own: Own, parent?: Parent) => ({
  id: p
    .uuid()
    .primary()
    .onCreate(() => crypto.randomUUID()),
  ...(parent as Parent),
  key: p.string().length(200).unique(),
  name: p.string().length(200).unique(),
  ...own,
  createdBy: identifier().nullable(),
  ...timestamps(),
});
