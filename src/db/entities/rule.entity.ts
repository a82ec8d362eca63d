import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { PolicySchema } from './policy.entity.js';

/** A rule of a policy; its key and name are unique within the policy. */
export const RuleSchema = defineEntity({
  name: 'Rule',
  tableName: 'rule',
  properties: (p) => ({
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    policy: p.manyToOne(PolicySchema).deleteRule('cascade'),
    key: p.string().length(200),
    name: p.string().length(200),
    actionType: p.string().length(16),
    maskingStrategy: p.json<{ strategy: string; configuration: Record<string, unknown> }>().nullable(),
    createdBy: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
  uniques: [{ properties: ['policy', 'key'] }, { properties: ['policy', 'name'] }],
});

export type Rule = InferEntity<typeof RuleSchema>;
