import { defineEntity, type InferEntity } from '@mikro-orm/core';

/** A Fides DSR execution policy. Its rules (and their targets) go with it: the foreign keys cascade. */
export const PolicySchema = defineEntity({
  name: 'Policy',
  tableName: 'policy',
  properties: (p) => ({
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    key: p.string().length(200).unique(),
    name: p.string().length(200).unique(),
    /** Fides' wire value (`access`, `sale:opt_out`, …); one policy per DRP action, as in Fides. */
    drpAction: p.string().length(32).nullable().unique(),
    executionTimeframe: p.integer().nullable(),
    /** The client that created it; null for the policies seeded with the database. */
    createdBy: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
  indexes: [{ properties: ['createdAt'] }],
});

export type Policy = InferEntity<typeof PolicySchema>;
