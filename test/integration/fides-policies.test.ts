import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPE_REGISTRY } from '../../src/access/index.js';
import { DEFAULT_USER_DATA_CATEGORIES } from '../../src/policies/index.js';
import { callJson, createClientWith, tokenFor } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

// Fides' own endpoint tests, tests/ops/api/v1/endpoints/test_policy_endpoints.py (ethyca/fides at 96aa40c),
// re-expressed test by test: one describe per Fides class, one `it` per Fides test, named after it. Each asserts
// the exact status and body where Fides asserts a part of them.
//
// How Fides' fixtures translate:
// - Fides' tests run on a database with no seeded policies (they count `total == 1`); Gatehouse seeds Fides' three
//   defaults, which also hold the `access` and `deletion` DRP actions. Each test here therefore starts from an empty
//   policy table, as each Fides test does, and builds its fixtures through the API.
// - `generate_auth_header(scopes)` is a token of an all-scope client narrowed to `scopes`: here the same, a client
//   holding the whole registry and a token asked for with `scope=`. `root_auth_header` is the root client's token.
// - Fides shows a policy's `rules` to a `policy:read` token; Gatehouse shows them only to a caller that also holds
//   `rule:read` (SPEC §7): where a Fides test reads rules from a policy answer, our token holds both, and a comment
//   says so.
// - Fides answers a malformed item (a bad key, an unknown `drp_action`, `action_type` with `rules`) with a 422 for
//   the whole request; here it is a `failed` entry and the other items are saved (SPEC §8: one bad item never sinks
//   the others). More than 50 items, or a body that is not a list, is still a 422.
// - Storage destinations do not exist in Gatehouse: `storage_destination_key` is ignored like any unknown field,
//   and no answer carries `storage_destination`.
//
// Not re-expressed, as they test what only Fides has:
// - TestDeletePolicy.test_delete_policy_in_use: a privacy request referencing the policy (409); Gatehouse keeps no
//   privacy requests.
// - TestCreateRules.test_create_rules_invalid_storage_destination: a `storage_destination_key` naming no storage
//   config; Gatehouse has no storage configs.
// - TestRuleTargets.test_create_rule_target_with_custom_category: a category added to the taxonomy at run time;
//   Gatehouse's taxonomy is Fides' default one, shipped with the code (src/policies/data-categories.ts).
const t = useTestApp();

const POLICY_KEY = 'example_access_request_policy';
const POLICY_NAME = 'example access request policy';
const DRP_POLICY_KEY = 'example_access_request_policy_drp';
const POLICIES = '/api/v1/dsr/policy';
const rulesOf = (policyKey: string) => `${POLICIES}/${policyKey}/rule`;
const targetsOf = (policyKey: string, ruleKey: string) => `${rulesOf(policyKey)}/${ruleKey}/target`;

const UNAUTHENTICATED = { detail: 'Authentication required: send a bearer access token in the Authorization header.' };
const forbidden = (...scopes: string[]) => ({
  detail: `Not Authorized for this action. Required scope(s): [${scopes.join(', ')}]`,
});
const tooMany = (count: number) => ({
  detail: [
    { loc: ['body'], msg: `List should have at most 50 items after validation, not ${count}`, type: 'too_long' },
  ],
});

/** Fides' `oauth_client`: a client holding every scope of the registry. */
let oauthClient: { client_id: string; client_secret: string };
const tokens = new Map<string, string>();

/** Fides' `generate_auth_header(scopes=[...])`: the all-scope client's token, narrowed to `scopes`. */
async function authHeader(...scopes: string[]): Promise<string> {
  const scope = scopes.join(' ');
  if (!tokens.has(scope))
    tokens.set(scope, await tokenFor(t.app, oauthClient.client_id, oauthClient.client_secret, scope));
  return tokens.get(scope)!;
}

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  callJson(t.app, method, path, token, body);

async function answer(response: Response) {
  const text = await response.text();
  return { status: response.status, body: text === '' ? '' : (JSON.parse(text) as unknown) };
}

const sql = (query: string, params: unknown[] = []) =>
  t.app.db.orm.em.fork().getConnection().execute(query, params) as Promise<Record<string, unknown>[]>;

async function idOf(table: 'policy' | 'rule' | 'rule_target', key: string): Promise<string> {
  const [row] = await sql(`select id from ${table} where key = ?`, [key]);
  return row!.id as string;
}

/** A target as Fides names one made without name or key: `{rule id}-{category}`, keyed by that name snake-cased. */
const defaultTarget = (ruleId: string, category: string) => ({
  key: `${ruleId}-${category}`.replace(/\./g, '').replace(/-/g, '_'),
  name: `${ruleId}-${category}`,
  data_category: category,
});

async function ok(response: Response): Promise<{ succeeded: Record<string, unknown>[] }> {
  const body = (await response.json()) as { succeeded: Record<string, unknown>[]; failed: unknown[] };
  expect(response.status).toBe(200);
  expect(body.failed).toEqual([]);
  return body;
}

/**
 * Fides' `policy` fixture: `example access request policy` (execution_timeframe 7, no DRP action) with one access
 * rule, `Access Request Rule`, targeting `user` (its storage destination left out).
 */
