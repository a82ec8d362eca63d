import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER_DATA_CATEGORIES } from '../../src/policies/index.js';
import { bearer, callJson, clientWithToken, graphql } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp();

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  callJson(t.app, method, path, token, body);

const sql = (query: string, params: unknown[] = []) =>
  t.app.db.orm.em.fork().getConnection().execute(query, params) as Promise<Record<string, unknown>[]>;

const ruleId = async (key: string) => (await sql('select id from rule where key = ?', [key]))[0]!.id as string;

/** A target made without name or key, named and keyed as Fides does: `{rule id}-{category}`, snake-cased. */
const defaultTarget = (rule: string, category: string) => ({
  key: `${rule}-${category}`.replace(/\./g, '').replace(/-/g, '_'),
  name: `${rule}-${category}`,
  data_category: category,
});

const ERASURE = {
  name: 'Erase',
  action_type: 'erasure',
  masking_strategy: { strategy: 'null_rewrite', configuration: {} },
};

describe('seeded policies', () => {
  it('a fresh database holds Fides’ three default policies, their rules and targets', async () => {
    const response = await call('GET', '/api/v1/dsr/policy', t.root);
    const body = (await response.json()) as { items: { key: string }[] };
    const seeded = body.items.filter((item) => item.key.startsWith('default_'));
    const access = await ruleId('default_access_policy_rule');
    const erasure = await ruleId('default_erasure_policy_rule');
    expect(seeded.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      {
        key: 'default_access_policy',
        name: 'Default Access Policy',
        drp_action: 'access',
        execution_timeframe: 45,
        rules: [
          {
            key: 'default_access_policy_rule',
            name: 'Default Access Rule',
            action_type: 'access',
            masking_strategy: null,
            targets: DEFAULT_USER_DATA_CATEGORIES.map((category) => defaultTarget(access, category)),
          },
        ],
      },
      {
        key: 'default_consent_policy',
        name: 'Default Consent Policy',
        drp_action: null,
        execution_timeframe: 45,
        rules: [
          {
            key: 'default_consent_rule',
            name: 'Default Consent Rule',
            action_type: 'consent',
            masking_strategy: null,
            targets: [],
          },
        ],
      },
      {
        key: 'default_erasure_policy',
        name: 'Default Erasure Policy',
        drp_action: 'deletion',
        execution_timeframe: 45,
        rules: [
          {
            key: 'default_erasure_policy_rule',
            name: 'Default Erasure Rule',
            action_type: 'erasure',
            masking_strategy: { strategy: 'hmac' },
            targets: DEFAULT_USER_DATA_CATEGORIES.map((category) => defaultTarget(erasure, category)),
          },
        ],
      },
    ]);
    // The configuration is stored, and never answered.
    expect(await sql("select masking_strategy from rule where key = 'default_erasure_policy_rule'")).toEqual([
      { masking_strategy: { strategy: 'hmac', configuration: {} } },
    ]);
  });
});

