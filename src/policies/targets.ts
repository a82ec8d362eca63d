import { LockMode } from '@mikro-orm/core';
import { pagedList, REQUIRED_SCOPES, requireScopes, type Principal } from '../access/index.js';
import { auditContext, recordAudit } from '../audit/index.js';
import { InvalidDataCategoriesError, type PageRequest, type RequestEnv } from '../core/index.js';
import { PolicySchema, RuleSchema, RuleTargetSchema } from '../db/entities/index.js';
import { isDataCategory } from './data-categories.js';
import { policyNotFound, ruleNotFoundOnPolicy, targetNotFound, targetNotFoundOnRule } from './messages.js';
import type { BulkItem, BulkResult, RuleTargetView } from './model.js';
import { findRule } from './read.js';
import { saveTarget, writeItem } from './save.js';
import { ItemError, validateTargetInput } from './validation.js';
import { targetView } from './views.js';
import { checkBulkSize, eachItem, keyExists } from './write.js';

// A rule's targets on their own routes (Fides' `/dsr/policy/{policy_key}/rule/{rule_key}/target`).

/** Which rule's targets, and which page of them. */
export interface RuleTargetQuery extends PageRequest {
  readonly policyKey: string;
  readonly ruleKey: string;
}

/** A rule's targets, newest first. 404 for an unknown policy or rule. */
export const listRuleTargets = pagedList(
  'readRuleTarget',
  RuleTargetSchema,
  (env: RequestEnv, _caller, { policyKey, ruleKey }: RuleTargetQuery) => ({
    where: async () => ({ rule: await findRule(env.em, policyKey, ruleKey) }),
    orderBy: { createdAt: 'desc', key: 'asc' },
    views: (rows) => rows.map(targetView),
  }),
);

export async function getRuleTarget(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
  targetKey: string,
): Promise<RuleTargetView> {
  requireScopes(principal, REQUIRED_SCOPES.readRuleTarget);
  const rule = await findRule(env.em, policyKey, ruleKey);
  const target = await env.em.findOne(RuleTargetSchema, { rule, key: targetKey });
  if (!target) throw targetNotFound(targetKey, ruleKey);
  return targetView(target);
}

/**
 * Creates or updates a rule's targets by key, each in its own transaction (`writeItem`) that locks the policy row, so
 * that a policy deleted meanwhile refuses them. Data categories outside the taxonomy refuse the whole batch, as Fides does;
 * everything else fails its item alone.
 */
export async function upsertRuleTargets(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
  items: readonly BulkItem[],
): Promise<BulkResult<RuleTargetView>> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.upsertRuleTarget);
  checkBulkSize(items);
  await findRuleOnPolicy(env, policyKey, ruleKey);
  const inputs = items.map((item) => {
    try {
      return validateTargetInput(item.value);
    } catch (error) {
      if (error instanceof ItemError) return error;
      throw error;
    }
  });
  const unknown = inputs.flatMap((input) =>
    input instanceof ItemError || isDataCategory(input.dataCategory) ? [] : [input.dataCategory],
  );
  if (unknown.length > 0) throw new InvalidDataCategoriesError([...new Set(unknown)]);
  return eachItem(items, async (_value, index) => {
    const input = inputs[index]!;
    if (input instanceof ItemError) throw input;
    const target = await writeItem(env.em, async (em) => {
      const policy = await em.findOne(PolicySchema, { key: policyKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!policy) throw new ItemError(policyNotFound(policyKey).message);
      const rule = await em.findOne(RuleSchema, { policy, key: ruleKey });
      if (!rule) throw new ItemError(ruleNotFoundOnPolicy(ruleKey, policyKey).message);
      const existed = await keyExists(em, 'rule_target', input.key);
      const saved = await saveTarget(em, policy, rule, input, caller, 'route');
      recordAudit(em, auditContext(env, caller), {
        action: existed ? 'rule_target.updated' : 'rule_target.created',
        details: { policy_key: policyKey, rule_key: ruleKey, key: saved.key, data_category: saved.dataCategory },
      });
      return saved;
    });
    return targetView(target);
  });
}

export async function deleteRuleTarget(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
  targetKey: string,
): Promise<true> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.deleteRuleTarget);
  const rule = await findRuleOnPolicy(env, policyKey, ruleKey);
  await env.em.transactional(async (em) => {
    if ((await em.nativeDelete(RuleTargetSchema, { rule, key: targetKey })) === 0)
      throw targetNotFoundOnRule(targetKey, ruleKey, policyKey);
    recordAudit(em, auditContext(env, caller), {
      action: 'rule_target.deleted',
      details: { policy_key: policyKey, rule_key: ruleKey, key: targetKey },
    });
  });
  return true;
}

/** As `findRule`, with the 404 text Fides gives on the target PATCH and DELETE routes. */
async function findRuleOnPolicy(env: RequestEnv, policyKey: string, ruleKey: string) {
  const policy = await env.em.findOne(PolicySchema, { key: policyKey });
  if (!policy) throw policyNotFound(policyKey);
  const rule = await env.em.findOne(RuleSchema, { policy, key: ruleKey });
  if (!rule) throw ruleNotFoundOnPolicy(ruleKey, policyKey);
  return rule;
}
