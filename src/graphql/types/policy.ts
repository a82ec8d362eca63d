import type { InputFieldBuilder, ObjectFieldBuilder, ObjectRef } from '@pothos/core';
import {
  DEFAULT_ERASURE_MASKING_STRATEGY,
  deletePolicy,
  deleteRule,
  deleteRuleTarget,
  DRP_ACTIONS,
  getPolicy,
  listPolicies,
  listRuleTargets,
  MAX_BULK_ITEMS,
  SUPPORTED_ACTION_TYPES,
  SUPPORTED_DRP_ACTIONS,
  upsertPolicies,
  upsertRules,
  upsertRuleTargets,
  type BulkResult,
  type PolicyView,
  type RuleTargetView,
  type RuleView,
} from '../../policies/index.js';
import { builder, type BuilderTypes } from '../builder.js';
import { needs, PAGING } from '../describe.js';
import { pagedListQuery, pageOf } from './page.js';

/** A policy's, rule's or target's key and name, exposed alike on the three. */
const keyAndName = (t: ObjectFieldBuilder<BuilderTypes, { readonly key: string; readonly name: string }>) => ({
  key: t.exposeString('key'),
  name: t.exposeString('name'),
});

/**
 * A policy or rule input's key and name, which the domain reads alike: a key given updates `updates`, none creates;
 * the name is required.
 */
const keyAndNameInput = (t: InputFieldBuilder<BuilderTypes, 'InputObject'>, updates: string) => ({
  key: t.string({ description: `A FidesKey. With it the item updates ${updates}; without it the item creates one.` }),
  name: t.string({ required: true }),
});

const RuleTarget = builder.objectRef<RuleTargetView>('RuleTarget').implement({
  description: 'A data category a rule applies to. Keys and names are unique across rules.',
  fields: (t) => ({
    ...keyAndName(t),
    dataCategory: t.exposeString('dataCategory', { description: 'A category of Fides’ default taxonomy.' }),
  }),
});

const Rule = builder.objectRef<RuleView>('Rule').implement({
  description: 'A rule of a DSR policy.',
  fields: (t) => ({
    ...keyAndName(t),
    actionType: t.exposeString('actionType', { description: `One of ${SUPPORTED_ACTION_TYPES.join(', ')}.` }),
    maskingStrategy: t.field({
      type: 'JSON',
      nullable: true,
      description:
        '`{strategy}`: the strategy’s name only, as Fides answers; its configuration may hold secrets and is never ' +
        'answered. Erasure rules have one, access rules none.',
      resolve: (rule) => rule.maskingStrategy,
    }),
    targets: t.field({ type: [RuleTarget], resolve: (rule) => [...rule.targets] }),
  }),
});

const Policy = builder.objectRef<PolicyView>('Policy').implement({
  description: 'A Fides DSR execution policy.',
  fields: (t) => ({
    ...keyAndName(t),
    drpAction: t.exposeString('drpAction', {
      nullable: true,
      description: `One of ${SUPPORTED_DRP_ACTIONS.join(', ')}; one policy per DRP action.`,
    }),
    executionTimeframe: t.exposeInt('executionTimeframe', { nullable: true, description: 'Days.' }),
    rules: t.field({
      type: [Rule],
      // Nullable, so that a caller without rule:read still gets the policy, with a FORBIDDEN error on this field.
      nullable: true,
      description: `${needs('readRule')} on top of what reading the policy needs.`,
      authScopes: { requires: 'readRule' },
      resolve: (policy) => [...(policy.rules ?? [])],
    }),
  }),
});

const PolicyPage = pageOf('PolicyPage', Policy, 'A page of policies, newest first.');
const RuleTargetPage = pageOf('RuleTargetPage', RuleTarget, 'A page of a rule’s targets, newest first.');

const BulkFailure = builder.objectRef<{ message: string; data: unknown }>('BulkFailure').implement({
  description: 'An item that was not saved, why, and the item as it was sent.',
  fields: (t) => ({
    message: t.exposeString('message'),
    data: t.field({ type: 'JSON', nullable: true, resolve: (failure) => failure.data }),
  }),
});

/** The answer to a bulk upsert of `item`s, named `name`: the three upserts answer alike. */
function bulkResultOf<T>(name: string, item: ObjectRef<BuilderTypes, T>) {
  return builder.objectRef<BulkResult<T>>(name).implement({
    fields: (t) => ({
      succeeded: t.field({ type: [item], resolve: (result) => [...result.succeeded] }),
      failed: t.field({ type: [BulkFailure], resolve: (result) => [...result.failed] }),
    }),
  });
}

const PolicyBulkResult = bulkResultOf('PolicyBulkResult', Policy);
const RuleBulkResult = bulkResultOf('RuleBulkResult', Rule);
const RuleTargetBulkResult = bulkResultOf('RuleTargetBulkResult', RuleTarget);

const RuleTargetInput = builder.inputType('RuleTargetInput', {
  fields: (t) => ({ key: t.string(), name: t.string(), dataCategory: t.string({ required: true }) }),
});