describe('policies', () => {
  it('upserts by key, generating a key from the snake-cased name, and records the creator', async () => {
    const writer = await clientWithToken(t.app, ['policy:create_or_update', 'policy:read'], { creator: t.root });
    const created = await call('PATCH', '/api/v1/dsr/policy', writer.token, [
      { name: 'Marketing Access Policy', execution_timeframe: 30 },
    ]);
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({
      succeeded: [
        {
          key: 'marketing_access_policy',
          name: 'Marketing Access Policy',
          drp_action: null,
          execution_timeframe: 30,
        },
      ],
      failed: [],
    });
    // Every field is the item's: execution_timeframe, left out, is cleared.
    const updated = await call('PATCH', '/api/v1/dsr/policy', t.root, [
      { key: 'marketing_access_policy', name: 'Marketing Access', drp_action: null },
    ]);
    expect(((await updated.json()) as { succeeded: unknown[] }).succeeded).toEqual([
      {
        key: 'marketing_access_policy',
        name: 'Marketing Access',
        drp_action: null,
        execution_timeframe: null,
        rules: [],
      },
    ]);
    const rows = await t.app.db.orm.em
      .fork()
      .getConnection()
      .execute("select created_by from policy where key = 'marketing_access_policy'");
    expect(rows).toEqual([{ created_by: writer.client_id }]);
  });

  it.each<[unknown, string]>([
    [
      { name: 'Bad key', key: 'has space' },
      "key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: has space",
    ],
    [{ key: 'no_name' }, 'name: Field required'],
    [{ name: '' }, 'name: Input should be a non-empty string of at most 200 characters'],
    [{ name: 'x'.repeat(201) }, 'name: Input should be a non-empty string of at most 200 characters'],
    [{ name: '!!!' }, 'key: cannot be generated from the name "!!!"; give one'],
    [{ name: 'Opt out', drp_action: 'sale:opt_out' }, 'sale:opt_out action is not supported at this time.'],
    [{ name: 'Opt in', drp_action: 'sale:opt_in' }, 'sale:opt_in action is not supported at this time.'],
    [{ name: 'Cats', drp_action: 'access:categories' }, 'access:categories action is not supported at this time.'],
    [{ name: 'Spec', drp_action: 'access:specific' }, 'access:specific action is not supported at this time.'],
    ...['teleport', 'sale_opt_out', 'ACCESS'].map((drpAction): [unknown, string] => [
      { name: 'Odd', drp_action: drpAction },
      "drp_action: Input should be 'access', 'deletion', 'sale:opt_out', 'sale:opt_in', 'access:categories' or 'access:specific'",
    ]),
    [
      { name: 'Shred', action_type: 'shred' },
      "action_type: Input should be 'access', 'consent', 'erasure' or 'update'",
    ],
    [
      { name: 'Upd', action_type: 'update' },
      "Unsupported action_type 'update'. Must be one of: access, consent, erasure",
    ],
    [{ name: 'Rules', rules: 'all' }, 'rules: Input should be a valid list'],
    [{ name: 'Rules', rules: [{ action_type: 'access' }] }, 'rules: name: Field required'],
    [
      { name: 'Rules', rules: [{ name: 'Erase', action_type: 'erasure' }] },
      'Erasure Rules must have masking strategies.',
    ],
    [
      { name: 'Rules', rules: [{ name: 'R', action_type: 'access', targets: [{ data_category: 'user.nope' }] }] },
      "The data category 'user.nope' was not found in the database, and is therefore not valid for use here.",
    ],
    [{ name: 'Both', action_type: 'access', rules: [] }, "Provide either 'action_type' or 'rules', not both."],
    [
      { key: 'k'.repeat(196), name: 'Long key', action_type: 'access' },
      `action_type: the rule it makes is keyed ${'k'.repeat(196)}_rule and named Long key Rule, longer than 200 characters; send a shorter key and name, or the rule in \`rules\``,
    ],
    [
      { name: 'Neg', execution_timeframe: -1 },
      'execution_timeframe: Input should be a whole number of days from 0 to 100000',
    ],
    [
      { name: 'Frac', execution_timeframe: 1.5 },
      'execution_timeframe: Input should be a whole number of days from 0 to 100000',
    ],
    ['not an object', 'policy: Input should be a valid dictionary'],
  ])('fails %o alone with its cause, saving nothing of it', async (item, message) => {
    const before = await sql('select (select count(*) from policy)::int as p, (select count(*) from rule)::int as r');
    const response = await call('PATCH', '/api/v1/dsr/policy', t.root, [
      item,
      { key: `ok_${Math.random().toString(36).slice(2)}`, name: `OK ${Math.random()}` },
    ]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { succeeded: unknown[]; failed: unknown[] };
    expect(body.failed).toEqual([{ message, data: item }]);
    expect(body.succeeded).toHaveLength(1);
    const after = await sql('select (select count(*) from policy)::int as p, (select count(*) from rule)::int as r');
    expect(after).toEqual([{ p: (before[0]!.p as number) + 1, r: before[0]!.r }]);
  });

  it('refuses a duplicate name under another key, on create and on update', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [
      { key: 'named_once', name: 'Named Once' },
      { key: 'named_other', name: 'Named Other' },
    ]);
    const items = [
      { key: 'named_twice', name: 'Named Once' },
      { key: 'named_other', name: 'Named Once' },
    ];
    const response = await call('PATCH', '/api/v1/dsr/policy', t.root, items);
    expect(((await response.json()) as { failed: unknown[] }).failed).toEqual(
      items.map((data) => ({ message: 'Name Named Once already exists in Policy.', data })),
    );
  });

  it('never overwrites a policy from an item without a key, even one whose name snake-cases to its key', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [
      { key: 'kept_policy', name: 'Kept Policy', execution_timeframe: 9 },
    ]);
    const items = [{ name: 'Kept  Policy!' }, { name: 'kept-policy' }];
    const response = await call('PATCH', '/api/v1/dsr/policy', t.root, items);
    const message = (key: string) =>
      `Key ${key} already exists in Policy. Keys will be snake-cased names if not provided. If you are seeing this ` +
      'error without providing a key, please provide a key or a different name.';
    expect(await response.json()).toEqual({
      succeeded: [],
      failed: items.map((data) => ({ message: message('kept_policy'), data })),
    });
    expect(await sql("select name, execution_timeframe from policy where key = 'kept_policy'")).toEqual([
      { name: 'Kept Policy', execution_timeframe: 9 },
    ]);
  });

  it('gives a DRP action to one policy at most, and takes it back from the policy that gives it up', async () => {
    const taken = 'drp_action deletion is already set on another policy: a DRP action belongs to one policy at most.';
    const claim = { key: 'drp_claimant', name: 'DRP claimant', drp_action: 'deletion' };
    const refused = await call('PATCH', '/api/v1/dsr/policy', t.root, [claim]);
    expect(await refused.json()).toEqual({ succeeded: [], failed: [{ message: taken, data: claim }] });
    await call('PATCH', '/api/v1/dsr/policy', t.root, [
      { key: 'default_erasure_policy', name: 'Default Erasure Policy' },
    ]);
    const accepted = await call('PATCH', '/api/v1/dsr/policy', t.root, [claim]);
    expect(((await accepted.json()) as { succeeded: unknown[] }).succeeded).toEqual([
      { key: 'drp_claimant', name: 'DRP claimant', drp_action: 'deletion', execution_timeframe: null, rules: [] },
    ]);
    // Updating the holder with its own action is no conflict.
    const again = await call('PATCH', '/api/v1/dsr/policy', t.root, [{ ...claim, execution_timeframe: 3 }]);
    expect(((await again.json()) as { failed: unknown[] }).failed).toEqual([]);
  });

  it('takes at most 50 items, and only a list', async () => {
    const items = Array.from({ length: 51 }, (_, i) => ({ name: `Bulk ${i}` }));
    const tooMany = await call('PATCH', '/api/v1/dsr/policy', t.root, items);
    expect(tooMany.status).toBe(422);
    expect(await tooMany.json()).toEqual({
      detail: [{ loc: ['body'], msg: 'List should have at most 50 items after validation, not 51', type: 'too_long' }],
    });
    const fifty = await call('PATCH', '/api/v1/dsr/policy', t.root, items.slice(0, 50));
    expect(((await fifty.json()) as { succeeded: unknown[] }).succeeded).toHaveLength(50);
    const notList = await call('PATCH', '/api/v1/dsr/policy', t.root, { name: 'x' });
    expect(notList.status).toBe(422);
    expect(await notList.json()).toEqual({
      detail: [{ loc: ['body'], msg: 'Input should be a valid list', type: 'list_type' }],
    });
  });

  it('gets and deletes by key, with the rules and targets, and 404 for unknown keys', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'doomed', name: 'Doomed' }]);
    await call('PATCH', '/api/v1/dsr/policy/doomed/rule', t.root, [
      { ...ERASURE, targets: [{ data_category: 'user.name' }] },
    ]);
    expect((await call('GET', '/api/v1/dsr/policy/doomed', t.root)).status).toBe(200);
    const deleted = await call('DELETE', '/api/v1/dsr/policy/doomed', t.root);
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    const counts = await t.app.db.orm.em
      .fork()
      .getConnection()
      .execute(
        'select (select count(*) from rule r left join policy p on p.id = r.policy_id where p.id is null)::int as orphan_rules, (select count(*) from rule_target t left join rule r on r.id = t.rule_id where r.id is null)::int as orphan_targets',
      );
    expect(counts).toEqual([{ orphan_rules: 0, orphan_targets: 0 }]);
    for (const [method, path] of [
      ['GET', '/api/v1/dsr/policy/doomed'],
      ['DELETE', '/api/v1/dsr/policy/doomed'],
    ] as const) {
      const response = await call(method, path, t.root);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: 'No Policy found for key doomed.' });
    }
  });
});

