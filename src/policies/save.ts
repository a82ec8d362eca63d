import { randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import type { Principal } from '../access/index.js';
import {
  PolicySchema,
  RuleSchema,
  RuleTargetSchema,
  type Policy,
  type Rule,
  type RuleTarget,
} from '../db/entities/index.js';
import { DEFAULT_USER_DATA_CATEGORIES, isDataCategory, parentCategory } from './data-categories.js';
import {
  categoryTaken,
  concurrentChange,
  drpActionTaken,
  erasureConflict,
  keyExists,
  nameExists,
  oneConsentRule,
  ruleOfAnotherPolicy,
  targetOfAnotherRule,
  unknownCategory,
} from './messages.js';
import { KEY_MAX_LENGTH } from './fides-key.js';
import { DEFAULT_ERASURE_MASKING_STRATEGY, NAME_MAX_LENGTH } from './model.js';
import {
  generatedKey,
  ItemError,
  type PolicyInputValue,
  type RuleInputValue,
  type TargetInputValue,
} from './validation.js';

// The steps that save a policy, a rule or a target inside an item's transaction, shared by the use cases. Each
// checks what Fides checks, in Fides' order, and throws an ItemError with Fides' message; the database's unique
// constraints hold the same rules should anything get past them (see `writeItem`).

/**
 * Creates a policy, or updates the one with the given key. Only a policy sent with its key is updated: without one
 * the item always creates, so a name that snake-cases to an existing key fails instead of overwriting it. A new
 * policy gets its `action_type` rule or its `rules`; an update ignores both, as Fides does.
 */
export async function savePolicy(em: EntityManager, input: PolicyInputValue, caller: Principal): Promise<Policy> {
  const existing = input.keyGiven
    ? await em.findOne(PolicySchema, { key: input.key }, { lockMode: LockMode.PESSIMISTIC_WRITE })
    : null;
  if (existing) {
    if (input.name !== existing.name && (await em.count(PolicySchema, { name: input.name })) > 0)
      throw new ItemError(nameExists(input.name, 'Policy'));
    await requireFreeDrpAction(em, input.drpAction, existing.id);
    // As Fides: every field is the item's, so one left out is cleared.
    em.assign(existing, { name: input.name, drpAction: input.drpAction, executionTimeframe: input.executionTimeframe });
    await em.flush();
    return existing;
  }
  if ((await em.count(PolicySchema, { key: input.key })) > 0) throw new ItemError(keyExists(input.key, 'Policy'));
  if ((await em.count(PolicySchema, { name: input.name })) > 0) throw new ItemError(nameExists(input.name, 'Policy'));
  await requireFreeDrpAction(em, input.drpAction, null);
  const now = new Date();
  const policy = em.create(PolicySchema, {
    id: randomUUID(),
    key: input.key,
    name: input.name,
    drpAction: input.drpAction,
    executionTimeframe: input.executionTimeframe,
    createdBy: caller.clientId,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  for (const rule of input.actionType ? [autoRule(policy, input.actionType)] : (input.rules ?? [])) {
    await saveRule(em, policy, rule, caller);
  }
  return policy;
}

/**
 * The rule Fides makes for a policy created with `action_type`: `{name} Rule`, keyed `{key}_rule`, with Fides'
 * default user categories as targets (none for consent) and hmac masking for erasure.
 */
function autoRule(policy: Policy, actionType: NonNullable<PolicyInputValue['actionType']>): RuleInputValue {
  const key = `${policy.key}_rule`;
  const name = `${policy.name} Rule`;
  if (key.length > KEY_MAX_LENGTH || name.length > NAME_MAX_LENGTH) {
    throw new ItemError(
      `action_type: the rule it makes is keyed ${key} and named ${name}, longer than ${NAME_MAX_LENGTH} characters; ` +
        'send a shorter key and name, or the rule in `rules`',
    );
  }
  return {
    key,
    keyGiven: true,
    name,
    actionType,
    maskingStrategy:
      actionType === 'erasure' ? { strategy: DEFAULT_ERASURE_MASKING_STRATEGY, configuration: {} } : null,
    targets:
      actionType === 'consent'
        ? undefined
        : DEFAULT_USER_DATA_CATEGORIES.map((dataCategory) => ({ key: null, name: null, dataCategory })),
  };
}

async function requireFreeDrpAction(em: EntityManager, drpAction: string | null, ownId: string | null) {
  if (drpAction === null) return;
  const holder = await em.findOne(PolicySchema, { drpAction }, { fields: ['id'] });
  if (holder && holder.id !== ownId) throw new ItemError(drpActionTaken(drpAction));
}

/**
 * Creates a rule on `policy`, or updates the rule with the given key. Rule keys and names are unique across all
 * policies: a key of another policy's rule fails. Given `targets` replace the rule's targets.
 */
export async function saveRule(
  em: EntityManager,
  policy: Policy,
  input: RuleInputValue,
  caller: Principal,
): Promise<Rule> {
  const existing = input.keyGiven ? await em.findOne(RuleSchema, { key: input.key }) : null;
  if (existing && existing.policy.id !== policy.id) throw new ItemError(ruleOfAnotherPolicy(input.key));
  if (input.actionType === 'consent') {
    // Fides checks this on create only; SPEC's "at most one consent rule per policy" holds on update too.
    const consent = await em.findOne(
      RuleSchema,
      { policy, actionType: 'consent', ...(existing ? { id: { $ne: existing.id } } : {}) },
      { fields: ['key'] },
    );
    if (consent) throw new ItemError(oneConsentRule(consent.key));
  }
  let rule: Rule;
  if (existing) {
    if (input.name !== existing.name && (await em.count(RuleSchema, { name: input.name })) > 0)
      throw new ItemError(nameExists(input.name, 'Rule'));
    em.assign(existing, { name: input.name, actionType: input.actionType, maskingStrategy: input.maskingStrategy });
    rule = existing;
  } else {
    if ((await em.count(RuleSchema, { key: input.key })) > 0) throw new ItemError(keyExists(input.key, 'Rule'));
    if ((await em.count(RuleSchema, { name: input.name })) > 0) throw new ItemError(nameExists(input.name, 'Rule'));
    const now = new Date();
    rule = em.create(RuleSchema, {
      id: randomUUID(),
      policy,
      key: input.key,
      name: input.name,
      actionType: input.actionType,
      maskingStrategy: input.maskingStrategy,
      createdBy: caller.clientId,
      createdAt: now,
      updatedAt: now,
    });
  }
  await em.flush();
  if (input.targets) {
    await em.nativeDelete(RuleTargetSchema, { rule });
    for (const target of input.targets) await saveTarget(em, policy, rule, target, caller, 'inline');
  }
  return rule;
}

/**
 * Creates a target on `rule`, or updates the target with the given key (a key of another rule's target fails).
 * A new target is named `{rule id}-{data category}` unless named; its key is the one given, else, as Fides makes
 * it, the snake-cased name (`route`) or the snake-cased `{rule id}-{data category}` (`inline`: targets sent inside
 * a policy or a rule).
 */
export async function saveTarget(
  em: EntityManager,
  policy: Policy,
  rule: Rule,
  input: TargetInputValue,
  caller: Principal,
  defaultKey: 'route' | 'inline',
): Promise<RuleTarget> {
  if (!isDataCategory(input.dataCategory)) throw new ItemError(unknownCategory(input.dataCategory));
  const existing = input.key === null ? null : await em.findOne(RuleTargetSchema, { key: input.key });
  if (existing) {
    if (existing.rule.id !== rule.id) throw new ItemError(targetOfAnotherRule(existing.key));
    if (input.dataCategory !== existing.dataCategory) {
      // Fides checks conflicts on create only; a changed category could otherwise bring one in.
      await requireNoErasureConflict(em, policy, rule, input.dataCategory, existing.id);
      await requireFreeCategory(em, rule, input.dataCategory);
    }
    // A name left out (null) keeps the one there, as Fides does.
    if (input.name !== null && input.name !== existing.name) {
      if ((await em.count(RuleTargetSchema, { name: input.name })) > 0)
        throw new ItemError(nameExists(input.name, 'RuleTarget'));
      existing.name = input.name;
    }
    existing.dataCategory = input.dataCategory;
    await em.flush();
    return existing;
  }
  const compound = `${rule.id}-${input.dataCategory}`;
  const name = input.name ?? compound;
  const key = input.key ?? generatedKey(defaultKey === 'route' ? name : compound);
  await requireNoErasureConflict(em, policy, rule, input.dataCategory, null);
  if ((await em.count(RuleTargetSchema, { key })) > 0) throw new ItemError(keyExists(key, 'RuleTarget'));
  if ((await em.count(RuleTargetSchema, { name })) > 0) throw new ItemError(nameExists(name, 'RuleTarget'));
  await requireFreeCategory(em, rule, input.dataCategory);
  const now = new Date();
  const target = em.create(RuleTargetSchema, {
    id: randomUUID(),
    rule,
    key,
    name,
    dataCategory: input.dataCategory,
    createdBy: caller.clientId,
    createdAt: now,
    updatedAt: now,
  });
  await em.flush();
  return target;
}

async function requireFreeCategory(em: EntityManager, rule: Rule, dataCategory: string) {
  if ((await em.count(RuleTargetSchema, { rule, dataCategory })) > 0)
    throw new ItemError(categoryTaken(dataCategory, rule.id));
}

/**
 * An erasure rule may not mask a category and one of its descendants, within one rule or across the policy's
 * erasure rules: Fides' check, which reports the first category (the new one, then the existing ones) that has an
 * ancestor among them.
 */
async function requireNoErasureConflict(
  em: EntityManager,
  policy: Policy,
  rule: Rule,
  dataCategory: string,
  replacing: string | null,
) {
  if (rule.actionType !== 'erasure') return;
  const existing = await em.find(
    RuleTargetSchema,
    { rule: { policy, actionType: 'erasure' }, ...(replacing ? { id: { $ne: replacing } } : {}) },
    { fields: ['dataCategory'], orderBy: { createdAt: 'asc', key: 'asc' } },
  );
  const categories = [dataCategory, ...existing.map((target) => target.dataCategory)];
  const present = new Set(categories);
  for (const category of categories) {
    for (let parent = parentCategory(category); parent !== null; parent = parentCategory(parent)) {
      if (present.has(parent)) throw new ItemError(erasureConflict(category, parent));
    }
  }
}

/** An arbitrary constant naming the lock below ("gh-polic" in ASCII). */
const WRITE_LOCK_ID = 0x67682d706f6c6963n.toString();

/**
 * Runs one item's write in a transaction that first takes a transaction-scoped advisory lock shared by every policy,
 * rule and target write. The checks above read before they write, and keys and names are unique across policies:
 * without the lock, two items racing for one key could both pass them, or one could see half of the other's work
 * (its key taken but not yet its name). Under the lock each item sees every earlier item whole, so its checks answer
 * what Fides answers; these writes are an administrator's, rare, and one item is a few milliseconds. Should a write
 * from elsewhere still trip a unique constraint, the item runs once more and its checks see why.
 */
export async function writeItem<T>(em: EntityManager, write: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional(async (tx) => {
        await tx
          .getConnection()
          .execute('select pg_advisory_xact_lock(?)', [WRITE_LOCK_ID], 'all', tx.getTransactionContext());
        return write(tx);
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      if (attempt === 2) throw new ItemError(concurrentChange);
    }
  }
}