async function policyFixture() {
  return accessPolicy(POLICY_KEY, POLICY_NAME, 'Access Request Rule', { execution_timeframe: 7 });
}

/** Fides' `policy_drp_action` fixture: the same with DRP action `access`. */
async function policyDrpActionFixture() {
  return accessPolicy(DRP_POLICY_KEY, `${POLICY_NAME} drp`, 'Access Request Rule DRP', { drp_action: 'access' });
}

async function accessPolicy(key: string, name: string, ruleName: string, fields: Record<string, unknown>) {
  await ok(await call('PATCH', POLICIES, t.root, [{ key, name, ...fields }]));
  const [rule] = (await ok(await call('PATCH', rulesOf(key), t.root, [{ name: ruleName, action_type: 'access' }])))
    .succeeded as { key: string }[];
  await ok(await call('PATCH', targetsOf(key, rule!.key), t.root, [{ data_category: 'user' }]));
  const ruleId = await idOf('rule', rule!.key);
  return { key, name, ruleKey: rule!.key, ruleId, target: defaultTarget(ruleId, 'user') };
}

/** The fixture's rule as a caller holding `rule:read` reads it. */
const accessRuleBody = (fixture: Awaited<ReturnType<typeof accessPolicy>>, name: string) => ({
  key: fixture.ruleKey,
  name,
  action_type: 'access',
  masking_strategy: null,
  targets: [fixture.target],
});

beforeAll(async () => {
  oauthClient = await createClientWith(t.app, [...SCOPE_REGISTRY], t.root);
});

// Every Fides test starts from an empty database: so do these (the seeded defaults are tested in policies.test.ts).
beforeEach(async () => {
  await sql('delete from policy');
});

