import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { fidesResource } from './columns.js';

/** A Fides DSR execution policy. Its rules (and their targets) go with it: the foreign keys cascade. */
export const PolicySchema = defineEntity({
  name: 'Policy',
  tableName: 'policy',
  properties: (p) =>
    fidesResource({
      /** Fides' wire value (`access`, `sale:opt_out`, …); one policy per DRP action, as in Fides. */
      drpAction: p.string().length(32).nullable().unique(),
      executionTimeframe: p.integer().nullable(),
    }),
  indexes: [{ properties: ['createdAt'] }],
});

export type Policy = InferEntity<typeof PolicySchema>;
