import { LockMode, type EntityManager } from '@mikro-orm/core';
import { REQUIRED_SCOPES, requireScopes, type Principal } from '../access/index.js';
import { auditContext, recordAudit } from '../audit/index.js';
import { ValidationError, type RequestEnv } from '../core/index.js';
import { PolicySchema, RuleSchema } from '../db/entities/index.js';
import { policyNotFound, ruleNotFound } from './messages.js';
import { MAX_BULK_ITEMS, type BulkItem, type BulkResult, type PolicyView, type RuleView } from './model.js';
import { policyViews, ruleViews } from './views.js';
import { savePolicy, saveRule, writeItem } from './save.js';
import { ItemError, validatePolicyInput, validateRuleInput } from './validation.js';

/**
 * Creates or updates policies, each in its own transaction (`writeItem`): one bad item lands in `failed` and never
 * sinks the others, and a policy whose rules fail is not created either. See `savePolicy` for what an item does.
 */
export async function upsertPolicies(
  env: RequestEnv,
  principal: Principal | null,
  items: readonly BulkItem[],
): Promise<BulkResult<PolicyView>> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.upsertPolicy);
  checkBulkSize(items);
  return eachItem(items, async (value) => {
    const input = validatePolicyInput(value);
    const row = await writeItem(env.em, async (em) => {
      const existed = await keyExists(em, 'policy', input.keyGiven ? input.key : null);
      const saved = await savePolicy(em, input, caller);
      recordAudit(em, auditContext(env, caller), {
        action: existed ? 'policy.updated' : 'policy.created',
        details: { key: saved.key, name: saved.name, drp_action: saved.drpAction ?? null },
      });
      return saved;
    });
    return (await policyViews(env.em.fork(), caller, [row]))[0]!;
  });
}

/**
 * Creates or updates a policy's rules, each in its own transaction that locks the policy row: rules of one policy
 * are written one at a time (so "at most one consent rule" and the erasure checks hold), and a policy deleted
 * meanwhile takes its rules with it or refuses them, never leaving an orphan.
 */
export async function upsertRules(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  items: readonly BulkItem[],
): Promise<BulkResult<RuleView>> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.upsertRule);
  checkBulkSize(items);
  if (!(await env.em.findOne(PolicySchema, { key: policyKey }))) throw policyNotFound(policyKey);
  return eachItem(items, async (value) => {
    const input = validateRuleInput(value);
    const rule = await writeItem(env.em, async (em) => {
      const policy = await em.findOne(PolicySchema, { key: policyKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!policy) throw new ItemError(policyNotFound(policyKey).message);
      const existed = await keyExists(em, 'rule', input.keyGiven ? input.key : null);
      const saved = await saveRule(em, policy, input, caller);
      recordAudit(em, auditContext(env, caller), {
        action: existed ? 'rule.updated' : 'rule.created',
        details: { policy_key: policyKey, key: saved.key, action_type: saved.actionType },
      });
      return saved;
    });
    return (await ruleViews(env.em.fork(), [rule]))[0]!;
  });
}

/** Deletes a policy with its rules and targets: one statement, the foreign keys cascading. */
export async function deletePolicy(env: RequestEnv, principal: Principal | null, key: string): Promise<true> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.deletePolicy);
  await env.em.transactional(async (em) => {
    if ((await em.nativeDelete(PolicySchema, { key })) === 0) throw policyNotFound(key);
    recordAudit(em, auditContext(env, caller), { action: 'policy.deleted', details: { key } });
  });
  return true;
}

export async function deleteRule(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
): Promise<true> {
  const caller = requireScopes(principal, REQUIRED_SCOPES.deleteRule);
  await env.em.transactional(async (em) => {
    const policy = await em.findOne(PolicySchema, { key: policyKey });
    if (!policy) throw policyNotFound(policyKey);
    if ((await em.nativeDelete(RuleSchema, { policy, key: ruleKey })) === 0) throw ruleNotFound(ruleKey, policyKey);
    recordAudit(em, auditContext(env, caller), {
      action: 'rule.deleted',
      details: { policy_key: policyKey, key: ruleKey },
    });
  });
  return true;
}

/** Whether a row with this key exists already (then the item is an update, for the audit trail). */
export async function keyExists(
  em: EntityManager,
  table: 'policy' | 'rule' | 'rule_target',
  key: string | null,
): Promise<boolean> {
  if (key === null) return false;
  const [row] = await em
    .getConnection()
    .execute<{ found: boolean }[]>(
      `select exists (select 1 from "${table}" where "key" = ?) as "found"`,
      [key],
      'all',
      em.getTransactionContext(),
    );
  return row?.found === true;
}

export function checkBulkSize(items: readonly BulkItem[]): void {
  if (items.length > MAX_BULK_ITEMS) {
    throw new ValidationError([
      {
        loc: [],
        msg: `List should have at most ${MAX_BULK_ITEMS} items after validation, not ${items.length}`,
        type: 'too_long',
      },
    ]);
  }
}

export async function eachItem<T>(
  items: readonly BulkItem[],
  upsert: (value: unknown, index: number) => Promise<T>,
): Promise<BulkResult<T>> {
  const succeeded: T[] = [];
  const failed: { message: string; data: unknown }[] = [];
  for (const [index, item] of items.entries()) {
    try {
      succeeded.push(await upsert(item.value, index));
    } catch (error) {
      if (!(error instanceof ItemError)) throw error;
      failed.push({ message: error.message, data: item.data });
    }
  }
  return { succeeded, failed };
}
