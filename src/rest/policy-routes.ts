import { Response as YogaResponse } from '@whatwg-node/fetch';
import { REQUIRED_SCOPES } from '../access/index.js';
import { ValidationError, type Page } from '../core/index.js';
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
import { locatedIn, pageQuery } from './input.js';
import { PAGE_QUERY, ref } from './openapi-schemas.js';
import type { Route } from './routes.js';

// Fides' DSR policy paths. Bodies are snake_case on the wire, camelCase in the domain; these routes translate.

const NOT_FOUND = { description: 'No such policy (or rule).', schema: ref('Error') };
const TARGET_NOT_FOUND = { description: 'No such policy, rule or target.', schema: ref('Error') };
const TARGETS = '/api/v1/dsr/policy/{policy_key}/rule/{rule_key}/target';

export const policyRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/dsr/policy',
    doc: {
      tag: 'Policies',
      summary: 'List policies, newest first',
      description: 'Each policy carries its `rules` only for a caller that also holds `rule:read`.',
      auth: { bearer: REQUIRED_SCOPES.readPolicy },
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of policies.', schema: ref('PolicyPage') } },
    },
    handle: async ({ url, auth, principal }) => {
      const caller = await principal();
      return json(200, pageBody(await locatedIn('query', listPolicies(auth, caller, pageQuery(url))), policyBody));
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/dsr/policy',
    doc: {
      tag: 'Policies',
      summary: 'Create or update policies by key',
      description:
        `A JSON array of at most ${MAX_BULK_ITEMS} policies; each item succeeds or fails on its own. An item with a \`key\` ` +
        'updates that policy if there is one (every field is the item’s: one left out is cleared); an item without one ' +
        'always creates, its key the snake-cased name, so a name that snake-cases to an existing key fails rather than ' +
        'overwriting it. Keys, names and `drp_action` are unique. A new policy may carry `action_type` (one rule named ' +
        `\`{name} Rule\`, keyed \`{key}_rule\`, targeting Fides’ default user categories; \`${DEFAULT_ERASURE_MASKING_STRATEGY}\` ` +
        `masking for erasure) or \`rules\` (with their \`targets\`), not both; one of ${SUPPORTED_ACTION_TYPES.join(', ')}. ` +
        'An update ignores both.',
      auth: { bearer: REQUIRED_SCOPES.upsertPolicy },
      body: {
        required: true,
        content: { 'application/json': { type: 'array', maxItems: MAX_BULK_ITEMS, items: ref('PolicyInput') } },
      },
      responses: { 200: { description: 'What succeeded and what failed, and why.', schema: ref('PolicyBulkResult') } },
    },
    handle: async ({ request, auth, principal }) => {
      const caller = await principal();
      const items = bulkItems(await readJson(request));
      return json(200, bulkBody(await locatedIn('body', upsertPolicies(auth, caller, items)), policyBody));
    },
  },
  {
    method: 'GET',
    path: '/api/v1/dsr/policy/{policy_key}',
    doc: {
      tag: 'Policies',
      summary: 'Get a policy',
      auth: { bearer: REQUIRED_SCOPES.readPolicy },
      responses: { 200: { description: 'The policy.', schema: ref('Policy') }, 404: NOT_FOUND },
    },
    handle: async ({ params, auth, principal }) => {
      const policy = await getPolicy(auth, await principal(), params.policy_key!);
      if (!policy) throw policyNotFound(params.policy_key!);
      return json(200, policyBody(policy));
    },
  },
  {
    method: 'DELETE',
    path: '/api/v1/dsr/policy/{policy_key}',
    doc: {
      tag: 'Policies',
      summary: 'Delete a policy with its rules',
      auth: { bearer: REQUIRED_SCOPES.deletePolicy },
      responses: { 204: { description: 'Deleted.' }, 404: NOT_FOUND },
    },
    handle: async ({ params, auth, principal }) => {
      await deletePolicy(auth, await principal(), params.policy_key!);
      return new YogaResponse(null, { status: 204 });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/dsr/policy/{policy_key}/rule',
    doc: {
      tag: 'Policies',
      summary: 'List a policy’s rules, newest first',
      auth: { bearer: REQUIRED_SCOPES.readRule },
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of rules.', schema: ref('RulePage') }, 404: NOT_FOUND },
    },
    handle: async ({ url, params, auth, principal }) => {
      const caller = await principal();
      return json(
        200,
        pageBody(await locatedIn('query', listRules(auth, caller, params.policy_key!, pageQuery(url))), ruleBody),
      );
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/dsr/policy/{policy_key}/rule',
    doc: {
      tag: 'Policies',
      summary: 'Create or update a policy’s rules by key',
      description:
        `A JSON array of at most ${MAX_BULK_ITEMS} rules. An item with a \`key\` updates that rule of this policy (a key of ` +
        'another policy’s rule fails: rule keys and names are unique across policies); without one it always creates. ' +
        '`erasure` needs a `masking_strategy`, `access` refuses one, `update` is not supported, and a policy has at most ' +
        'one `consent` rule. Given `targets` replace the rule’s targets, with the checks of the target routes. Answers ' +
        'show a masking strategy’s name only, never its configuration.',
      auth: { bearer: REQUIRED_SCOPES.upsertRule },
      body: {
        required: true,
        content: { 'application/json': { type: 'array', maxItems: MAX_BULK_ITEMS, items: ref('RuleInput') } },
      },
      responses: {
        200: { description: 'What succeeded and what failed, and why.', schema: ref('RuleBulkResult') },
        404: NOT_FOUND,
      },
    },
    handle: async ({ request, params, auth, principal }) => {
      const caller = await principal();
      const items = bulkItems(await readJson(request));
      return json(
        200,
        bulkBody(await locatedIn('body', upsertRules(auth, caller, params.policy_key!, items)), ruleBody),
      );
    },
  },
  {
    method: 'GET',
    path: '/api/v1/dsr/policy/{policy_key}/rule/{rule_key}',
    doc: {
      tag: 'Policies',
      summary: 'Get a rule',
      auth: { bearer: REQUIRED_SCOPES.readRule },
      responses: { 200: { description: 'The rule.', schema: ref('Rule') }, 404: NOT_FOUND },
    },
    handle: async ({ params, auth, principal }) =>
      json(200, ruleBody(await getRule(auth, await principal(), params.policy_key!, params.rule_key!))),
  },
  {
    method: 'DELETE',
    path: '/api/v1/dsr/policy/{policy_key}/rule/{rule_key}',
    doc: {
      tag: 'Policies',
      summary: 'Delete a rule',
      auth: { bearer: REQUIRED_SCOPES.deleteRule },
      responses: { 204: { description: 'Deleted.' }, 404: NOT_FOUND },
    },
    handle: async ({ params, auth, principal }) => {
      await deleteRule(auth, await principal(), params.policy_key!, params.rule_key!);
      return new YogaResponse(null, { status: 204 });
    },
  },
  {
    method: 'GET',
    path: TARGETS,
    doc: {
      tag: 'Policies',
      summary: 'List a rule’s targets, newest first',
      auth: { bearer: REQUIRED_SCOPES.readRuleTarget },
      query: PAGE_QUERY,
      responses: { 200: { description: 'A page of targets.', schema: ref('RuleTargetPage') }, 404: NOT_FOUND },
    },
    handle: async ({ url, params, auth, principal }) => {
      const caller = await principal();
      const page = listRuleTargets(auth, caller, params.policy_key!, params.rule_key!, pageQuery(url));
      return json(200, pageBody(await locatedIn('query', page), targetBody));
    },
  },
  {
    method: 'PATCH',
    path: TARGETS,
    doc: {
      tag: 'Policies',
      summary: 'Create or update a rule’s targets by key',
      description:
        `A JSON array of at most ${MAX_BULK_ITEMS} targets. A data category outside Fides’ default taxonomy refuses the ` +
        'whole batch (422 `Invalid data categories: [...]`); anything else fails its item alone. An item with a `key` ' +
        'updates that target of this rule (a key of another rule’s target fails); without one it creates a target named ' +
        '`{name}` or `{rule id}-{data_category}`, keyed by that name snake-cased. Target keys and names are unique, a ' +
        'rule names a category once, and an erasure rule may not target a category and its descendant across the ' +
        'policy’s erasure rules.',
      auth: { bearer: REQUIRED_SCOPES.upsertRuleTarget },
      body: {
        required: true,
        content: { 'application/json': { type: 'array', maxItems: MAX_BULK_ITEMS, items: ref('RuleTarget') } },
      },
      responses: {
        200: { description: 'What succeeded and what failed, and why.', schema: ref('RuleTargetBulkResult') },
        404: NOT_FOUND,
        422: {
          description:
            'Data categories outside the taxonomy (`{"detail": "Invalid data categories: [x]"}`), or a body that is not a ' +
            `list of at most ${MAX_BULK_ITEMS} items.`,
          schema: { oneOf: [ref('Error'), ref('ValidationError')] },
        },
      },
    },
    handle: async ({ request, params, auth, principal }) => {
      const caller = await principal();
      const items = bulkItems(await readJson(request));
      const result = upsertRuleTargets(auth, caller, params.policy_key!, params.rule_key!, items);
      return json(200, bulkBody(await locatedIn('body', result), targetBody));
    },
  },
  {
    method: 'GET',
    path: `${TARGETS}/{rule_target_key}`,
    doc: {
      tag: 'Policies',
      summary: 'Get a rule’s target',
      auth: { bearer: REQUIRED_SCOPES.readRuleTarget },
      responses: { 200: { description: 'The target.', schema: ref('RuleTarget') }, 404: TARGET_NOT_FOUND },
    },
    handle: async ({ params, auth, principal }) => {
      const caller = await principal();
      const target = await getRuleTarget(auth, caller, params.policy_key!, params.rule_key!, params.rule_target_key!);
      return json(200, targetBody(target));
    },
  },
  {
    method: 'DELETE',
    path: `${TARGETS}/{rule_target_key}`,
    doc: {
      tag: 'Policies',
      summary: 'Delete a rule’s target',
      auth: { bearer: REQUIRED_SCOPES.deleteRuleTarget },
      responses: { 204: { description: 'Deleted.' }, 404: TARGET_NOT_FOUND },
    },
    handle: async ({ params, auth, principal }) => {
      await deleteRuleTarget(auth, await principal(), params.policy_key!, params.rule_key!, params.rule_target_key!);
      return new YogaResponse(null, { status: 204 });
    },
  },
];

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

function policyBody(policy: PolicyView) {
  return {
    key: policy.key,
    name: policy.name,
    drp_action: policy.drpAction,
    execution_timeframe: policy.executionTimeframe,
    ...(policy.rules ? { rules: policy.rules.map(ruleBody) } : {}),
  };
}

function ruleBody(rule: RuleView) {
  return {
    key: rule.key,
    name: rule.name,
    action_type: rule.actionType,
    masking_strategy: rule.maskingStrategy,
    targets: rule.targets.map(targetBody),
  };
}

function targetBody(target: RuleTargetView) {
  return { key: target.key, name: target.name, data_category: target.dataCategory };
}

function pageBody<T, U>(page: Page<T>, shape: (item: T) => U) {
  return { ...page, items: page.items.map(shape) };
}

function bulkBody<T, U>(result: BulkResult<T>, shape: (item: T) => U) {
  return { succeeded: result.succeeded.map(shape), failed: result.failed };
}