describe('TestGetPolicies', () => {
  it('test_get_policies_unauthenticated', async () => {
    expect(await answer(await call('GET', POLICIES, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_get_policies_wrong_scope', async () => {
    expect(await answer(await call('GET', POLICIES, await authHeader('storage:read')))).toEqual({
      status: 403,
      body: forbidden('policy:read'),
    });
  });

  // With rule:read beside policy:read: Gatehouse shows rules only to a caller that may read them.
  it('test_get_policies_with_rules', async () => {
    const policy = await policyFixture();
    expect(await answer(await call('GET', POLICIES, await authHeader('policy:read', 'rule:read')))).toEqual({
      status: 200,
      body: {
        items: [
          {
            key: POLICY_KEY,
            name: POLICY_NAME,
            drp_action: null,
            execution_timeframe: 7,
            rules: [accessRuleBody(policy, 'Access Request Rule')],
          },
        ],
        total: 1,
        page: 1,
        size: 50,
        pages: 1,
      },
    });
    // policy:read alone: the same policy, without its rules.
    const withoutRules = await call('GET', POLICIES, await authHeader('policy:read'));
    expect(((await withoutRules.json()) as { items: unknown[] }).items).toEqual([
      { key: POLICY_KEY, name: POLICY_NAME, drp_action: null, execution_timeframe: 7 },
    ]);
  });

  // Created directly, as Fides' test creates them with Policy.create, one second apart.
  it('test_pagination_ordering', async () => {
    const keys = Array.from({ length: 50 }, () => crypto.randomUUID().replace(/-/g, ''));
    for (const [index, key] of keys.entries()) {
      await sql(
        'insert into policy (id, key, name, created_at, updated_at) values (gen_random_uuid(), ?, ?, now() + make_interval(secs => ?), now())',
        [key, key, index],
      );
    }
    const response = await call('GET', POLICIES, await authHeader('policy:read'));
    const body = (await response.json()) as { items: { key: string }[]; total: number };
    expect(response.status).toBe(200);
    expect(body.total).toBe(50);
    expect(body.items.map((item) => item.key)).toEqual([...keys].reverse());
  });
});

describe('TestGetPolicyDetail', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = `${POLICIES}/${POLICY_KEY}`;

  it('test_get_policy_unauthenticated', async () => {
    expect(await answer(await call('GET', url, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_get_policy_wrong_scope', async () => {
    expect(await answer(await call('GET', url, await authHeader('storage:read')))).toEqual({
      status: 403,
      body: forbidden('policy:read'),
    });
  });

  it('test_get_invalid_policy', async () => {
    expect(await answer(await call('GET', `${POLICIES}/bad`, await authHeader('policy:read')))).toEqual({
      status: 404,
      body: { detail: 'No Policy found for key bad.' },
    });
  });

  // With rule:read beside policy:read, to see the rules.
  it('test_get_policy_returns_drp_action', async () => {
    const drp = await policyDrpActionFixture();
    const response = await call('GET', `${POLICIES}/${DRP_POLICY_KEY}`, await authHeader('policy:read', 'rule:read'));
    expect(await answer(response)).toEqual({
      status: 200,
      body: {
        key: DRP_POLICY_KEY,
        name: `${POLICY_NAME} drp`,
        drp_action: 'access',
        execution_timeframe: null,
        rules: [accessRuleBody(drp, 'Access Request Rule DRP')],
      },
    });
    expect(drp.ruleKey).toBe('access_request_rule_drp');
  });

  it('test_get_policy_returns_rules', async () => {
    expect(await answer(await call('GET', url, await authHeader('policy:read', 'rule:read')))).toEqual({
      status: 200,
      body: {
        key: POLICY_KEY,
        name: POLICY_NAME,
        drp_action: null,
        execution_timeframe: 7,
        rules: [accessRuleBody(policy, 'Access Request Rule')],
      },
    });
    expect(policy.ruleKey).toBe('access_request_rule');
  });

  it('test_get_policies_returns_rules', async () => {
    const response = await call('GET', POLICIES, await authHeader('policy:read', 'rule:read'));
    const body = (await response.json()) as { items: { key: string; rules: unknown[] }[]; total: number };
    expect(body.total).toBe(1);
    expect(body.items[0]!.key).toBe(POLICY_KEY);
    expect(body.items[0]!.rules).toEqual([accessRuleBody(policy, 'Access Request Rule')]);
  });
});

describe('TestDeletePolicy', () => {
  beforeEach(async () => {
    await policyFixture();
  });
  const url = `${POLICIES}/${POLICY_KEY}`;

  it('test_delete_policy_unauthenticated', async () => {
    expect(await answer(await call('DELETE', url, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_delete_policy_wrong_scope', async () => {
    expect(await answer(await call('DELETE', url, await authHeader('policy:read')))).toEqual({
      status: 403,
      body: forbidden('policy:delete'),
    });
  });

  it('test_delete_policy_not_found', async () => {
    const response = await call('DELETE', `${POLICIES}/nonexistent_policy`, await authHeader('policy:delete'));
    expect(await answer(response)).toEqual({
      status: 404,
      body: { detail: 'No Policy found for key nonexistent_policy.' },
    });
  });

  it('test_delete_policy_success', async () => {
    const fixture = await accessPolicy('delete_test_policy', 'delete test policy', 'Delete Test Rule', {});
    const ids = {
      policy: await idOf('policy', 'delete_test_policy'),
      rule: fixture.ruleId,
      target: await idOf('rule_target', fixture.target.key),
    };
    const response = await call('DELETE', `${POLICIES}/delete_test_policy`, await authHeader('policy:delete'));
    expect(await answer(response)).toEqual({ status: 204, body: '' });
    expect(await sql('select id from policy where id = ?', [ids.policy])).toEqual([]);
    expect(await sql('select id from rule where id = ?', [ids.rule])).toEqual([]);
    expect(await sql('select id from rule_target where id = ?', [ids.target])).toEqual([]);
  });
});

describe('TestGetRules', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = rulesOf(POLICY_KEY);

  it('test_get_rules_unauthenticated', async () => {
    expect(await answer(await call('GET', url, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_get_rules_wrong_scope', async () => {
    expect(await answer(await call('GET', url, await authHeader('policy:read')))).toEqual({
      status: 403,
      body: forbidden('rule:read'),
    });
  });

  it('test_get_rules', async () => {
    expect(await sql('select count(*)::int as n from policy')).toEqual([{ n: 1 }]);
    expect(await sql('select count(*)::int as n from rule')).toEqual([{ n: 1 }]);
    expect(await answer(await call('GET', url, await authHeader('rule:read')))).toEqual({
      status: 200,
      body: {
        items: [accessRuleBody(policy, 'Access Request Rule')],
        total: 1,
        page: 1,
        size: 50,
        pages: 1,
      },
    });
  });

  // Created directly, as Fides' test creates them with Rule.create, one second apart after the fixture's rule.
  it('test_pagination_ordering_rules', async () => {
    const policyId = await idOf('policy', POLICY_KEY);
    const keys = Array.from({ length: 50 }, () => crypto.randomUUID().replace(/-/g, ''));
    for (const [index, key] of keys.entries()) {
      await sql(
        "insert into rule (id, policy_id, key, name, action_type, created_at, updated_at) values (gen_random_uuid(), ?, ?, ?, 'access', now() + make_interval(secs => ?), now())",
        [policyId, key, key, index + 1],
      );
    }
    const response = await call('GET', url, await authHeader('rule:read'));
    const body = (await response.json()) as { items: { key: string }[]; total: number };
    expect(response.status).toBe(200);
    expect(body.total).toBe(51);
    expect(body.items.map((item) => item.key)).toEqual([...keys].reverse());
  });
});

describe('TestGetRuleDetail', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = `${rulesOf(POLICY_KEY)}/access_request_rule`;

  it('test_get_rule_detail_unauthenticated', async () => {
    expect(await answer(await call('GET', url, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_get_rule_detail_wrong_scope', async () => {
    expect(await answer(await call('GET', url, await authHeader('policy:read')))).toEqual({
      status: 403,
      body: forbidden('rule:read'),
    });
  });

  it('test_get_invalid_rule', async () => {
    expect(await answer(await call('GET', `${rulesOf(POLICY_KEY)}/bad`, await authHeader('rule:read')))).toEqual({
      status: 404,
      body: { detail: `No Rule found for key bad attached to policy ${POLICY_KEY}` },
    });
  });

  it('test_get_rule_returns_rule_target', async () => {
    expect(await answer(await call('GET', url, await authHeader('rule:read')))).toEqual({
      status: 200,
      body: accessRuleBody(policy, 'Access Request Rule'),
    });
  });
});

describe('TestGetRuleTargets', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = targetsOf(POLICY_KEY, 'access_request_rule');

  it('test_get_rule_targets_unauthenticated', async () => {
    expect(await answer(await call('GET', url, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_get_rule_targets_wrong_scope', async () => {
    expect(await answer(await call('GET', url, await authHeader('policy:read')))).toEqual({
      status: 403,
      body: forbidden('rule:read'),
    });
  });

  it('test_get_rule_targets', async () => {
    // Two policies, so more than one rule and target in the database; the answer holds this rule's only.
    await policyDrpActionFixture();
    expect(await sql('select count(*)::int as n from rule_target')).toEqual([{ n: 2 }]);
    expect(await answer(await call('GET', url, await authHeader('rule:read')))).toEqual({
      status: 200,
      body: { items: [policy.target], total: 1, page: 1, size: 50, pages: 1 },
    });
  });
});

describe('TestGetRuleTargetDetail', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = () => `${targetsOf(POLICY_KEY, 'access_request_rule')}/${policy.target.key}`;

  it('test_get_rule_target_detail_unauthenticated', async () => {
    expect(await answer(await call('GET', url(), null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_get_rule_target_detail_wrong_scope', async () => {
    expect(await answer(await call('GET', url(), await authHeader('policy:read')))).toEqual({
      status: 403,
      body: forbidden('rule:read'),
    });
  });

  it('test_get_invalid_rule_target', async () => {
    const response = await call(
      'GET',
      `${targetsOf(POLICY_KEY, 'access_request_rule')}/bad`,
      await authHeader('rule:read'),
    );
    expect(await answer(response)).toEqual({
      status: 404,
      body: { detail: 'No Rule Target found for key bad attached to rule access_request_rule.' },
    });
  });

  it('test_get_rule_target', async () => {
    expect(await answer(await call('GET', url(), await authHeader('rule:read')))).toEqual({
      status: 200,
      body: policy.target,
    });
  });
});

describe('TestCreatePolicies', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  // `data_category` and `storage_destination_key` are unknown fields, ignored (Fides ignores them too).
  const payload = [
    { name: 'policy 1', action_type: 'erasure', data_category: 'user', storage_destination_key: 'my_test_config' },
    {
      name: 'policy 2',
      action_type: 'access',
      data_category: 'user',
      execution_timeframe: 5,
      storage_destination_key: 'my_test_config',
    },
  ];
  const writer = () => authHeader('policy:create_or_update');
  const plain = (key: string, name: string, fields: Record<string, unknown> = {}) => ({
    key,
    name,
    drp_action: null,
    execution_timeframe: null,
    ...fields,
  });

  it('test_create_policies_unauthenticated', async () => {
    expect(await answer(await call('PATCH', POLICIES, null, payload))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_create_policies_wrong_scope', async () => {
    expect(await answer(await call('PATCH', POLICIES, await authHeader('policy:read'), payload))).toEqual({
      status: 403,
      body: forbidden('policy:create_or_update'),
    });
  });

  it('test_create_polices_limit_exceeded', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ name: `policy ${i}`, action_type: 'erasure' }));
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 422,
      body: tooMany(51),
    });
    expect(await sql('select count(*)::int as n from policy')).toEqual([{ n: 1 }]);
  });

  // policy:create_or_update alone: the answer shows no rules (the action_type rules are made all the same).
  it('test_create_multiple_policies', async () => {
    expect(await answer(await call('PATCH', POLICIES, await writer(), payload))).toEqual({
      status: 200,
      body: {
        succeeded: [plain('policy_1', 'policy 1'), plain('policy_2', 'policy 2', { execution_timeframe: 5 })],
        failed: [],
      },
    });
  });

  it('test_create_policy_with_duplicate_key', async () => {
    const items = [
      { name: policy.name, action_type: 'erasure', data_category: 'user' },
      { name: policy.name, action_type: 'erasure', data_category: 'user' },
    ];
    const message =
      `Key ${POLICY_KEY} already exists in Policy. Keys will be snake-cased names if not provided. If you are seeing ` +
      'this error without providing a key, please provide a key or a different name.';
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [], failed: items.map((data) => ({ message, data })) },
    });
    // Not overwritten, and no rule added to it.
    expect(await sql('select name, execution_timeframe from policy where key = ?', [POLICY_KEY])).toEqual([
      { name: POLICY_NAME, execution_timeframe: 7 },
    ]);
    expect(await sql('select key from rule')).toEqual([{ key: 'access_request_rule' }]);
  });

  // Fides answers this with the database's unique-violation text; the message is ours.
  it('test_create_policy_with_duplicate_drp_action', async () => {
    await policyDrpActionFixture();
    const items = [{ name: 'policy with pre-existing drp action', action_type: 'access', drp_action: 'access' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [],
        failed: [
          {
            message: 'drp_action access is already set on another policy: a DRP action belongs to one policy at most.',
            data: items[0],
          },
        ],
      },
    });
    expect(await sql("select key from policy where drp_action = 'access'")).toEqual([{ key: DRP_POLICY_KEY }]);
  });

  it('test_update_policy_with_duplicate_drp_action', async () => {
    await policyDrpActionFixture();
    const created = [
      { key: 'erasure_drp_policy', name: 'erasure drp policy', action_type: 'erasure', drp_action: 'deletion' },
    ];
    expect(await answer(await call('PATCH', POLICIES, await writer(), created))).toEqual({
      status: 200,
      body: {
        succeeded: [plain('erasure_drp_policy', 'erasure drp policy', { drp_action: 'deletion' })],
        failed: [],
      },
    });
    const update = [
      {
        key: 'erasure_drp_policy',
        name: 'policy with pre-existing drp action',
        action_type: 'access',
        drp_action: 'access',
      },
    ];
    expect(await answer(await call('PATCH', POLICIES, await writer(), update))).toEqual({
      status: 200,
      body: {
        succeeded: [],
        failed: [
          {
            message: 'drp_action access is already set on another policy: a DRP action belongs to one policy at most.',
            data: update[0],
          },
        ],
      },
    });
    expect(await sql("select name, drp_action from policy where key = 'erasure_drp_policy'")).toEqual([
      { name: 'erasure drp policy', drp_action: 'deletion' },
    ]);
  });

  // The Fides test needs no other policy holding `access`: Gatehouse's seeded default does, deleted above.
  it('test_update_policy_with_drp_action', async () => {
    const items = [{ key: POLICY_KEY, name: 'updated name', action_type: 'access', drp_action: 'access' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [plain(POLICY_KEY, 'updated name', { drp_action: 'access' })], failed: [] },
    });
    // action_type on an update makes no rule.
    expect(await sql('select key from rule')).toEqual([{ key: 'access_request_rule' }]);
  });

  // Fides: 422 for the whole request. Here the item fails alone, with the same enum message.
  it('test_create_policy_invalid_drp_action', async () => {
    const items = [
      { name: 'policy 1', action_type: 'erasure', drp_action: 'invalid', data_category: 'user' },
      { name: 'policy 2' },
    ];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [plain('policy_2', 'policy 2')],
        failed: [
          {
            message:
              "drp_action: Input should be 'access', 'deletion', 'sale:opt_out', 'sale:opt_in', 'access:categories' or 'access:specific'",
            data: items[0],
          },
        ],
      },
    });
  });

  it('test_create_policy_with_drp_action', async () => {
    const items = [{ name: 'policy 1', action_type: 'erasure', drp_action: 'deletion', data_category: 'user' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [plain('policy_1', 'policy 1', { drp_action: 'deletion' })], failed: [] },
    });
  });

  it('test_create_policy_creates_key', async () => {
    const items = [{ name: 'test create policy api', action_type: 'erasure', data_category: 'user' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [plain('test_create_policy_api', 'test create policy api')], failed: [] },
    });
  });

  // The root token holds rule:read, so its answer shows the erasure rule that action_type made.
  it('test_create_policy_as_root', async () => {
    const items = [{ name: 'test create policy api', action_type: 'erasure', data_category: 'user' }];
    const response = await call('PATCH', POLICIES, t.root, items);
    const ruleId = await idOf('rule', 'test_create_policy_api_rule');
    expect(await answer(response)).toEqual({
      status: 200,
      body: {
        succeeded: [
          plain('test_create_policy_api', 'test create policy api', {
            rules: [
              {
                key: 'test_create_policy_api_rule',
                name: 'test create policy api Rule',
                action_type: 'erasure',
                masking_strategy: { strategy: 'hmac' },
                targets: DEFAULT_USER_DATA_CATEGORIES.map((category) => defaultTarget(ruleId, category)),
              },
            ],
          }),
        ],
        failed: [],
      },
    });
  });

  it('test_create_policy_with_key', async () => {
    const items = [{ name: 'test create policy api', action_type: 'erasure', key: 'here_is_a_key' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [plain('here_is_a_key', 'test create policy api')], failed: [] },
    });
  });

  // Fides: 422 for the whole request. Here the item fails alone, with the same message.
  it('test_create_policy_with_invalid_key', async () => {
    const items = [{ name: 'test create policy api', action_type: 'erasure', key: 'here*is*an*invalid*key' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [],
        failed: [
          {
            message:
              "key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: here*is*an*invalid*key",
            data: items[0],
          },
        ],
      },
    });
  });

  // An item with the key of an existing policy updates it: every field is the item's, so execution_timeframe,
  // left out, is cleared (as Fides does).
  it('test_create_policy_already_exists', async () => {
    const items = [{ name: 'test create policy api', key: POLICY_KEY }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [plain(POLICY_KEY, 'test create policy api')], failed: [] },
    });
  });
});