describe('rules', () => {
  beforeAll(async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [
      { key: 'rules_home', name: 'Rules Home' },
      { key: 'rules_away', name: 'Rules Away' },
    ]);
  });

  it('upserts by key, replaces targets when given, and never answers a masking configuration', async () => {
    const first = await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      {
        ...ERASURE,
        masking_strategy: { strategy: 'aes_encrypt', configuration: { key: 'a secret' } },
        targets: [
          { data_category: 'user.contact.email' },
          { name: 'Phone', data_category: 'user.contact.phone_number' },
          { key: 'erase_name', data_category: 'user.name' },
        ],
      },
    ]);
    const id = await ruleId('erase');
    const erase = {
      key: 'erase',
      name: 'Erase',
      action_type: 'erasure',
      masking_strategy: { strategy: 'aes_encrypt' },
      targets: [
        defaultTarget(id, 'user.contact.email'),
        // Named but not keyed: keyed `{rule id}-{category}` all the same, as Fides keys a target sent inline.
        { ...defaultTarget(id, 'user.contact.phone_number'), name: 'Phone' },
        { key: 'erase_name', name: `${id}-user.name`, data_category: 'user.name' },
      ],
    };
    expect(await first.json()).toEqual({ succeeded: [erase], failed: [] });
    for (const path of ['/api/v1/dsr/policy/rules_home/rule/erase', '/api/v1/dsr/policy/rules_home/rule']) {
      expect(JSON.stringify(await (await call('GET', path, t.root)).json())).not.toContain('a secret');
    }
    expect(await sql("select masking_strategy from rule where key = 'erase'")).toEqual([
      { masking_strategy: { strategy: 'aes_encrypt', configuration: { key: 'a secret' } } },
    ]);
    const second = await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      {
        key: 'erase',
        name: 'Erase everything',
        action_type: 'erasure',
        masking_strategy: { strategy: 'hash' },
        targets: [{ data_category: 'user' }],
      },
    ]);
    expect(((await second.json()) as { succeeded: unknown[] }).succeeded).toEqual([
      {
        key: 'erase',
        name: 'Erase everything',
        action_type: 'erasure',
        masking_strategy: { strategy: 'hash' },
        targets: [defaultTarget(id, 'user')],
      },
    ]);
    const rule = await call('GET', '/api/v1/dsr/policy/rules_home/rule/erase', t.root);
    expect(((await rule.json()) as { name: string }).name).toBe('Erase everything');
  });

  it.each([
    [{ name: 'Upd', action_type: 'update' }, 'update Rules are not supported at this time.'],
    [{ name: 'Er', action_type: 'erasure' }, 'Erasure Rules must have masking strategies.'],
    [
      { name: 'Acc', action_type: 'access', masking_strategy: { strategy: 'null_rewrite' } },
      'Access Rules cannot have masking strategies.',
    ],
    [{ name: 'What', action_type: 'shred' }, "action_type: Input should be 'access', 'consent', 'erasure' or 'update'"],
    [
      { name: 'Mask', action_type: 'erasure', masking_strategy: { configuration: {} } },
      'masking_strategy: Input should be {strategy: string, configuration: object}',
    ],
    [{ name: 'T1', action_type: 'access', targets: 'user' }, 'targets: Input should be a list of at most 100 targets'],
    [{ name: 'T2', action_type: 'access', targets: [{ name: 'x' }] }, 'targets: data_category: Field required'],
    [
      { name: 'T3', action_type: 'access', targets: [{ data_category: 'a b' }] },
      "The data category 'a b' was not found in the database, and is therefore not valid for use here.",
    ],
    [
      { name: 'T5', action_type: 'access', targets: [{ data_category: 'user', key: 'a b' }] },
      "targets: key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: a b",
    ],
    [
      { name: 'K', key: 'a/b', action_type: 'access' },
      "key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: a/b",
    ],
    [{ name: '***', action_type: 'access' }, 'key: cannot be generated from the name "***"; give one'],
  ])('fails %o alone with its cause', async (item, message) => {
    const response = await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      item,
      { name: `Fine ${Math.random()}`, action_type: 'access' },
    ]);
    const body = (await response.json()) as { succeeded: unknown[]; failed: unknown[] };
    expect(body.failed).toEqual([{ message, data: item }]);
    expect(body.succeeded).toHaveLength(1);
  });

  it('takes a masking strategy on a consent rule, as Fides does (SPEC refuses one on access rules only)', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'masked_consent', name: 'Masked consent' }]);
    const response = await call('PATCH', '/api/v1/dsr/policy/masked_consent/rule', t.root, [
      { name: 'Masked consent rule', action_type: 'consent', masking_strategy: { strategy: 'null_rewrite' } },
    ]);
    expect(await response.json()).toEqual({
      succeeded: [
        {
          key: 'masked_consent_rule',
          name: 'Masked consent rule',
          action_type: 'consent',
          masking_strategy: { strategy: 'null_rewrite' },
          targets: [],
        },
      ],
      failed: [],
    });
  });

  it('keeps rule keys and names unique across policies, and creates whenever no key is sent', async () => {
    await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      { key: 'first_name', name: 'Same Name', action_type: 'access' },
    ]);
    const items = [
      // Another key, the same name: in this policy and in another.
      { key: 'second_name', name: 'Same Name', action_type: 'access' },
      // No key: a create, keyed `same_name`… which no rule has; the name is the problem.
      { name: 'Same Name', action_type: 'access' },
      // No key, a name that snake-cases to an existing key: a create that fails, never an update.
      { name: 'First Name', action_type: 'access' },
      // This policy's rule key, sent to another policy.
      { key: 'first_name', name: 'Moved', action_type: 'access' },
    ];
    const response = await call('PATCH', '/api/v1/dsr/policy/rules_away/rule', t.root, items);
    expect(await response.json()).toEqual({
      succeeded: [],
      failed: [
        { message: 'Name Same Name already exists in Rule.', data: items[0] },
        { message: 'Name Same Name already exists in Rule.', data: items[1] },
        {
          message:
            'Key first_name already exists in Rule. Keys will be snake-cased names if not provided. If you are ' +
            'seeing this error without providing a key, please provide a key or a different name.',
          data: items[2],
        },
        { message: 'Rule with identifier first_name belongs to another policy.', data: items[3] },
      ],
    });
    // Renaming onto another rule's name is refused too.
    await call('PATCH', '/api/v1/dsr/policy/rules_away/rule', t.root, [
      { key: 'other_name', name: 'Other Name', action_type: 'access' },
    ]);
    const rename = { key: 'other_name', name: 'Same Name', action_type: 'access' };
    expect(await (await call('PATCH', '/api/v1/dsr/policy/rules_away/rule', t.root, [rename])).json()).toEqual({
      succeeded: [],
      failed: [{ message: 'Name Same Name already exists in Rule.', data: rename }],
    });
  });

  it('allows at most one consent rule per policy, on create and on update', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'consent_home', name: 'Consent Home' }]);
    const response = await call('PATCH', '/api/v1/dsr/policy/consent_home/rule', t.root, [
      { name: 'Consent A', action_type: 'consent' },
      { name: 'Consent B', action_type: 'consent' },
      { key: 'consent_a', name: 'Consent A again', action_type: 'consent' },
      { key: 'access_c', name: 'Access C', action_type: 'access' },
      { key: 'access_c', name: 'Access C', action_type: 'consent' },
    ]);
    const body = (await response.json()) as { succeeded: { key: string; name: string }[]; failed: unknown[] };
    expect(body.succeeded.map((rule) => [rule.key, rule.name])).toEqual([
      ['consent_a', 'Consent A'],
      ['consent_a', 'Consent A again'],
      ['access_c', 'Access C'],
    ]);
    // Two spaces after "attached.", as Fides writes it.
    const message = 'Policies can only have one consent rule attached.  Existing rule consent_a found.';
    expect(body.failed).toEqual([
      { message, data: { name: 'Consent B', action_type: 'consent' } },
      { message, data: { key: 'access_c', name: 'Access C', action_type: 'consent' } },
    ]);
  });

  it('404s for an unknown policy or rule, with Fides’ messages', async () => {
    const unknownPolicy = await call('PATCH', '/api/v1/dsr/policy/nope/rule', t.root, [
      { name: 'x', action_type: 'access' },
    ]);
    expect(unknownPolicy.status).toBe(404);
    expect(await unknownPolicy.json()).toEqual({ detail: 'No Policy found for key nope.' });
    const unknownRule = await call('GET', '/api/v1/dsr/policy/rules_home/rule/nope', t.root);
    expect(unknownRule.status).toBe(404);
    expect(await unknownRule.json()).toEqual({ detail: 'No Rule found for key nope attached to policy rules_home' });
    expect((await call('DELETE', '/api/v1/dsr/policy/rules_home/rule/nope', t.root)).status).toBe(404);
    expect((await call('GET', '/api/v1/dsr/policy/nope/rule', t.root)).status).toBe(404);
    // A rule of another policy is no rule of this one.
    await call('PATCH', '/api/v1/dsr/policy/rules_away/rule', t.root, [
      { key: 'away_only', name: 'Away only', action_type: 'access' },
    ]);
    const elsewhere = await call('DELETE', '/api/v1/dsr/policy/rules_home/rule/away_only', t.root);
    expect(await elsewhere.json()).toEqual({ detail: 'No Rule found for key away_only attached to policy rules_home' });
  });

  it('deletes a rule with 204, its targets with it', async () => {
    await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      { key: 'short_lived', name: 'Short lived', action_type: 'access', targets: [{ data_category: 'user' }] },
    ]);
    const id = await ruleId('short_lived');
    expect((await call('DELETE', '/api/v1/dsr/policy/rules_home/rule/short_lived', t.root)).status).toBe(204);
    expect((await call('GET', '/api/v1/dsr/policy/rules_home/rule/short_lived', t.root)).status).toBe(404);
    expect(await sql('select key from rule_target where rule_id = ?', [id])).toEqual([]);
  });
});

