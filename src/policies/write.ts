import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { REQUIRED_SCOPES, requireScopes, type Principal } from '../access/index.js';
import { ValidationError, type RequestEnv } from '../core/index.js';
import { PolicySchema, RuleSchema, RuleTargetSchema } from '../db/entities/index.js';
import { MAX_BULK_ITEMS, type BulkItem, type BulkResult, type PolicyView, type RuleView } from './model.js';
import { policyNotFound, policyViews, ruleNotFound, ruleViews } from './read.js';
import { ItemError, validatePolicyInput, validateRuleInput } from './validation.js';

/**
 * Creates or updates policies by key, each in its own transaction: one bad item lands in `failed` and never sinks
 * the others. Concurrent upserts of one key leave one row (INSERT … ON CONFLICT (key)).
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
    const row = await uniqueOr(`A policy with the name ${input.name} already exists.`, () =>
      env.em.transactional((em) =>
        em.upsert(
          PolicySchema,
          { id: randomUUID(), ...input, createdBy: caller.clientId, createdAt: new Date(), updatedAt: new Date() },
          { onConflictFields: ['key'], onConflictExcludeFields: ['id', 'createdBy', 'createdAt'] },
        ),
      ),
    );
    return (await policyViews(env, caller, [row]))[0]!;
  });
}

/**
 * Creates or updates a policy's rules by key, each in its own transaction that locks the policy row: rules of one
 * policy are written one at a time (so "at most one consent rule" holds), and a policy deleted meanwhile takes its
 * rules with it or refuses them, never leaving an orphan.
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
    const rule = await uniqueOr(`A rule with the name ${input.name} already exists in policy ${policyKey}.`, () =>
      env.em.transactional(async (em) => {
        const policy = await em.findOne(PolicySchema, { key: policyKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!policy) throw new ItemError(policyNotFound(policyKey).message);
        if (
          input.actionType === 'consent' &&
          (await em.count(RuleSchema, { policy, actionType: 'consent', key: { $ne: input.key } })) > 0
        ) {
          throw new ItemError('Policies can have at most one consent rule.');
        }
        const row = await em.upsert(
          RuleSchema,
          {
            id: randomUUID(),
            policy,
            key: input.key,
            name: input.name,
            actionType: input.actionType,
            maskingStrategy: input.maskingStrategy,
            createdBy: caller.clientId,
            createdAt: new Date(),
            updatedAt: new Date(),
          },
          { onConflictFields: ['policy', 'key'], onConflictExcludeFields: ['id', 'createdBy', 'createdAt'] },
        );
        if (input.targets) await replaceTargets(em, row.id, input.targets);
        return row;
      }),
    );
    return (await ruleViews(env, [rule]))[0]!;
  });
}

/** Deletes a policy with its rules and targets: one statement, the foreign keys cascading. */
export async function deletePolicy(env: RequestEnv, principal: Principal | null, key: string): Promise<true> {
  requireScopes(principal, REQUIRED_SCOPES.deletePolicy);
  if ((await env.em.nativeDelete(PolicySchema, { key })) === 0) throw policyNotFound(key);
  return true;
}

export async function deleteRule(
  env: RequestEnv,
  principal: Principal | null,
  policyKey: string,
  ruleKey: string,
): Promise<true> {
  requireScopes(principal, REQUIRED_SCOPES.deleteRule);
  const policy = await env.em.findOne(PolicySchema, { key: policyKey });
  if (!policy) throw policyNotFound(policyKey);
  if ((await env.em.nativeDelete(RuleSchema, { policy, key: ruleKey })) === 0) throw ruleNotFound(ruleKey, policyKey);
  return true;
}

async function replaceTargets(
  em: EntityManager,
  ruleId: string,
  targets: { key: string; name: string | null; dataCategory: string }[],
) {
  await em.nativeDelete(RuleTargetSchema, { rule: ruleId });
  for (const target of targets) em.create(RuleTargetSchema, { id: randomUUID(), rule: ruleId, ...target });
  await em.flush();
}

function checkBulkSize(items: readonly BulkItem[]): void {
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

async function eachItem<T>(items: readonly BulkItem[], upsert: (value: unknown) => Promise<T>): Promise<BulkResult<T>> {
  const succeeded: T[] = [];
  const failed: { message: string; data: unknown }[] = [];
  for (const item of items) {
    try {
      succeeded.push(await upsert(item.value));
    } catch (error) {
      if (!(error instanceof ItemError)) throw error;
      failed.push({ message: error.message, data: item.data });
    }
  }
  return { succeeded, failed };
}

/**
 * Runs a write that may hit a unique constraint. ON CONFLICT arbitrates one constraint only: when two upserts of a
 * new key race, the loser can trip over the name's constraint instead of the key's. Trying once more then finds the
 * winner's row and takes the update path; a second violation is a real duplicate, reported as `message`.
 */
async function uniqueOr<T>(message: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      if (attempt === 2) throw new ItemError(message);
    }
  }
}