describe('TestCreatePolicyWithAutoPopulatedRules', () => {
  // With rule:read beside policy:create_or_update, to see the rules in the answer.
  const writer = () => authHeader('policy:create_or_update', 'rule:read');

  it.each([
    ['access', null, true],
    ['erasure', 'hmac', true],
    ['consent', null, false],
  ] as const)(
    'test_create_policy_auto_populates_rule_and_targets[%s]',
    async (actionType, expectedMasking, expectsTargets) => {
      const policyName = `Auto ${actionType[0]!.toUpperCase()}${actionType.slice(1)} Policy`;
      const key = `auto_${actionType}_policy`;
      const response = await call('PATCH', POLICIES, await writer(), [{ name: policyName, action_type: actionType }]);
      const ruleId = await idOf('rule', `${key}_rule`);
      expect(await answer(response)).toEqual({
        status: 200,
        body: {
          succeeded: [
            {
              key,
              name: policyName,
              drp_action: null,
              execution_timeframe: null,
              rules: [
                {
                  key: `${key}_rule`,
                  name: `${policyName} Rule`,
                  action_type: actionType,
                  masking_strategy: expectedMasking ? { strategy: expectedMasking } : null,
                  targets: expectsTargets
                    ? DEFAULT_USER_DATA_CATEGORIES.map((category) => defaultTarget(ruleId, category))
                    : [],
                },
              ],
            },
          ],
          failed: [],
        },
      });
      const categories = (await sql('select data_category from rule_target where rule_id = ?', [ruleId])).map(
        (row) => row.data_category,
      );
      if (expectsTargets) {
        expect(categories).toEqual(expect.arrayContaining(['user.contact', 'user.name']));
        for (const excluded of ['user.financial', 'user.payment', 'user.authorization'])
          expect(categories).not.toContain(excluded);
      } else {
        expect(categories).toEqual([]);
      }
    },
  );

  it('test_create_policy_without_action_type_no_auto_rules', async () => {
    expect(await answer(await call('PATCH', POLICIES, await writer(), [{ name: 'Plain Policy No Rules' }]))).toEqual({
      status: 200,
      body: {
        succeeded: [
          {
            key: 'plain_policy_no_rules',
            name: 'Plain Policy No Rules',
            drp_action: null,
            execution_timeframe: null,
            rules: [],
          },
        ],
        failed: [],
      },
    });
  });

  it('test_update_existing_policy_with_action_type_does_not_create_rules', async () => {
    const created = { name: 'Update Test Policy', key: 'update_test_policy' };
    const expected = { ...created, drp_action: null, execution_timeframe: null, rules: [] };
    expect(await answer(await call('PATCH', POLICIES, await writer(), [created]))).toEqual({
      status: 200,
      body: { succeeded: [expected], failed: [] },
    });
    expect(
      await answer(await call('PATCH', POLICIES, await writer(), [{ ...created, action_type: 'access' }])),
    ).toEqual({ status: 200, body: { succeeded: [expected], failed: [] } });
    expect(await sql('select count(*)::int as n from rule')).toEqual([{ n: 0 }]);
  });

  it('test_create_policy_with_explicit_rules_and_targets', async () => {
    const items = [
      {
        name: 'Explicit Rules Policy',
        rules: [
          {
            name: 'My Custom Access Rule',
            action_type: 'access',
            targets: [{ data_category: 'user.name' }, { data_category: 'user.contact' }],
          },
        ],
      },
    ];
    const response = await call('PATCH', POLICIES, await writer(), items);
    const ruleId = await idOf('rule', 'my_custom_access_rule');
    expect(await answer(response)).toEqual({
      status: 200,
      body: {
        succeeded: [
          {
            key: 'explicit_rules_policy',
            name: 'Explicit Rules Policy',
            drp_action: null,
            execution_timeframe: null,
            rules: [
              {
                key: 'my_custom_access_rule',
                name: 'My Custom Access Rule',
                action_type: 'access',
                masking_strategy: null,
                targets: [defaultTarget(ruleId, 'user.contact'), defaultTarget(ruleId, 'user.name')],
              },
            ],
          },
        ],
        failed: [],
      },
    });
  });

  // Fides: 422 for the whole request. Here the item fails alone and the next one is saved.
  it('test_create_policy_with_both_action_type_and_rules_fails', async () => {
    const both = {
      name: 'Both Fields Policy',
      action_type: 'access',
      rules: [{ name: 'Some Rule', action_type: 'access' }],
    };
    const response = await call('PATCH', POLICIES, await writer(), [both, { name: 'Next Policy' }]);
    expect(await answer(response)).toEqual({
      status: 200,
      body: {
        succeeded: [
          { key: 'next_policy', name: 'Next Policy', drp_action: null, execution_timeframe: null, rules: [] },
        ],
        failed: [{ message: "Provide either 'action_type' or 'rules', not both.", data: both }],
      },
    });
    expect(await sql("select key from policy where key = 'both_fields_policy'")).toEqual([]);
  });

  it('test_create_policy_with_unsupported_action_type_fails', async () => {
    const items = [{ name: 'Unsupported Action Policy', action_type: 'update' }];
    expect(await answer(await call('PATCH', POLICIES, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [],
        failed: [
          { message: "Unsupported action_type 'update'. Must be one of: access, consent, erasure", data: items[0] },
        ],
      },
    });
  });
});