describe('rule targets', () => {
  const targets = (policy: string, rule: string) => `/api/v1/dsr/policy/${policy}/rule/${rule}/target`;
  let erase: string;
  let read: string;
  beforeAll(async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [
      {
        key: 'targets_home',
        name: 'Targets Home',
        rules: [
          {
            key: 'targets_erase',
            name: 'Targets erase',
            action_type: 'erasure',
            masking_strategy: { strategy: 'hash' },
          },
          {
            key: 'targets_erase_more',
            name: 'Targets erase more',
            action_type: 'erasure',
            masking_strategy: { strategy: 'hash' },
          },
          { key: 'targets_read', name: 'Targets read', action_type: 'access' },
        ],
      },
    ]);
    erase = await ruleId('targets_erase');
    read = await ruleId('targets_read');
  });

  it('creates, updates by key, lists newest first, gets and deletes', async () => {
    const url = targets('targets_home', 'targets_read');
    const items = [
      { data_category: 'user.name', name: 'Read names' },
      { data_category: 'user.contact', key: 'read_contact' },
    ];
    expect(await (await call('PATCH', url, t.root, items)).json()).toEqual({
      succeeded: [
        // On this route a named target is keyed by its name, as Fides does.
        { key: 'read_names', name: 'Read names', data_category: 'user.name' },
        { key: 'read_contact', name: `${read}-user.contact`, data_category: 'user.contact' },
      ],
      failed: [],
    });
    const update = [{ key: 'read_contact', data_category: 'user.contact.email', name: null }];
    expect(await (await call('PATCH', url, t.root, update)).json()).toEqual({
      succeeded: [{ key: 'read_contact', name: `${read}-user.contact`, data_category: 'user.contact.email' }],
      failed: [],
    });
    expect(await (await call('GET', `${url}?size=1`, t.root)).json()).toEqual({
      items: [{ key: 'read_contact', name: `${read}-user.contact`, data_category: 'user.contact.email' }],
      total: 2,
      page: 1,
      size: 1,
      pages: 2,
    });
    expect(await (await call('GET', `${url}/read_names`, t.root)).json()).toEqual({
      key: 'read_names',
      name: 'Read names',
      data_category: 'user.name',
    });
    expect((await call('DELETE', `${url}/read_names`, t.root)).status).toBe(204);
    const gone = await call('DELETE', `${url}/read_names`, t.root);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      detail: 'No RuleTarget found for key read_names at Rule targets_read on Policy targets_home.',
    });
  });

  it('answers Fides’ 404s on each route', async () => {
    const cases: [string, string, unknown, string][] = [
      ['GET', targets('nope', 'targets_read'), undefined, 'No Policy found for key nope.'],
      ['GET', targets('targets_home', 'nope'), undefined, 'No Rule found for key nope attached to policy targets_home'],
      ['PATCH', targets('targets_home', 'nope'), [], 'No Rule found for key nope on Policy targets_home.'],
      [
        'DELETE',
        `${targets('targets_home', 'nope')}/x`,
        undefined,
        'No Rule found for key nope on Policy targets_home.',
      ],
      [
        'GET',
        `${targets('targets_home', 'targets_read')}/x`,
        undefined,
        'No Rule Target found for key x attached to rule targets_read.',
      ],
      // The rule is looked up in this policy only.
      ['PATCH', targets('rules_home', 'targets_read'), [], 'No Rule found for key targets_read on Policy rules_home.'],
    ];
    for (const [method, path, body, detail] of cases) {
      const response = await call(method, path, t.root, body);
      expect({ status: response.status, body: await response.json() }, `${method} ${path}`).toEqual({
        status: 404,
        body: { detail },
      });
    }
  });

  it('refuses the whole batch for categories outside the taxonomy, each named once, in the order sent', async () => {
    const items = [
      { data_category: 'user.name' },
      { data_category: 'user.made_up' },
      { data_category: 'Not a category' },
      { data_category: 'user.made_up' },
    ];
    const response = await call('PATCH', targets('targets_home', 'targets_read'), t.root, items);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ detail: 'Invalid data categories: [user.made_up, Not a category]' });
    expect(await sql("select key from rule_target where data_category = 'user.name' and rule_id = ?", [read])).toEqual(
      [],
    );
  });

  it('fails a malformed item alone, and more than 50 items or a non-list as a whole', async () => {
    const items = [
      { name: 'no category' },
      'x',
      { data_category: 'user.location', key: 'a b' },
      { data_category: 'user.location' },
    ];
    expect(await (await call('PATCH', targets('targets_home', 'targets_read'), t.root, items)).json()).toEqual({
      succeeded: [defaultTarget(read, 'user.location')],
      failed: [
        { message: 'data_category: Field required', data: items[0] },
        { message: 'target: Input should be a valid dictionary', data: items[1] },
        {
          message:
            "key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: a b",
          data: items[2],
        },
      ],
    });
    const notList = await call('PATCH', targets('targets_home', 'targets_read'), t.root, { data_category: 'user' });
    expect(notList.status).toBe(422);
  });

  it('keeps target keys and names unique across rules', async () => {
    await call('PATCH', targets('targets_home', 'targets_read'), t.root, [
      { data_category: 'user.device', name: 'Devices', key: 'devices' },
    ]);
    const items = [
      { data_category: 'user.device', name: 'Devices' },
      { data_category: 'user.device', name: 'Devices', key: 'devices_too' },
      { data_category: 'user.device', key: 'devices' },
    ];
    const response = await call('PATCH', targets('targets_home', 'targets_erase'), t.root, items);
    expect(await response.json()).toEqual({
      succeeded: [],
      failed: [
        {
          message:
            'Key devices already exists in RuleTarget. Keys will be snake-cased names if not provided. If you are ' +
            'seeing this error without providing a key, please provide a key or a different name.',
          data: items[0],
        },
        { message: 'Name Devices already exists in RuleTarget.', data: items[1] },
        { message: 'RuleTarget with identifier devices belongs to another rule.', data: items[2] },
      ],
    });
  });

  it('refuses an erasure conflict across the policy’s erasure rules, on create and on a changed category', async () => {
    await call('PATCH', targets('targets_home', 'targets_erase'), t.root, [
      { data_category: 'user.biometric', key: 'bio' },
    ]);
    const conflict = (descendant: string, ancestor: string) =>
      `Policy rules are invalid, action conflict in erasure rules detected for categories ${descendant} and ${ancestor}`;
    const items = [{ data_category: 'user.biometric.voice' }, { data_category: 'user' }];
    expect(await (await call('PATCH', targets('targets_home', 'targets_erase_more'), t.root, items)).json()).toEqual({
      succeeded: [],
      failed: [
        { message: conflict('user.biometric.voice', 'user.biometric'), data: items[0] },
        { message: conflict('user.biometric', 'user'), data: items[1] },
      ],
    });
    await call('PATCH', targets('targets_home', 'targets_erase_more'), t.root, [
      { data_category: 'user.social', key: 'soc' },
    ]);
    // Fides checks on create only: a category changed into a conflict is refused here too.
    const change = [{ key: 'soc', data_category: 'user.biometric.retinal' }];
    expect(await (await call('PATCH', targets('targets_home', 'targets_erase_more'), t.root, change)).json()).toEqual({
      succeeded: [],
      failed: [{ message: conflict('user.biometric.retinal', 'user.biometric'), data: change[0] }],
    });
    // Access rules have no such rule.
    const access = [{ data_category: 'user.biometric.voice' }];
    expect(
      (
        (await (await call('PATCH', targets('targets_home', 'targets_read'), t.root, access)).json()) as {
          failed: unknown[];
        }
      ).failed,
    ).toEqual([]);
  });

  it('applies the same checks to targets sent inside a rule, whose item fails whole', async () => {
    const url = '/api/v1/dsr/policy/targets_home/rule';
    const cases: [Record<string, unknown>[], string][] = [
      [
        [{ data_category: 'user.biometric' }, { data_category: 'user.biometric.voice' }],
        'Policy rules are invalid, action conflict in erasure rules detected for categories user.biometric.voice and user.biometric',
      ],
      [
        [{ data_category: 'user.nope' }],
        "The data category 'user.nope' was not found in the database, and is therefore not valid for use here.",
      ],
      [
        [{ data_category: 'user.name' }, { data_category: 'user.name', key: 'other_key', name: 'Other name' }],
        'DataCategory user.name is already specified on Rule with ID ERASE',
      ],
      [[{ data_category: 'user.name', key: 'devices' }], 'RuleTarget with identifier devices belongs to another rule.'],
      [[{ data_category: 'user.name', name: 'Devices' }], 'Name Devices already exists in RuleTarget.'],
    ];
    const before = await sql('select key, name, data_category from rule_target where rule_id = ? order by key', [
      erase,
    ]);
    for (const [inline, message] of cases) {
      const item = {
        key: 'targets_erase',
        name: 'Targets erase',
        action_type: 'erasure',
        masking_strategy: { strategy: 'hash' },
        targets: inline,
      };
      expect(await (await call('PATCH', url, t.root, [item])).json()).toEqual({
        succeeded: [],
        failed: [{ message: message.replace('ERASE', erase), data: item }],
      });
    }
    // Nothing of the failed items was kept: the rule's targets are as they were.
    expect(
      await sql('select key, name, data_category from rule_target where rule_id = ? order by key', [erase]),
    ).toEqual(before);
  });
});

