import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { RuleSchema } from './rule.entity.js';

/** A data category a rule applies to. */
export const RuleTargetSchema = defineEntity({
  name: 'RuleTarget',
  tableName: 'rule_target',
  properties: (p) => ({
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    rule: p.manyToOne(RuleSchema).deleteRule('cascade'),
    key: p.string().length(200),
    name: p.string().length(200).nullable(),
    dataCategory: p.string().length(200),
  }),
  uniques: [{ properties: ['rule', 'key'] }],
});

export type RuleTarget = InferEntity<typeof RuleTargetSchema>;