describe('TestCreateRules', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = rulesOf(POLICY_KEY);
  const writer = () => authHeader('rule:create_or_update');
  const accessRule = (name: string) => ({
    key: 'test_access_rule',
    name,
    action_type: 'access',
    masking_strategy: null,
    targets: [],
  });

  it('test_create_rules_unauthenticated', async () => {
    expect(await answer(await call('PATCH', url, null, {}))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_create_rules_wrong_scope', async () => {
    expect(await answer(await call('PATCH', url, await authHeader('policy:read'), {}))).toEqual({
      status: 403,
      body: forbidden('rule:create_or_update'),
    });
  });

  it('test_create_rules_invalid_policy', async () => {
    const items = [{ name: 'test access rule', action_type: 'access', storage_destination_key: 'my_test_config' }];
    expect(await answer(await call('PATCH', rulesOf('bad_key'), await writer(), items))).toEqual({
      status: 404,
      body: { detail: 'No Policy found for key bad_key.' },
    });
  });

  // Fides has no check that a rule's type matches the policy's DRP action: this item fails for want of a masking
  // strategy.
  it('test_create_rules_mismatching_drp_policy', async () => {
    await policyDrpActionFixture();
    const items = [{ name: 'test access rule', action_type: 'erasure', storage_destination_key: 'my_test_config' }];
    expect(await answer(await call('PATCH', rulesOf(DRP_POLICY_KEY), await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [], failed: [{ message: 'Erasure Rules must have masking strategies.', data: items[0] }] },
    });
  });

  it('test_create_rules_limit_exceeded', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ name: `test access rule ${i}`, action_type: 'access' }));
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({ status: 422, body: tooMany(51) });
  });

  // Storage destinations do not exist here: the key is ignored, and the answer has no storage_destination.
  it('test_create_access_rule_for_policy', async () => {
    const items = [{ name: 'test access rule', action_type: 'access', storage_destination_key: 'my_test_config' }];
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [accessRule('test access rule')], failed: [] },
    });
  });

  it('test_create_access_rule_for_policy_as_root', async () => {
    const items = [{ name: 'test access rule', action_type: 'access', storage_destination_key: 'my_test_config' }];
    expect(await answer(await call('PATCH', url, t.root, items))).toEqual({
      status: 200,
      body: { succeeded: [accessRule('test access rule')], failed: [] },
    });
  });

  it('test_create_access_rule_for_policy_no_storage_specified', async () => {
    expect(
      await answer(await call('PATCH', url, await writer(), [{ name: 'test access rule', action_type: 'access' }])),
    ).toEqual({ status: 200, body: { succeeded: [accessRule('test access rule')], failed: [] } });
  });

  it('test_create_erasure_rule_for_policy', async () => {
    const items = [
      {
        name: 'test erasure rule',
        action_type: 'erasure',
        masking_strategy: { strategy: 'null_rewrite', configuration: {} },
      },
    ];
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [
          {
            key: 'test_erasure_rule',
            name: 'test erasure rule',
            action_type: 'erasure',
            // The strategy only: its configuration is never answered.
            masking_strategy: { strategy: 'null_rewrite' },
            targets: [],
          },
        ],
        failed: [],
      },
    });
  });

  it('test_update_rule_policy_id_fails', async () => {
    await ok(
      await call('PATCH', POLICIES, t.root, [
        { name: 'Second Access Request policy', key: 'second_access_request_policy' },
      ]),
    );
    const items = [{ name: 'Access Request Rule', key: 'access_request_rule', action_type: 'access' }];
    expect(await answer(await call('PATCH', rulesOf('second_access_request_policy'), await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [],
        failed: [{ message: 'Rule with identifier access_request_rule belongs to another policy.', data: items[0] }],
      },
    });
    expect(
      await sql('select p.key from rule r join policy p on p.id = r.policy_id where r.key = ?', [policy.ruleKey]),
    ).toEqual([{ key: POLICY_KEY }]);
  });
});

