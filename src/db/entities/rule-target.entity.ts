import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { RuleSchema } from './rule.entity.js';

/**
 * A data category a rule applies to. Its key and its name are unique across all rules, and a rule names a category
 * once, as in Fides.
 */
export const RuleTargetSchema = defineEntity({
  name: 'RuleTarget',
  tableName: 'rule_target',
  properties: (p) => ({
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    rule: p.manyToOne(RuleSchema).deleteRule('cascade'),
    key: p.string().length(200).unique(),
    name: p.string().length(200).unique(),
    dataCategory: p.string().length(200),
    /** The client that created it; null for the targets seeded with the database and those written before. */
    createdBy: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
  uniques: [{ properties: ['rule', 'dataCategory'] }],
});

export type RuleTarget = InferEntity<typeof RuleTargetSchema>;
