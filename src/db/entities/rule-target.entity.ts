import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { createdBy, fidesKeyAndName, generatedId, timestamps } from './columns.js';
import { RuleSchema } from './rule.entity.js';

/**
 * A data category a rule applies to. Its key and its name are unique across all rules, and a rule names a category
 * once, as in Fides.
 */
export const RuleTargetSchema = defineEntity({
  name: 'RuleTarget',
  tableName: 'rule_target',
  properties: (p) => ({
    id: generatedId(),
    rule: p.manyToOne(RuleSchema).deleteRule('cascade'),
    ...fidesKeyAndName(),
    dataCategory: p.string().length(200),
    /** The client that created it; null for the targets seeded with the database and those written before. */
    createdBy: createdBy(),
    ...timestamps(),
  }),
  uniques: [{ properties: ['rule', 'dataCategory'] }],
});

export type RuleTarget = InferEntity<typeof RuleTargetSchema>;