describe('TestDeleteRule', () => {
  beforeEach(async () => {
    await policyFixture();
  });
  const url = `${rulesOf(POLICY_KEY)}/access_request_rule`;

  it('test_delete_rule_unauthenticated', async () => {
    expect(await answer(await call('DELETE', url, null))).toEqual({ status: 401, body: UNAUTHENTICATED });
  });

  it('test_delete_rule_wrong_scope', async () => {
    expect(await answer(await call('DELETE', url, await authHeader('policy:read')))).toEqual({
      status: 403,
      body: forbidden('rule:delete'),
    });
  });

  it('test_delete_rule_invalid_policy', async () => {
    const response = await call(
      'DELETE',
      `${rulesOf('bad_policy')}/access_request_rule`,
      await authHeader('rule:delete'),
    );
    expect(await answer(response)).toEqual({ status: 404, body: { detail: 'No Policy found for key bad_policy.' } });
  });

  // Fides words this 404 `No Rule found for key bad_rule on Policy ….`; SPEC §8 gives the text of the other rule
  // routes, which Gatehouse keeps for every rule route.
  it('test_delete_rule_invalid_rule', async () => {
    const response = await call('DELETE', `${rulesOf(POLICY_KEY)}/bad_rule`, await authHeader('rule:delete'));
    expect(await answer(response)).toEqual({
      status: 404,
      body: { detail: `No Rule found for key bad_rule attached to policy ${POLICY_KEY}` },
    });
  });

  it('test_delete_rule_for_policy', async () => {
    expect(await answer(await call('DELETE', url, await authHeader('rule:delete')))).toEqual({ status: 204, body: '' });
    expect(await sql('select key from rule')).toEqual([]);
  });
});