describe('pagination', () => {
  it('pages rules newest first: empty, full and last pages; sizes out of range are 422', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'paged', name: 'Paged' }]);
    const empty = await call('GET', '/api/v1/dsr/policy/paged/rule', t.root);
    expect(await empty.json()).toEqual({ items: [], total: 0, page: 1, size: 50, pages: 0 });
    for (const name of ['R1', 'R2', 'R3']) {
      await call('PATCH', '/api/v1/dsr/policy/paged/rule', t.root, [{ name, action_type: 'access' }]);
    }
    const first = (await (await call('GET', '/api/v1/dsr/policy/paged/rule?size=2', t.root)).json()) as {
      items: { key: string }[];
      pages: number;
    };
    expect(first.items.map((rule) => rule.key)).toEqual(['r3', 'r2']);
    expect(first.pages).toBe(2);
    const last = (await (await call('GET', '/api/v1/dsr/policy/paged/rule?size=2&page=2', t.root)).json()) as {
      items: { key: string }[];
    };
    expect(last.items.map((rule) => rule.key)).toEqual(['r1']);
    for (const query of ['size=0', 'size=101', 'page=0']) {
      expect((await call('GET', `/api/v1/dsr/policy?${query}`, t.root)).status).toBe(422);
    }
    const max = await call('GET', '/api/v1/dsr/policy?size=100', t.root);
    expect(max.status).toBe(200);
  });
});

