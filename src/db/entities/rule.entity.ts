import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { PolicySchema } from './policy.entity.js';

/** A rule of a policy. Its key and its name are unique across all policies, as in Fides. */
export const RuleSchema = defineEntity({
  name: 'Rule',
  tableName: 'rule',
  properties: (p) => ({
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    policy: p.manyToOne(PolicySchema).deleteRule('cascade'),
    key: p.string().length(200).unique(),
    name: p.string().length(200).unique(),
    actionType: p.string().length(16),
    maskingStrategy: p.json<{ strategy: string; configuration: Record<string, unknown> }>().nullable(),
    createdBy: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
  // Its policy's rules are read and cascaded by policy: the (policy, key) constraint that indexed them is gone.
  indexes: [{ properties: ['policy'] }],
});

export type Rule = InferEntity<typeof RuleSchema>;