describe('TestRuleTargets', () => {
  let policy: Awaited<ReturnType<typeof policyFixture>>;
  beforeEach(async () => {
    policy = await policyFixture();
  });
  const url = targetsOf(POLICY_KEY, 'access_request_rule');
  const writer = () => authHeader('rule:create_or_update');

  it('test_create_rule_targets', async () => {
    const items = [{ data_category: 'user.name' }, { data_category: 'user.contact.email' }];
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [defaultTarget(policy.ruleId, 'user.name'), defaultTarget(policy.ruleId, 'user.contact.email')],
        failed: [],
      },
    });
  });

  it('test_create_rule_targets_with_invalid_rule_key', async () => {
    const response = await call('PATCH', targetsOf(POLICY_KEY, 'invalid_rule_key'), await writer(), []);
    expect(await answer(response)).toEqual({
      status: 404,
      body: { detail: `No Rule found for key invalid_rule_key on Policy ${POLICY_KEY}.` },
    });
  });

  it('test_create_rule_targets_as_root', async () => {
    const items = [{ data_category: 'user.name' }, { data_category: 'user.contact.email' }];
    expect(await answer(await call('PATCH', url, t.root, items))).toEqual({
      status: 200,
      body: {
        succeeded: [defaultTarget(policy.ruleId, 'user.name'), defaultTarget(policy.ruleId, 'user.contact.email')],
        failed: [],
      },
    });
  });

  // Fides writes the list as Python does (`['invalid_category']`); Gatehouse writes every list `[a, b]`.
  it('test_create_rule_target_with_invalid_category', async () => {
    const items = [{ data_category: 'invalid_category' }];
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({
      status: 422,
      body: { detail: 'Invalid data categories: [invalid_category]' },
    });
  });

  it('test_create_duplicate_rule_targets', async () => {
    const items = [
      { data_category: 'user.name', name: 'this-is-a-test', key: 'this_is_a_test' },
      { data_category: 'user.name', name: 'this-is-another-test', key: 'this_is_another_test' },
    ];
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({
      status: 200,
      body: {
        succeeded: [{ key: 'this_is_a_test', name: 'this-is-a-test', data_category: 'user.name' }],
        failed: [
          { message: `DataCategory user.name is already specified on Rule with ID ${policy.ruleId}`, data: items[1] },
        ],
      },
    });
  });

  it('test_create_targets_limit_exceeded', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ data_category: `user.${i}`, key: policy.target.key }));
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({ status: 422, body: tooMany(51) });
  });

  it('test_update_rule_targets', async () => {
    const items = [{ data_category: 'user.name', key: policy.target.key }];
    const updated = { ...policy.target, data_category: 'user.name' };
    expect(await answer(await call('PATCH', url, await writer(), items))).toEqual({
      status: 200,
      body: { succeeded: [updated], failed: [] },
    });
    expect(
      await sql('select rule_id, key, name, data_category from rule_target where key = ?', [policy.target.key]),
    ).toEqual([
      { rule_id: policy.ruleId, key: policy.target.key, name: policy.target.name, data_category: 'user.name' },
    ]);
  });

  it('test_update_rule_target_rule_id_fails', async () => {
    await ok(
      await call('PATCH', rulesOf(POLICY_KEY), t.root, [{ name: 'Example Access Rule', action_type: 'access' }]),
    );
    const items = [{ data_category: 'user.name', key: policy.target.key }];
    const response = await call('PATCH', targetsOf(POLICY_KEY, 'example_access_rule'), await writer(), items);
    expect(await answer(response)).toEqual({
      status: 200,
      body: {
        succeeded: [],
        failed: [
          { message: `RuleTarget with identifier ${policy.target.key} belongs to another rule.`, data: items[0] },
        ],
      },
    });
    expect(await sql('select rule_id, data_category from rule_target where key = ?', [policy.target.key])).toEqual([
      { rule_id: policy.ruleId, data_category: 'user' },
    ]);
  });

  it('test_delete_rule_target', async () => {
    const response = await call('DELETE', `${url}/${policy.target.key}`, await authHeader('rule:delete'));
    expect(await answer(response)).toEqual({ status: 204, body: '' });
    expect(await sql('select key from rule_target')).toEqual([]);
  });

  it('test_create_conflicting_rule_targets', async () => {
    await ok(
      await call('PATCH', rulesOf(POLICY_KEY), t.root, [
        {
          name: 'Erasure Rule',
          action_type: 'erasure',
          masking_strategy: { strategy: 'null_rewrite', configuration: {} },
        },
      ]),
    );
    const ruleId = await idOf('rule', 'erasure_rule');
    const items = [{ data_category: 'user.contact.email' }, { data_category: 'user.contact' }];
    const response = await call('PATCH', targetsOf(POLICY_KEY, 'erasure_rule'), await writer(), items);
    expect(await answer(response)).toEqual({
      status: 200,
      body: {
        succeeded: [defaultTarget(ruleId, 'user.contact.email')],
        failed: [
          {
            message:
              'Policy rules are invalid, action conflict in erasure rules detected for categories user.contact.email and user.contact',
            data: items[1],
          },
        ],
      },
    });
  });
});
