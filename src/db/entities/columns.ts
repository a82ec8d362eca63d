import { p } from '@mikro-orm/core';

// Columns several tables share, declared once.

/** A uuid primary key made when the row is. */
export const generatedId = () =>
  p
    .uuid()
    .primary()
    .onCreate(() => crypto.randomUUID());

/** When a row was made and last changed. */
export const timestamps = () => ({
  createdAt: p.datetime().onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
});

/** A Fides resource's key and name: each unique across its whole table, as in Fides. */
export const fidesKeyAndName = () => ({
  key: p.string().length(200).unique(),
  name: p.string().length(200).unique(),
});

/** The client that created the row; null for rows seeded with the database. */
export const createdBy = () => p.string().length(64).nullable();
