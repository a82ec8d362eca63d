import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { fidesResource } from './columns.js';
import { RuleSchema } from './rule.entity.js';

/**
 * A data category a rule applies to. Its key and its name are unique across all rules, and a rule names a category
 * once, as in Fides.
 */
export const RuleTargetSchema = defineEntity({
  name: 'RuleTarget',
  tableName: 'rule_target',
  properties: (p) =>
    fidesResource({ dataCategory: p.string().length(200) }, { rule: p.manyToOne(RuleSchema).deleteRule('cascade') }),
  uniques: [{ properties: ['rule', 'dataCategory'] }],
});

export type RuleTarget = InferEntity<typeof RuleTargetSchema>;