const RuleInput = builder.inputType('RuleInput', {
  fields: (t) => ({
    ...keyAndNameInput(t, 'that rule of the policy'),
    actionType: t.string({
      required: true,
      description: `One of ${SUPPORTED_ACTION_TYPES.join(', ')} (update is not supported).`,
    }),
    maskingStrategy: t.field({
      type: 'JSON',
      description: '{strategy, configuration}: required for erasure, refused for access.',
    }),
    targets: t.field({
      type: [RuleTargetInput],
      description: 'Replace the rule’s targets when given, with the checks of upsertRuleTargets.',
    }),
  }),
});

const PolicyInput = builder.inputType('PolicyInput', {
  fields: (t) => ({
    ...keyAndNameInput(t, 'that policy if there is one'),
    drpAction: t.string({
      description: `One of ${DRP_ACTIONS.join(', ')}; only ${SUPPORTED_DRP_ACTIONS.join(' and ')} are supported. One policy per action.`,
    }),
    executionTimeframe: t.int({ description: 'Days.' }),
    actionType: t.string({
      description:
        `On create: one rule of this type (${SUPPORTED_ACTION_TYPES.join(', ')}) targeting Fides’ default user ` +
        `categories (none for consent), \`${DEFAULT_ERASURE_MASKING_STRATEGY}\` masking for erasure. Not with rules.`,
    }),
    rules: t.field({
      type: [RuleInput],
      description: 'On create: these rules, with their targets. Not with actionType.',
    }),
  }),
});

/** GraphQL input is already camelCase: what was sent and what the domain reads are the same object. */
const items = (inputs: readonly unknown[]) => inputs.map((input) => ({ value: input, data: input }));

builder.queryFields((t) => ({
  policy: t.field({
    type: Policy,
    nullable: true,
    description: `One policy; null when there is none with that key. ${needs('readPolicy')}.`,
    authScopes: { requires: 'readPolicy' },
    args: { key: t.arg.string({ required: true }) },
    resolve: (_root, args, { auth, principal }) => getPolicy(auth, principal, args.key),
  }),
  ruleTargets: t.field({
    type: RuleTargetPage,
    nullable: true,
    description: `A rule’s targets, newest first; ${PAGING}. NOT_FOUND for an unknown policy or rule. ${needs('readRuleTarget')}.`,
    authScopes: { requires: 'readRuleTarget' },
    args: {
      policyKey: t.arg.string({ required: true }),
      ruleKey: t.arg.string({ required: true }),
      page: t.arg.int(),
      size: t.arg.int(),
    },
    resolve: (_root, args, { auth, principal }) => listRuleTargets(auth, principal, args),
  }),
}));

pagedListQuery('policies', { type: PolicyPage, what: 'Policies', requires: 'readPolicy', list: listPolicies });

builder.mutationFields((t) => ({
  upsertPolicies: t.field({
    type: PolicyBulkResult,
    description: `Creates or updates up to ${MAX_BULK_ITEMS} policies by key; each succeeds or fails on its own. ${needs('upsertPolicy')}.`,
    args: { policies: t.arg({ type: [PolicyInput], required: true }) },
    resolve: (_root, args, { auth, principal }) => upsertPolicies(auth, principal, items(args.policies)),
  }),
  deletePolicy: t.boolean({
    description: `Deletes a policy with its rules. NOT_FOUND for an unknown key. ${needs('deletePolicy')}.`,
    args: { key: t.arg.string({ required: true }) },
    resolve: (_root, args, { auth, principal }) => deletePolicy(auth, principal, args.key),
  }),
  upsertRules: t.field({
    type: RuleBulkResult,
    description: `Creates or updates up to ${MAX_BULK_ITEMS} rules of a policy by key. ${needs('upsertRule')}.`,
    args: { policyKey: t.arg.string({ required: true }), rules: t.arg({ type: [RuleInput], required: true }) },
    resolve: (_root, args, { auth, principal }) => upsertRules(auth, principal, args.policyKey, items(args.rules)),
  }),
  deleteRule: t.boolean({
    description: `Deletes a rule. NOT_FOUND for an unknown policy or rule. ${needs('deleteRule')}.`,
    args: { policyKey: t.arg.string({ required: true }), key: t.arg.string({ required: true }) },
    resolve: (_root, args, { auth, principal }) => deleteRule(auth, principal, args.policyKey, args.key),
  }),
  upsertRuleTargets: t.field({
    type: RuleTargetBulkResult,
    description:
      `Creates or updates up to ${MAX_BULK_ITEMS} targets of a rule by key; categories outside the taxonomy refuse the ` +
      `whole batch (BAD_USER_INPUT), anything else fails its item alone. ${needs('upsertRuleTarget')}.`,
    args: {
      policyKey: t.arg.string({ required: true }),
      ruleKey: t.arg.string({ required: true }),
      targets: t.arg({ type: [RuleTargetInput], required: true }),
    },
    resolve: (_root, args, { auth, principal }) =>
      upsertRuleTargets(auth, principal, args.policyKey, args.ruleKey, items(args.targets)),
  }),
  deleteRuleTarget: t.boolean({
    description: `Deletes a rule’s target. NOT_FOUND for an unknown policy, rule or target. ${needs('deleteRuleTarget')}.`,
    args: {
      policyKey: t.arg.string({ required: true }),
      ruleKey: t.arg.string({ required: true }),
      key: t.arg.string({ required: true }),
    },
    resolve: (_root, args, { auth, principal }) =>
      deleteRuleTarget(auth, principal, args.policyKey, args.ruleKey, args.key),
  }),
}));
