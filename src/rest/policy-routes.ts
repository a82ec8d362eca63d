import { Response as YogaResponse } from '@whatwg-node/fetch';
import type { Principal } from '../access/index.js';
import { ValidationError } from '../core/index.js';
import {
  DEFAULT_ERASURE_MASKING_STRATEGY,
  deletePolicy,
  deleteRule,
  deleteRuleTarget,
  getPolicy,
  getRule,
  getRuleTarget,
  listPolicies,
  listRuleTargets,
  listRules,
  MAX_BULK_ITEMS,
  policyNotFound,
  SUPPORTED_ACTION_TYPES,
  upsertPolicies,
  upsertRules,
  upsertRuleTargets,
  type BulkItem,
  type BulkResult,
  type PolicyView,
  type RuleTargetView,
  type RuleView,
} from '../policies/index.js';
import { json, readJson } from './http.js';
import { locatedIn } from './input.js';
import { ref, type Schema } from './openapi-schemas.js';
import { routeShapes, shapeDoc, type ShapeDoc } from './route-shapes.js';
import type { Route, RouteContext, RouteDoc } from './routes.js';

// Fides' DSR policy paths. Bodies are snake_case on the wire, camelCase in the domain; these routes translate.

const BULK_ANSWER = 'What succeeded and what failed, and why.';
const POLICIES = '/api/v1/dsr/policy';
const POLICY = `${POLICIES}/{policy_key}`;
const RULES = `${POLICY}/rule`;
const RULE = `${RULES}/{rule_key}`;
const TARGETS = `${RULE}/target`;
const TARGET = `${TARGETS}/{rule_target_key}`;

const policies = routeShapes('Policies', notFoundAt);