describe('scope matrix', () => {
  const routes: [string, string, string[], unknown?][] = [
    ['GET', '/api/v1/dsr/policy', ['policy:read']],
    ['PATCH', '/api/v1/dsr/policy', ['policy:create_or_update'], []],
    ['GET', '/api/v1/dsr/policy/default_access_policy', ['policy:read']],
    ['DELETE', '/api/v1/dsr/policy/matrix_missing', ['policy:delete']],
    ['GET', '/api/v1/dsr/policy/default_access_policy/rule', ['rule:read']],
    ['PATCH', '/api/v1/dsr/policy/default_access_policy/rule', ['rule:create_or_update'], []],
    ['GET', '/api/v1/dsr/policy/default_access_policy/rule/default_access_policy_rule', ['rule:read']],
    ['DELETE', '/api/v1/dsr/policy/default_access_policy/rule/matrix_missing', ['rule:delete']],
    ['GET', '/api/v1/dsr/policy/default_access_policy/rule/default_access_policy_rule/target', ['rule:read']],
    [
      'PATCH',
      '/api/v1/dsr/policy/default_access_policy/rule/default_access_policy_rule/target',
      ['rule:create_or_update'],
      [],
    ],
    [
      'GET',
      '/api/v1/dsr/policy/default_access_policy/rule/default_access_policy_rule/target/matrix_missing',
      ['rule:read'],
    ],
    [
      'DELETE',
      '/api/v1/dsr/policy/default_access_policy/rule/default_access_policy_rule/target/matrix_missing',
      ['rule:delete'],
    ],
  ];
  let tokens: Record<string, string>;
  beforeAll(async () => {
    const scopes = [...new Set(routes.flatMap(([, , needed]) => needed))];
    tokens = Object.fromEntries(
      await Promise.all(
        scopes.map(
          async (scope) => [scope, (await clientWithToken(t.app, [scope], { creator: t.root })).token] as const,
        ),
      ),
    );
    tokens.none = (await clientWithToken(t.app, [], { creator: t.root })).token;
  });

  it.each(routes)('%s %s needs %o', async (method, path, needed, body) => {
    expect((await call(method, path, null, body)).status).toBe(401);
    const without = await call(method, path, tokens.none!, body);
    expect(without.status).toBe(403);
    expect(await without.json()).toEqual({
      detail: `Not Authorized for this action. Required scope(s): [${needed.join(', ')}]`,
    });
    for (const [scope, token] of Object.entries(tokens)) {
      if (scope === 'none' || needed.includes(scope)) continue;
      expect((await call(method, path, token, body)).status, `${scope} alone`).toBe(403);
    }
    const allowed = await call(method, path, tokens[needed[0]!]!, body);
    expect(allowed.status, 'a missing key is the only reason not to succeed').toBe(
      path.includes('matrix_missing') ? 404 : method === 'DELETE' ? 204 : 200,
    );
  });

  it('REST omits rules for a caller without rule:read', async () => {
    const response = await call('GET', '/api/v1/dsr/policy/default_access_policy', tokens['policy:read']!);
    expect(await response.json()).toEqual({
      key: 'default_access_policy',
      name: 'Default Access Policy',
      drp_action: 'access',
      execution_timeframe: 45,
    });
  });

  it('GraphQL: Policy.rules fails alone with FORBIDDEN for a policy:read-only token', async () => {
    const { status, body } = await graphql(
      t.app,
      '{ policy(key: "default_access_policy") { key rules { key } } }',
      {},
      bearer(tokens['policy:read']!),
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { policy: { key: 'default_access_policy', rules: null } },
      errors: [
        {
          message: 'Not Authorized for this action. Required scope(s): [rule:read]',
          locations: [{ line: 1, column: 46 }],
          path: ['policy', 'rules'],
          extensions: { code: 'FORBIDDEN', requiredScopes: ['rule:read'] },
        },
      ],
    });
    const { token: both } = await clientWithToken(t.app, ['policy:read', 'rule:read'], { creator: t.root });
    const full = await graphql(
      t.app,
      '{ policy(key: "default_access_policy") { rules { key targets { dataCategory } } } }',
      {},
      bearer(both),
    );
    expect(full.body).toEqual({
      data: {
        policy: {
          rules: [
            {
              key: 'default_access_policy_rule',
              targets: DEFAULT_USER_DATA_CATEGORIES.map((dataCategory) => ({ dataCategory })),
            },
          ],
        },
      },
    });
  });

  it.each([
    ['{ policies { total } }', ['policy:read']],
    ['{ policy(key: "x") { key } }', ['policy:read']],
    ['mutation { upsertPolicies(policies: []) { failed { message } } }', ['policy:create_or_update']],
    ['mutation { deletePolicy(key: "matrix_missing") }', ['policy:delete']],
    [
      'mutation { upsertRules(policyKey: "default_access_policy", rules: []) { failed { message } } }',
      ['rule:create_or_update'],
    ],
    ['mutation { deleteRule(policyKey: "default_access_policy", key: "matrix_missing") }', ['rule:delete']],
    [
      '{ ruleTargets(policyKey: "default_access_policy", ruleKey: "default_access_policy_rule") { total } }',
      ['rule:read'],
    ],
    [
      'mutation { upsertRuleTargets(policyKey: "default_access_policy", ruleKey: "default_access_policy_rule", targets: []) { failed { message } } }',
      ['rule:create_or_update'],
    ],
    [
      'mutation { deleteRuleTarget(policyKey: "default_access_policy", ruleKey: "default_access_policy_rule", key: "matrix_missing") }',
      ['rule:delete'],
    ],
  ])('GraphQL %s needs %o', async (query, needed) => {
    const without = await graphql(t.app, query, {}, bearer(tokens.none!));
    expect(without.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN', requiredScopes: needed });
    const withScope = await graphql(t.app, query, {}, bearer(tokens[needed[0]!]!));
    const codes = (withScope.body.errors ?? []).map((error) => error.extensions?.code);
    expect(codes.filter((code) => code === 'FORBIDDEN')).toEqual([]);
  });
});

