import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { fidesResource } from './columns.js';
import { PolicySchema } from './policy.entity.js';

/** A rule of a policy. Its key and its name are unique across all policies, as in Fides. */
export const RuleSchema = defineEntity({
  name: 'Rule',
  tableName: 'rule',
  properties: (p) =>
    fidesResource(
      {
        actionType: p.string().length(16),
        maskingStrategy: p.json<{ strategy: string; configuration: Record<string, unknown> }>().nullable(),
      },
      { policy: p.manyToOne(PolicySchema).deleteRule('cascade') },
    ),
  // Its policy's rules are read and cascaded by policy: the (policy, key) constraint that indexed them is gone.
  indexes: [{ properties: ['policy'] }],
});

export type Rule = InferEntity<typeof RuleSchema>;
