import { beforeAll, describe, expect, it } from 'vitest';
import { bearer, callJson, clientWithToken, graphql } from '../helpers/oauth.js';
import { useTestApp } from '../helpers/use-test-app.js';

const t = useTestApp();

const call = (method: string, path: string, token: string | null, body?: unknown) =>
  callJson(t.app, method, path, token, body);

const ERASURE = {
  name: 'Erase',
  action_type: 'erasure',
  masking_strategy: { strategy: 'null_rewrite', configuration: {} },
};

describe('seeded policies', () => {
  it('a fresh database holds Fides’ two default policies', async () => {
    const response = await call('GET', '/api/v1/dsr/policy', t.root);
    const body = (await response.json()) as { items: { key: string }[] };
    const seeded = body.items.filter((item) => item.key.startsWith('default_'));
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
            targets: [{ key: 'default_access_target', name: 'Default Access Target', data_category: 'user' }],
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
            masking_strategy: { strategy: 'null_rewrite', configuration: {} },
            targets: [{ key: 'default_erasure_target', name: 'Default Erasure Target', data_category: 'user.name' }],
          },
        ],
      },
    ]);
  });
});

describe('policies', () => {
  it('upserts by key, generating a key from the snake-cased name, and records the creator', async () => {
    const writer = await clientWithToken(t.app, ['policy:create_or_update', 'policy:read'], { creator: t.root });
    const created = await call('PATCH', '/api/v1/dsr/policy', writer.token, [
      { name: 'Marketing Access Policy', drp_action: 'access', execution_timeframe: 30 },
    ]);
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({
      succeeded: [
        {
          key: 'marketing_access_policy',
          name: 'Marketing Access Policy',
          drp_action: 'access',
          execution_timeframe: 30,
        },
      ],
      failed: [],
    });
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

  it.each([
    [
      { name: 'Bad key', key: 'has space' },
      "key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: has space",
    ],
    [{ key: 'no_name' }, 'name: Field required'],
    [{ name: '' }, 'name: Input should be a non-empty string of at most 200 characters'],
    [{ name: 'x'.repeat(201) }, 'name: Input should be a non-empty string of at most 200 characters'],
    [{ name: '!!!' }, 'key: cannot be generated from the name "!!!"; give one'],
    [{ name: 'Opt out', drp_action: 'sale_opt_out' }, 'sale_opt_out action is not supported at this time.'],
    [
      { name: 'Odd', drp_action: 'teleport' },
      "drp_action: Input should be 'access', 'deletion', 'sale_opt_out', 'sale_opt_in', 'access_categories', 'access_specific'",
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
  ])('fails %o alone with its cause', async (item, message) => {
    const response = await call('PATCH', '/api/v1/dsr/policy', t.root, [
      item,
      { key: `ok_${Math.random().toString(36).slice(2)}`, name: `OK ${Math.random()}` },
    ]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { succeeded: unknown[]; failed: unknown[] };
    expect(body.failed).toEqual([{ message, data: item }]);
    expect(body.succeeded).toHaveLength(1);
  });

  it('refuses a duplicate name under another key', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'named_once', name: 'Named Once' }]);
    const response = await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'named_twice', name: 'Named Once' }]);
    expect(((await response.json()) as { failed: unknown[] }).failed).toEqual([
      {
        message: 'A policy with the name Named Once already exists.',
        data: { key: 'named_twice', name: 'Named Once' },
      },
    ]);
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
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'rules_home', name: 'Rules Home' }]);
  });

  it('upserts by key within the policy, and replaces targets when given', async () => {
    const first = await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      {
        ...ERASURE,
        targets: [
          { data_category: 'user.contact.email' },
          { name: 'Phone', data_category: 'user.contact.phone_number' },
        ],
      },
    ]);
    expect(await first.json()).toEqual({
      succeeded: [
        {
          key: 'erase',
          name: 'Erase',
          action_type: 'erasure',
          masking_strategy: { strategy: 'null_rewrite', configuration: {} },
          targets: [
            { key: 'phone', name: 'Phone', data_category: 'user.contact.phone_number' },
            { key: 'user.contact.email', name: null, data_category: 'user.contact.email' },
          ],
        },
      ],
      failed: [],
    });
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
        masking_strategy: { strategy: 'hash', configuration: {} },
        targets: [{ key: 'user', name: null, data_category: 'user' }],
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
    [
      { name: 'Con', action_type: 'consent', masking_strategy: { strategy: 'null_rewrite' } },
      'Consent Rules cannot have masking strategies.',
    ],
    [{ name: 'What', action_type: 'shred' }, "action_type: Input should be 'access', 'erasure', 'consent', 'update'"],
    [
      { name: 'Mask', action_type: 'erasure', masking_strategy: { configuration: {} } },
      'masking_strategy: Input should be {strategy: string, configuration: object}',
    ],
    [{ name: 'T1', action_type: 'access', targets: 'user' }, 'targets: Input should be a list of at most 100 targets'],
    [{ name: 'T2', action_type: 'access', targets: [{ name: 'x' }] }, 'targets: data_category is required'],
    [
      { name: 'T3', action_type: 'access', targets: [{ data_category: 'a b' }] },
      "targets: data_category: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: a b",
    ],
    [
      { name: 'T4', action_type: 'access', targets: [{ data_category: 'user' }, { data_category: 'user' }] },
      'targets: keys must be unique within a rule',
    ],
    [
      { name: 'K', key: 'a/b', action_type: 'access' },
      "key: FidesKeys must only contain alphanumeric characters, '.', '_', '<', '>' or '-'. Value provided: a/b",
    ],
  ])('fails %o alone with its cause', async (item, message) => {
    const response = await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      item,
      { name: `Fine ${Math.random()}`, action_type: 'access' },
    ]);
    const body = (await response.json()) as { succeeded: unknown[]; failed: unknown[] };
    expect(body.failed).toEqual([{ message, data: item }]);
    expect(body.succeeded).toHaveLength(1);
  });

  it('refuses a duplicate rule name under another key in the same policy', async () => {
    await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      { key: 'first_name', name: 'Same Name', action_type: 'access' },
    ]);
    const response = await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      { key: 'second_name', name: 'Same Name', action_type: 'access' },
    ]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { failed: unknown[] }).failed).toEqual([
      {
        message: 'A rule with the name Same Name already exists in policy rules_home.',
        data: { key: 'second_name', name: 'Same Name', action_type: 'access' },
      },
    ]);
  });

  it('allows at most one consent rule per policy', async () => {
    await call('PATCH', '/api/v1/dsr/policy', t.root, [{ key: 'consent_home', name: 'Consent Home' }]);
    const response = await call('PATCH', '/api/v1/dsr/policy/consent_home/rule', t.root, [
      { name: 'Consent A', action_type: 'consent' },
      { name: 'Consent B', action_type: 'consent' },
      { key: 'consent_a', name: 'Consent A again', action_type: 'consent' },
    ]);
    const body = (await response.json()) as { succeeded: { key: string; name: string }[]; failed: unknown[] };
    expect(body.succeeded.map((rule) => [rule.key, rule.name])).toEqual([
      ['consent_a', 'Consent A'],
      ['consent_a', 'Consent A again'],
    ]);
    expect(body.failed).toEqual([
      { message: 'Policies can have at most one consent rule.', data: { name: 'Consent B', action_type: 'consent' } },
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
  });

  it('deletes a rule with 204', async () => {
    await call('PATCH', '/api/v1/dsr/policy/rules_home/rule', t.root, [
      { key: 'short_lived', name: 'Short lived', action_type: 'access' },
    ]);
    expect((await call('DELETE', '/api/v1/dsr/policy/rules_home/rule/short_lived', t.root)).status).toBe(204);
    expect((await call('GET', '/api/v1/dsr/policy/rules_home/rule/short_lived', t.root)).status).toBe(404);
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
      data: { policy: { rules: [{ key: 'default_access_policy_rule', targets: [{ dataCategory: 'user' }] }] } },
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
              drpAction
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
          { name: 'GraphQL Policy', drpAction: 'deletion' },
          { name: 'Bad', drpAction: 'sale_opt_in' },
        ],
      },
      bearer(t.root),
    );
    expect(body).toEqual({
      data: {
        upsertPolicies: {
          succeeded: [{ key: 'graphql_policy', name: 'GraphQL Policy', drpAction: 'deletion' }],
          failed: [
            {
              message: 'sale_opt_in action is not supported at this time.',
              data: { name: 'Bad', drpAction: 'sale_opt_in' },
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
                name: "Erase"
                actionType: "erasure"
                maskingStrategy: { strategy: "null_rewrite" }
                targets: [{ dataCategory: "user.name" }]
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
              key: 'erase',
              maskingStrategy: { strategy: 'null_rewrite', configuration: {} },
              targets: [{ key: 'user.name' }],
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
});