export const policyRoutes: Route[] = [
  policies.pagedList(POLICIES, 'List policies, newest first', {
    description: 'Each policy carries its `rules` only for a caller that also holds `rule:read`.',
    operation: 'readPolicy',
    answer: { description: 'A page of policies.', schema: ref('PolicyPage') },
    list: ({ auth }, caller, page) => listPolicies(auth, caller, page),
    item: policyBody,
  }),
  bulkUpsertRoute(POLICIES, 'Create or update policies by key', {
    description:
      `A JSON array of at most ${MAX_BULK_ITEMS} policies; each item succeeds or fails on its own. An item with a \`key\` ` +
      'updates that policy if there is one (every field is the item’s: one left out is cleared); an item without one ' +
      'always creates, its key the snake-cased name, so a name that snake-cases to an existing key fails rather than ' +
      'overwriting it. Keys, names and `drp_action` are unique. A new policy may carry `action_type` (one rule named ' +
      `\`{name} Rule\`, keyed \`{key}_rule\`, targeting Fides’ default user categories; \`${DEFAULT_ERASURE_MASKING_STRATEGY}\` ` +
      `masking for erasure) or \`rules\` (with their \`targets\`), not both; one of ${SUPPORTED_ACTION_TYPES.join(', ')}. ` +
      'An update ignores both.',
    operation: 'upsertPolicy',
    input: ref('PolicyInput'),
    answer: { description: BULK_ANSWER, schema: ref('PolicyBulkResult') },
    upsert: ({ auth }, caller, items) => upsertPolicies(auth, caller, items),
    item: policyBody,
  }),
  policies.call('GET', POLICY, 'Get a policy', {
    operation: 'readPolicy',
    answer: { description: 'The policy.', schema: ref('Policy') },
    call: ({ auth, params }, caller) => getPolicy(auth, caller, params.policy_key!),
    missing: (params) => policyNotFound(params.policy_key!),
    body: policyBody,
  }),
  deleteRoute(POLICY, 'Delete a policy with its rules', {
    operation: 'deletePolicy',
    remove: ({ auth, params }, caller) => deletePolicy(auth, caller, params.policy_key!),
  }),
  policies.pagedList(RULES, 'List a policy’s rules, newest first', {
    operation: 'readRule',
    answer: { description: 'A page of rules.', schema: ref('RulePage') },
    list: ({ auth, params }, caller, page) => listRules(auth, caller, { ...page, policyKey: params.policy_key! }),
    item: ruleBody,
  }),
  bulkUpsertRoute(RULES, 'Create or update a policy’s rules by key', {
    description:
      `A JSON array of at most ${MAX_BULK_ITEMS} rules. An item with a \`key\` updates that rule of this policy (a key of ` +
      'another policy’s rule fails: rule keys and names are unique across policies); without one it always creates. ' +
      '`erasure` needs a `masking_strategy`, `access` refuses one, `update` is not supported, and a policy has at most ' +
      'one `consent` rule. Given `targets` replace the rule’s targets, with the checks of the target routes. Answers ' +
      'show a masking strategy’s name only, never its configuration.',
    operation: 'upsertRule',
    input: ref('RuleInput'),
    answer: { description: BULK_ANSWER, schema: ref('RuleBulkResult') },
    upsert: ({ auth, params }, caller, items) => upsertRules(auth, caller, params.policy_key!, items),
    item: ruleBody,
  }),
  policies.call('GET', RULE, 'Get a rule', {
    operation: 'readRule',
    answer: { description: 'The rule.', schema: ref('Rule') },
    call: ({ auth, params }, caller) => getRule(auth, caller, params.policy_key!, params.rule_key!),
    body: ruleBody,
  }),
  deleteRoute(RULE, 'Delete a rule', {
    operation: 'deleteRule',
    remove: ({ auth, params }, caller) => deleteRule(auth, caller, params.policy_key!, params.rule_key!),
  }),
  policies.pagedList(TARGETS, 'List a rule’s targets, newest first', {
    operation: 'readRuleTarget',
    answer: { description: 'A page of targets.', schema: ref('RuleTargetPage') },
    list: ({ auth, params }, caller, page) =>
      listRuleTargets(auth, caller, { ...page, policyKey: params.policy_key!, ruleKey: params.rule_key! }),
    item: targetBody,
  }),
  bulkUpsertRoute(TARGETS, 'Create or update a rule’s targets by key', {
    description:
      `A JSON array of at most ${MAX_BULK_ITEMS} targets. A data category outside Fides’ default taxonomy refuses the ` +
      'whole batch (422 `Invalid data categories: [...]`); anything else fails its item alone. An item with a `key` ' +
      'updates that target of this rule (a key of another rule’s target fails); without one it creates a target named ' +
      '`{name}` or `{rule id}-{data_category}`, keyed by that name snake-cased. Target keys and names are unique, a ' +
      'rule names a category once, and an erasure rule may not target a category and its descendant across the ' +
      'policy’s erasure rules.',
    operation: 'upsertRuleTarget',
    input: ref('RuleTarget'),
    answer: { description: BULK_ANSWER, schema: ref('RuleTargetBulkResult') },
    invalid: {
      description:
        'Data categories outside the taxonomy (`{"detail": "Invalid data categories: [x]"}`), or a body that is not a ' +
        `list of at most ${MAX_BULK_ITEMS} items.`,
      schema: { oneOf: [ref('Error'), ref('ValidationError')] },
    },
    upsert: ({ auth, params }, caller, items) =>
      upsertRuleTargets(auth, caller, params.policy_key!, params.rule_key!, items),
    item: targetBody,
  }),
  policies.call('GET', TARGET, 'Get a rule’s target', {
    operation: 'readRuleTarget',
    answer: { description: 'The target.', schema: ref('RuleTarget') },
    call: ({ auth, params }, caller) =>
      getRuleTarget(auth, caller, params.policy_key!, params.rule_key!, params.rule_target_key!),
    body: targetBody,
  }),
  deleteRoute(TARGET, 'Delete a rule’s target', {
    operation: 'deleteRuleTarget',
    remove: ({ auth, params }, caller) =>
      deleteRuleTarget(auth, caller, params.policy_key!, params.rule_key!, params.rule_target_key!),
  }),
];

/**
 * The 404 of a path of the policy tree: whichever of the policy, the rule and the target it names may be missing.
 * None for the paths that name none.
 */
