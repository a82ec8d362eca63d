import type { EntityManager } from '@mikro-orm/core';
import { holdsScopes, REQUIRED_SCOPES, type Principal } from '../access/index.js';
import { RuleSchema, RuleTargetSchema, type Policy, type Rule, type RuleTarget } from '../db/entities/index.js';
import type { PolicyView, RuleTargetView, RuleView } from './model.js';

// Rows as the transports see them; the reads, the writes and the target routes all answer through these.

export async function policyViews(
  em: EntityManager,
  caller: Principal,
  rows: readonly Policy[],
): Promise<PolicyView[]> {
  const withRules = holdsScopes(caller, REQUIRED_SCOPES.readRule);
  const rules =
    withRules && rows.length > 0
      ? await em.find(
          RuleSchema,
          { policy: { $in: rows.map((row) => row.id) } },
          { orderBy: { createdAt: 'asc', key: 'asc' } },
        )
      : [];
  const views = await ruleViews(em, rules);
  return rows.map((row) => ({
    key: row.key,
    name: row.name,
    drpAction: row.drpAction ?? null,
    executionTimeframe: row.executionTimeframe ?? null,
    createdBy: row.createdBy ?? null,
    ...(withRules ? { rules: views.filter((_view, index) => rules[index]!.policy.id === row.id) } : {}),
  }));
}

/** Rules with their targets (by data category); of a masking strategy only its name, never its configuration. */
export async function ruleViews(em: EntityManager, rules: readonly Rule[]): Promise<RuleView[]> {
  const targets =
    rules.length > 0
      ? await em.find(
          RuleTargetSchema,
          { rule: { $in: rules.map((rule) => rule.id) } },
          { orderBy: { dataCategory: 'asc' } },
        )
      : [];
  return rules.map((rule) => ({
    key: rule.key,
    name: rule.name,
    actionType: rule.actionType,
    maskingStrategy: rule.maskingStrategy ? { strategy: rule.maskingStrategy.strategy } : null,
    targets: targets.filter((target) => target.rule.id === rule.id).map(targetView),
  }));
}

export function targetView(target: RuleTarget): RuleTargetView {
  return { key: target.key, name: target.name, dataCategory: target.dataCategory };
}