describe('GraphQL and REST share one code path', () => {
  it('upserts through GraphQL with the same validation', async () => {
    const { body } = await graphql(
      t.app,
      `
        mutation ($p: [PolicyInput!]!) {
          upsertPolicies(policies: $p) {
            succeeded {
              key
              name
              executionTimeframe
            }
            failed {
              message
              data
            }
          }
        }
      `,
      {
        p: [
          { name: 'GraphQL Policy', executionTimeframe: 10 },
          { name: 'Bad', drpAction: 'sale:opt_in' },
        ],
      },
      bearer(t.root),
    );
    expect(body).toEqual({
      data: {
        upsertPolicies: {
          succeeded: [{ key: 'graphql_policy', name: 'GraphQL Policy', executionTimeframe: 10 }],
          failed: [
            {
              message: 'sale:opt_in action is not supported at this time.',
              data: { name: 'Bad', drpAction: 'sale:opt_in' },
            },
          ],
        },
      },
    });
    const rules = await graphql(
      t.app,
      `
        mutation {
          upsertRules(
            policyKey: "graphql_policy"
            rules: [
              {
                name: "GraphQL Erase"
                actionType: "erasure"
                maskingStrategy: { strategy: "null_rewrite", configuration: { secret: "kept" } }
                targets: [{ dataCategory: "user.name", key: "graphql_erase_name" }]
              }
            ]
          ) {
            succeeded {
              key
              maskingStrategy
              targets {
                key
              }
            }
            failed {
              message
            }
          }
        }
      `,
      {},
      bearer(t.root),
    );
    expect(rules.body).toEqual({
      data: {
        upsertRules: {
          succeeded: [
            {
              key: 'graphql_erase',
              maskingStrategy: { strategy: 'null_rewrite' },
              targets: [{ key: 'graphql_erase_name' }],
            },
          ],
          failed: [],
        },
      },
    });
    const missing = await graphql(t.app, 'mutation { deletePolicy(key: "nope") }', {}, bearer(t.root));
    expect(missing.body.errors?.[0]).toMatchObject({
      message: 'No Policy found for key nope.',
      extensions: { code: 'NOT_FOUND' },
    });
    const page = await graphql(t.app, '{ policies(size: 1) { items { key } total size } }', {}, bearer(t.root));
    expect(page.body.data!.policies).toMatchObject({ items: [{ key: 'graphql_policy' }], size: 1 });
  });

  it('reads and writes a rule’s targets through GraphQL with the same checks', async () => {
    const upsert = `
      mutation ($targets: [RuleTargetInput!]!) {
        upsertRuleTargets(policyKey: "graphql_policy", ruleKey: "graphql_erase", targets: $targets) {
          succeeded { key name dataCategory }
          failed { message data }
        }
      }
    `;
    const id = await ruleId('graphql_erase');
    const created = await graphql(
      t.app,
      upsert,
      { targets: [{ dataCategory: 'user.contact' }, { dataCategory: 'user.contact.email', key: 'gql_email' }] },
      bearer(t.root),
    );
    expect(created.body).toEqual({
      data: {
        upsertRuleTargets: {
          succeeded: [
            { key: defaultTarget(id, 'user.contact').key, name: `${id}-user.contact`, dataCategory: 'user.contact' },
          ],
          failed: [
            {
              message:
                'Policy rules are invalid, action conflict in erasure rules detected for categories user.contact.email and user.contact',
              data: { dataCategory: 'user.contact.email', key: 'gql_email' },
            },
          ],
        },
      },
    });
    const invalid = await graphql(t.app, upsert, { targets: [{ dataCategory: 'nope' }] }, bearer(t.root));
    expect(invalid.body).toEqual({
      data: null,
      errors: [
        {
          message: 'Invalid data categories: [nope]',
          locations: [{ line: 3, column: 9 }],
          path: ['upsertRuleTargets'],
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    const read = await graphql(
      t.app,
      '{ ruleTargets(policyKey: "graphql_policy", ruleKey: "graphql_erase", size: 1) { total pages items { dataCategory } } }',
      {},
      bearer(t.root),
    );
    expect(read.body).toEqual({
      data: { ruleTargets: { total: 2, pages: 2, items: [{ dataCategory: 'user.contact' }] } },
    });
    const deleted = await graphql(
      t.app,
      'mutation { deleteRuleTarget(policyKey: "graphql_policy", ruleKey: "graphql_erase", key: "graphql_erase_name") }',
      {},
      bearer(t.root),
    );
    expect(deleted.body).toEqual({ data: { deleteRuleTarget: true } });
    const again = await graphql(
      t.app,
      'mutation { deleteRuleTarget(policyKey: "graphql_policy", ruleKey: "graphql_erase", key: "graphql_erase_name") }',
      {},
      bearer(t.root),
    );
    expect(again.body.errors?.[0]).toMatchObject({
      message: 'No RuleTarget found for key graphql_erase_name at Rule graphql_erase on Policy graphql_policy.',
      extensions: { code: 'NOT_FOUND' },
    });
  });
});