function notFoundAt(path: string): RouteDoc['responses'][number] | undefined {
  const named = (['policy', 'rule', 'rule_target'] as const).filter((name) => path.includes(`{${name}_key}`));
  if (named.length === 0) return undefined;
  const names = named.map((name) => (name === 'rule_target' ? 'target' : name));
  const last = names.pop()!;
  const which = names.length === 0 ? last : `${names.join(', ')} or ${last}`;
  return { description: `No such ${which}.`, schema: ref('Error') };
}

/**
 * `PATCH path`: a JSON array of items created or updated by key, each succeeding or failing on its own; each saved
 * item on the wire as `item` shapes it. `invalid` documents a 422 beyond the common one.
 */
function bulkUpsertRoute<T>(
  path: string,
  summary: string,
  options: Omit<ShapeDoc, 'notFound'> & {
    readonly input: Schema;
    readonly invalid?: RouteDoc['responses'][number];
    readonly upsert: (context: RouteContext, caller: Principal | null, items: BulkItem[]) => Promise<BulkResult<T>>;
    readonly item: (item: T) => unknown;
  },
): Route {
  const { input, invalid, upsert, item } = options;
  return {
    method: 'PATCH',
    path,
    doc: shapeDoc(
      'Policies',
      summary,
      { ...options, notFound: notFoundAt(path) },
      {
        body: {
          required: true,
          content: { 'application/json': { type: 'array', maxItems: MAX_BULK_ITEMS, items: input } },
        },
      },
      invalid ? { 422: invalid } : {},
    ),
    handle: async (context) => {
      const caller = await context.principal();
      const items = bulkItems(await readJson(context.request));
      const result = await locatedIn('body', upsert(context, caller, items));
      return json(200, { succeeded: result.succeeded.map(item), failed: result.failed });
    },
  };
}

/** `DELETE path`: 204 with no body once `remove` is done. */
function deleteRoute(
  path: string,
  summary: string,
  options: Omit<ShapeDoc, 'answer' | 'status' | 'notFound'> & {
    readonly remove: (context: RouteContext, caller: Principal | null) => Promise<unknown>;
  },
): Route {
  const { remove } = options;
  return {
    method: 'DELETE',
    path,
    doc: shapeDoc('Policies', summary, {
      ...options,
      answer: { description: 'Deleted.' },
      status: 204,
      notFound: notFoundAt(path),
    }),
    handle: async (context) => {
      await remove(context, await context.principal());
      return new YogaResponse(null, { status: 204 });
    },
  };
}

/** The wire's snake_case names, translated for the domain; what the client sent is kept to echo in `failed`. */
const CAMEL: Record<string, string> = {
  drp_action: 'drpAction',
  execution_timeframe: 'executionTimeframe',
  action_type: 'actionType',
  masking_strategy: 'maskingStrategy',
  data_category: 'dataCategory',
};

function bulkItems(body: unknown): BulkItem[] {
  if (!Array.isArray(body))
    throw new ValidationError([{ loc: ['body'], msg: 'Input should be a valid list', type: 'list_type' }]);
  return body.map((data: unknown) => ({ data, value: camel(data) }));
}

function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, inner]) => [
      CAMEL[name] ?? name,
      name === 'masking_strategy' ? inner : camel(inner),
    ]),
  );
}

/** What every level of the policy tree is on the wire: a Fides key and a name. */
function keyAndName(resource: { readonly key: string; readonly name: string }) {
  return { key: resource.key, name: resource.name };
}

function policyBody(policy: PolicyView) {
  return {
    ...keyAndName(policy),
    drp_action: policy.drpAction,
    execution_timeframe: policy.executionTimeframe,
    ...(policy.rules ? { rules: policy.rules.map(ruleBody) } : {}),
  };
}

function ruleBody(rule: RuleView) {
  return {
    ...keyAndName(rule),
    action_type: rule.actionType,
    masking_strategy: rule.maskingStrategy,
    targets: rule.targets.map(targetBody),
  };
}

function targetBody(target: RuleTargetView) {
  return { ...keyAndName(target), data_category: target.dataCategory };
}
